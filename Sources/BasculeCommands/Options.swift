import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeImport
import BasculeLDAP
import BasculeStore
import Foundation

/// Options every command takes after its name.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Dossier des données de Bascule (base SQLite embarquée, fiches, archives).")
    var data: String = "./bascule-data"

    @Option(name: .long, help: "Base PostgreSQL (postgres://utilisateur@hôte/base) au lieu de la base SQLite embarquée ; le mot de passe vient de \(Self.databasePasswordVariable) ou de --database-password-file, jamais de l'URL.")
    var database: String?

    @Option(help: "Fichier (lisible par son propriétaire seul) dont la première ligne est le mot de passe de la base PostgreSQL.")
    var databasePasswordFile: String?

    @Flag(help: "Accepte une connexion sans TLS vers un serveur PostgreSQL qui n'est pas sur cette machine (déconseillé : mot de passe et données en clair sur le réseau ; averti à chaque exécution).")
    var insecureDatabase = false

    @Option(name: .long, help: "Fichier de configuration (annuaire réel), par défaut <données>/bascule.yml.")
    var config: String?

    /// Where the database password comes from when `--database-password-file` is not given.
    static let databasePasswordVariable = "BASCULE_DATABASE_PASSWORD"

    var configuration: Configuration? {
        get throws { try Configuration.load(config ?? (data as NSString).appendingPathComponent("bascule.yml")) }
    }

    /// The planning policy `bascule.yml` sets, for commands without `--burnt-login-years`.
    var policy: PlanningPolicy {
        get throws { try (configuration ?? Configuration()).policy() }
    }

    /// The embedded store's file, whether or not it exists.
    var embeddedStorePath: String { StoreLocation.embedded(dataDirectory: data).description }

    /// The store to open. A PostgreSQL URL must not hold the password: a command line is shown to
    /// every local user (`ps`, `/proc/<pid>/cmdline`) and kept in shell histories and cron tabs.
    var location: StoreLocation {
        get throws {
            guard let database else { return .embedded(dataDirectory: data) }
            guard StoreLocation.isPostgres(database) else { return .sqlite(path: database) }
            if StoreLocation.urlHoldsPassword(database) {
                throw ConfigurationError.invalid("--database : l'URL contient un mot de passe, que la ligne de commande montre à tout utilisateur de la machine (ps). Retirez-le de l'URL et donnez-le par la variable d'environnement \(Self.databasePasswordVariable) ou par --database-password-file FICHIER ; changez-le aussi, il a pu être vu.")
            }
            return .postgres(url: database, password: try databasePassword(), allowCleartext: insecureDatabase)
        }
    }

    /// The password from `--database-password-file` (its first line), else from the environment.
    func databasePassword() throws -> String? {
        if let file = databasePasswordFile {
            var st = stat()
            guard stat(file, &st) == 0 else {
                throw ConfigurationError.invalid("--database-password-file : \(file) est introuvable ou illisible")
            }
            // As libpq does for .pgpass: a secret others can read is no secret.
            guard st.st_mode & 0o077 == 0 else {
                throw ConfigurationError.invalid("--database-password-file : \(file) est lisible par d'autres que son propriétaire (mode \(String(st.st_mode & 0o777, radix: 8))) ; chmod 600 \(file)")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                  let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map({ String($0).replacingOccurrences(of: "\r", with: "") }),
                  !line.isEmpty else {
                throw ConfigurationError.invalid("--database-password-file : \(file) ne contient pas de mot de passe (première ligne vide ou illisible)")
            }
            return line
        }
        if let value = CommandEnvironment.current.variable(Self.databasePasswordVariable), !value.isEmpty { return value }
        return nil
    }

    /// The school calendar's verdict for a day: `<data>/calendriers/` overrides, else the bundled one.
    var calendarGate: @Sendable (UAI, CivilDate) throws -> CalendarGate {
        let calendars = CalendarStore(dataDirectory: data)
        return { uai, day in
            let loaded = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai)
            return CalendarGate(calendar: loaded.calendar, on: day)
        }
    }

    /// Opens the store, runs `body`, and closes the store whatever happens. `bascule.yml` is
    /// read and checked first, so that a broken one is said at once, not once a school exists.
    /// Only `creating` commands (import, demo, run) may make a store where there is none.
    /// The data folder's lock, as the daily run holds it: a command that writes to the store, the
    /// directory or the spaces by hand (apply, directory sync, spaces sync and clean) never runs
    /// beside the service's day, which would take its journal's lines for a crash's and do them
    /// again. Exit 4 when it is held.
    func holdingDataFolder() throws -> DailyRunLock? {
        do {
            return try DailyRunLock.acquire(dataDirectory: data)
        } catch let busy as DailyRunBusy {
            warn(busy.french)
            throw ExitCode(4)
        }
    }

    func withStore<T>(creating: Bool = false, _ body: (Store) async throws -> T) async throws -> T {
        _ = try checkedConfiguration
        let location = try location
        if let host = location.cleartextHost {
            warn("ATTENTION : connexion à PostgreSQL sur \(host) sans TLS exigé (--insecure-database) : le mot de passe et les données peuvent passer en clair sur le réseau.")
        }
        let spacesRoot = (try? configuration)??.espaces?.racine
        if let warning = DataFolder.protect(data, reachable: spacesRoot.map { [$0] } ?? []) { warn(warning) }
        let store = try await Store.open(location, creating: creating)
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}

/// The department's planning choices a command may change; the plan's hash depends on them, so
/// `plan`, `apply` and `accounts rename` must be given the same ones.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Années pendant lesquelles l'identifiant d'un compte supprimé ou renommé n'est redonné à personne (\(PlanningPolicy.defaultBurntLoginYears) par défaut).")
    var burntLoginYears: Int = PlanningPolicy.defaultBurntLoginYears

    func validate() throws {
        guard burntLoginYears >= 1 else { throw ValidationError("--burnt-login-years : au moins 1 an.") }
    }

    /// The policy `bascule.yml` sets (`comptes:`), with these options.
    func policy(_ options: DataOptions) throws -> PlanningPolicy {
        try (options.configuration ?? Configuration()).policy(burntLoginYears: burntLoginYears)
    }
}

/// Dates on the command line are `YYYY-MM-DD`; the default is today.
struct DateOption: ExpressibleByArgument {
    let date: CivilDate
    init?(argument: String) {
        guard let d = CivilDate(parsing: argument) else { return nil }
        date = d
    }

    /// Today as `CommandEnvironment` gives it: the system's local day, or none in tests.
    static func today() throws -> CivilDate { try CommandEnvironment.current.today() }
}

extension Optional where Wrapped == DateOption {
    /// The day given with `--date`, else today.
    func orToday() throws -> CivilDate {
        if let self { return self.date }
        return try DateOption.today()
    }
}

extension UAI: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension PersonKind: ExpressibleByArgument {}

/// Runs a command body, turning Bascule's typed errors into a French message and exit code 2.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as ImportError {
        warn("Import refusé : \(e.french)\nRien n'a été enregistré.")
        throw ExitCode(2)
    } catch let e as StoreError {
        warn(e.french)
        if case .insecureTransport = e { throw ExitCode(2) }
        if e.isMissingStore { throw ExitCode(2) }
        throw ExitCode(3)
    } catch let e as CalendarFileError {
        warn(e.french)
        throw ExitCode(2)
    } catch let e as ConfigurationError {
        warn(e.french)
        throw ExitCode(2)
    } catch let e as LDAPError {
        warn(e.french)
        throw ExitCode(5)
    } catch let e as AccountsError {
        warn(e.french)
        if case .unknownAccount = e { throw ExitCode(2) }
        throw ExitCode(4)
    } catch let e as VerificationError {
        warn(e.french)
        throw ExitCode(2)
    } catch let e as ApplyRefusal {
        warn(e.french)
        throw ExitCode(4)
    } catch let e as SyncRefusal {
        warn(e.french)
        throw ExitCode(4)
    } catch let e as SheetVault.VaultError {
        warn(e.description)
        throw ExitCode(3)
    } catch let e where !(e is ExitCode || e is CleanExit || e is ValidationError) {
        let failure = UnexpectedFailure(e)
        warn(failure.french)
        throw ExitCode(failure.exitCode)
    }
}

let jsonEncoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return e
}()

func renderJSON<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try jsonEncoder.encode(value), as: UTF8.self)
}

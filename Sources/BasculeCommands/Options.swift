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

    @Option(name: .long, help: "Base PostgreSQL (postgres://utilisateur:motdepasse@hôte/base) au lieu de la base SQLite embarquée.")
    var database: String?

    @Option(name: .long, help: "Fichier de configuration (annuaire réel), par défaut <données>/bascule.yml.")
    var config: String?

    var configuration: Configuration? {
        get throws { try Configuration.load(config ?? (data as NSString).appendingPathComponent("bascule.yml")) }
    }

    var location: StoreLocation {
        if let database { return StoreLocation.parse(database) }
        return .embedded(dataDirectory: data)
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
    /// Only `creating` commands (import, demo) may make a store where there is none.
    func withStore<T>(creating: Bool = false, _ body: (Store) async throws -> T) async throws -> T {
        _ = try checkedConfiguration
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

    var policy: PlanningPolicy { PlanningPolicy(burntLoginYears: burntLoginYears) }
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

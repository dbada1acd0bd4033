import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

/// Where commands read a secret the user types. A task-local, like ``Output``, so that tests feed
/// a password without a process or a terminal.
public struct Input: Sendable {
    /// The first line, without its line ending; `nil` at the end of the input.
    public let readLine: @Sendable () -> String?

    public init(readLine: @escaping @Sendable () -> String?) {
        self.readLine = readLine
    }

    /// Standard input. On a terminal, asks on standard error and turns the echo off while the
    /// password is typed.
    public static let standard = Input(readLine: {
        guard isatty(STDIN_FILENO) == 1 else { return Swift.readLine(strippingNewline: true) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return Swift.readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        FileHandle.standardError.write(Data("Mot de passe : ".utf8))
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true)
    })

    /// The first line of `text`, as if typed.
    public static func text(_ text: String) -> Input {
        let line = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init)
        return Input(readLine: { line })
    }

    @TaskLocal public static var current: Input = .standard
}

/// `bascule password`: EduConnect passwords.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Mots de passe : vérifie un nouveau mot de passe selon la règle académique, génère des mots de passe temporaires, réinitialise celui d'un compte.",
        subcommands: [PasswordCheckCommand.self, PasswordGenerateCommand.self, PasswordResetCommand.self])
}

struct PasswordCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Vérifie un nouveau mot de passe lu sur l'entrée standard (première ligne).",
        discussion: """
            Règle académique : au moins 12 caractères et 3 des 4 critères suivants : 1 majuscule,
            1 minuscule, 1 chiffre, 1 des caractères spéciaux ! ? @ # $ ( ) { } [ ] _ & = + - % ° * < > £ µ / . : ;
            Sont aussi refusés : un mot de passe qui contient l'identifiant, le prénom ou le nom
            (mots d'au moins 3 lettres, sans tenir compte des accents ni de la casse), et un mot de
            passe courant ou un mot courant suivi de chiffres.
            Le mot de passe n'est jamais affiché. Code de sortie : 0 accepté, 1 refusé, 2 erreur.
            """)

    @Option(help: "Identifiant du compte (p.nom).")
    var login: String?

    @Option(help: "Prénom du titulaire du compte.")
    var firstName: String?

    @Option(help: "Nom de famille du titulaire du compte.")
    var familyName: String?

    @Option(help: "Liste de mots de passe courants, un par ligne (par défaut \(defaultCommonPasswordsPath) s'il existe).")
    var commonPasswords: String?

    static let defaultCommonPasswordsPath = "/usr/share/dict/cracklib-small"

    func run() async throws {
        let common = try loadCommonPasswords()
        guard let candidate = Input.current.readLine() else {
            warn("Aucun mot de passe lu sur l'entrée standard.")
            throw ExitCode(2)
        }
        let context = PasswordContext(login: login, firstName: firstName, familyName: familyName)
        let refusals = PasswordRule().check(candidate, context: context, commonPasswords: common)
        if refusals.isEmpty {
            say("Mot de passe accepté.")
            return
        }
        warn("Mot de passe refusé :")
        for refusal in refusals { warn("- \(refusal.french)") }
        throw ExitCode(1)
    }

    private func loadCommonPasswords() throws -> CommonPasswords {
        let path: String
        if let commonPasswords {
            path = commonPasswords
        } else if FileManager.default.isReadableFile(atPath: Self.defaultCommonPasswordsPath) {
            path = Self.defaultCommonPasswordsPath
        } else {
            return .none
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            warn("Impossible de lire la liste de mots de passe courants \(path).")
            throw ExitCode(2)
        }
        let text = String(decoding: data, as: UTF8.self)
        return CommonPasswords(text.split(whereSeparator: \.isNewline).map(String.init))
    }
}

struct PasswordGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Génère des mots de passe temporaires : 12 lettres et chiffres, sans caractères ambigus (0 O o 1 l I).",
        discussion: "Un mot de passe par ligne, tirés par le générateur aléatoire sécurisé du système.")

    @Option(help: "Nombre de mots de passe.")
    var count: Int = 1

    func validate() throws {
        guard (1...100_000).contains(count) else {
            throw ValidationError("--count doit être compris entre 1 et 100000.")
        }
    }

    func run() async throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<count {
            say(TemporaryPassword.generate(using: &generator))
        }
    }
}

struct PasswordResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Donne un nouveau mot de passe provisoire à un compte, si la personne qui le demande en a le droit.",
        discussion: """
            Le RUPN réinitialise le mot de passe de tout élève et de tout personnel ; un enseignant, celui des
            élèves seulement (droits : bascule rights). Le mot de passe provisoire est traité comme à la création
            du compte : seulement haché et chiffré pour la fiche, à changer à la première connexion. Il n'est
            jamais affiché : il s'imprime sur la fiche (bascule sheets --since DATE). Refus : code 4 et la raison.
            Quand bascule.yml décrit un annuaire, le nouveau mot de passe y est poussé aussitôt (ce compte seulement,
            noté au journal de l'annuaire), marqué à changer à la première connexion (pwdReset, shadowLastChange 0) ;
            si l'annuaire est injoignable, la commande le dit et sort avec le code 5 : le mot de passe est réinitialisé
            dans Bascule et l'annuaire le recevra à la prochaine synchronisation.
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
    var uai: UAI

    @Option(help: "Identifiant de la personne qui demande la réinitialisation (RUPN, enseignant).")
    var by: String

    @Option(help: "Date de la réinitialisation (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Option(help: "Coût du hachage (tours PBKDF2-SHA256, au moins 1000 : un mot de passe provisoire, voir docs/mots-de-passe.md).")
    var passwordRounds: Int = PasswordHasher.productionRounds

    @Argument(help: "Identifiant du compte dont le mot de passe est réinitialisé.")
    var login: String

    func validate() throws {
        try RootOnly.check()
        if passwordRounds < PasswordHasher.temporaryRounds { throw ValidationError("--password-rounds : au moins \(PasswordHasher.temporaryRounds).") }
    }

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            // Read before anything changes: a configuration that cannot be read stops the reset.
            let configuration = try options.configuration
            let (done, pushed) = try await options.withStore { store in
                // Once the store is found: a wrong --data must not leave a new key behind.
                let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: passwordRounds), vault: try SheetVault(dataDirectory: options.data))
                let done = try await PasswordResetService(store: store, issuer: issuer).reset(uai: uai, login: login, by: by, on: day)
                return (done, await pushToDirectory(configuration, store: store, personID: done.account.personID))
            }
            let a = done.account
            let quoted = done.division.map { $0.contains(" ") ? "\"\($0)\"" : $0 }
            let selection = a.kind == .student ? "--class " + (quoted ?? "CLASSE") : "--staff"
            let data = options.database == nil ? "--data \(options.data)" : "--database …"
            say("Mot de passe provisoire de \(a.login) (\(a.name.full)) réinitialisé le \(day) : \(done.allowedBecause.french).")
            say("Il est à changer à la première connexion ; il n'est affiché nulle part ailleurs que sur la fiche.")
            say("Fiche à imprimer : bascule sheets \(data) --school \(uai) \(selection) --since \(day)")
            if let root = configuration?.espaces?.racine {
                say("  (écrite dans \(SpaceTree.trimmed(root))/\(uai.code)/\(SpaceTree.referents)/, lisible par les seuls RUPN ; --handed-out une fois remise)")
            } else {
                say("  (écrite dans \(URL(fileURLWithPath: options.data).appendingPathComponent("schools/\(uai.code)/\(SpaceTree.referents)").path)/, lisible par son seul propriétaire ; --handed-out une fois remise)")
            }
            switch pushed {
            case .none:
                break
            case .done(let report):
                say(report.french)
                say("L'annuaire \(report.target) a le nouveau mot de passe : il sert dès maintenant, et sera à changer à la première connexion (pwdReset).")
            case .failed(let target, let why, let code):
                warn("""
                    \(why)
                    Le mot de passe est réinitialisé dans Bascule, mais l'annuaire \(target) ne l'a pas reçu : l'ancien mot de passe y sert encore. \
                    Il le recevra à la prochaine synchronisation (bascule directory sync, ou le prochain bascule apply).
                    The password is reset in Bascule's store, but the directory did not get it; it will at the next sync.
                    """)
                throw ExitCode(code)
            }
        }
    }

    enum Pushed {
        /// No directory described in bascule.yml.
        case none
        case done(DirectorySyncReport)
        /// Why, and the exit code: 5 when the directory cannot be reached or refuses, 2 when the
        /// configuration keeps Bascule from trying.
        case failed(target: String, why: String, code: Int32)
    }

    /// The new password in the real directory at once, when `bascule.yml` describes one: that
    /// account's entry only, journaled like a sync.
    func pushToDirectory(_ configuration: Configuration?, store: Store, personID: String) async -> Pushed {
        guard let configuration, let directory = configuration.annuaire else { return .none }
        do {
            guard let connector = try configuration.connector() else { return .none }
            let report = try await DirectorySyncService(store: store, connector: connector, layout: connector.layout)
                .syncAccount(uai: uai, personID: personID)
            if let failure = report.failures.first {
                return .failed(target: report.target, why: "\(failure.operation) \(failure.dn) : \(failure.error)", code: 5)
            }
            return .done(report)
        } catch let error as LDAPError {
            return .failed(target: directory.url, why: error.french, code: 5)
        } catch let error as ConfigurationError {
            return .failed(target: directory.url, why: error.french, code: 2)
        } catch let error as StoreError {
            return .failed(target: directory.url, why: error.french, code: 3)
        } catch {
            return .failed(target: directory.url, why: "\(error)", code: 5)
        }
    }
}

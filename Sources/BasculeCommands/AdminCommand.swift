import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import Foundation

/// `bascule admin`: the department's administrators, who log in to the service and may do
/// everything in every school.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administrateurs du département (connexion au service, tous les droits dans tous les établissements).",
        subcommands: [AdminCreateCommand.self, AdminListCommand.self, AdminDeleteCommand.self])
}

struct AdminCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Crée un administrateur du département ; son mot de passe est lu sur l'entrée standard (première ligne).",
        discussion: """
            Le mot de passe suit la règle académique (12 caractères, 3 types sur 4, ni l'identifiant), n'est jamais \
            affiché, et n'est gardé que haché (PBKDF2-SHA256). --replace change le mot de passe d'un administrateur existant.
            """)

    @OptionGroup var options: DataOptions

    @Argument(help: "Identifiant de l'administrateur.")
    var login: String

    @Flag(help: "Remplace le mot de passe d'un administrateur existant.")
    var replace = false

    @Option(help: "Coût du hachage (tours PBKDF2-SHA256, au moins 10000).")
    var passwordRounds: Int = PasswordHasher.productionRounds

    func validate() throws {
        if passwordRounds < 10_000 { throw ValidationError("--password-rounds : au moins 10000.") }
        guard AdminCreateCommand.isLogin(login) else {
            throw ValidationError("identifiant « \(login) » : de 2 à 64 caractères parmi a-z 0-9 . _ -")
        }
    }

    static func isLogin(_ s: String) -> Bool {
        (2...64).contains(s.count) && s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || ".-_".contains($0) }
    }

    func run() async throws {
        try await reportingErrors {
            guard let password = Input.current.readLine(), !password.isEmpty else {
                warn("Aucun mot de passe lu sur l'entrée standard.")
                throw ExitCode(2)
            }
            let refusals = PasswordRule().check(password, context: PasswordContext(login: login))
            guard refusals.isEmpty else {
                warn("Mot de passe refusé :")
                for r in refusals { warn("- \(r.french)") }
                throw ExitCode(2)
            }
            let hash = try PasswordHasher(rounds: passwordRounds).hash(password)
            let by = SystemUser.current()
            let now = Date()
            try await options.withStore(creating: true) { store in
                let existing = try await store.departmentAdmin(login: login)
                if existing != nil, !replace {
                    warn("L'administrateur « \(login) » existe déjà : --replace pour changer son mot de passe.")
                    throw ExitCode(4)
                }
                if existing == nil, replace {
                    warn("Aucun administrateur « \(login) » à modifier.")
                    throw ExitCode(2)
                }
                let audit = AuditEntry(at: Store.timestamp(now), actor: by, uai: Store.departmentAuditUAI,
                                       event: replace ? "admin-password" : "admin-create", target: login,
                                       french: replace ? "mot de passe d'administrateur du département remplacé (bascule admin create --replace)"
                                           : "administrateur du département créé (bascule admin create)",
                                       english: replace ? "department administrator's password replaced" : "department administrator created",
                                       planHash: nil)
                try await store.saveDepartmentAdmin(DepartmentAdmin(login: login, passwordHash: hash, createdAt: existing?.createdAt ?? Store.timestamp(now),
                                                                    createdBy: existing?.createdBy ?? by),
                                                    replacing: replace, audit: [audit])
            }
            say(replace ? "Mot de passe de l'administrateur « \(login) » remplacé." : "Administrateur du département « \(login) » créé.")
        }
    }
}

struct AdminListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Les administrateurs du département.")

    @OptionGroup var options: DataOptions

    @Flag(help: "En JSON.")
    var json = false

    struct Line: Encodable {
        var login: String
        var createdAt: String
        var createdBy: String
    }

    func run() async throws {
        try await reportingErrors {
            let admins = try await options.withStore { try await $0.departmentAdmins() }
            if json { say(try renderJSON(admins.map { Line(login: $0.login, createdAt: $0.createdAt, createdBy: $0.createdBy) })); return }
            if admins.isEmpty { say("Aucun administrateur du département (bascule admin create LOGIN).") }
            for a in admins { say("\(a.login)\tcréé le \(a.createdAt) par \(a.createdBy)") }
        }
    }
}

struct AdminDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Supprime un administrateur du département (et ses sessions).")

    @OptionGroup var options: DataOptions

    @Argument(help: "Identifiant de l'administrateur.")
    var login: String

    func run() async throws {
        try await reportingErrors {
            let by = SystemUser.current()
            let now = Date()
            let done = try await options.withStore { store in
                try await store.deleteDepartmentAdmin(login: login, audit: [AuditEntry(
                    at: Store.timestamp(now), actor: by, uai: Store.departmentAuditUAI, event: "admin-delete", target: login,
                    french: "administrateur du département supprimé, ses sessions fermées", english: "department administrator deleted",
                    planHash: nil)])
            }
            guard done else {
                warn("Aucun administrateur « \(login) ».")
                throw ExitCode(2)
            }
            say("Administrateur « \(login) » supprimé.")
        }
    }
}

/// `bascule token`: API tokens for programs (an import script, the ENT's single sign-on).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Jetons d'API (Authorization: Bearer) : un rôle, des établissements, révocables.",
        subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self])
}

struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Crée un jeton et l'affiche une seule fois (seule son empreinte SHA-256 est gardée).",
        discussion: """
            Rôles : departement (tout, partout), direction et rupn (aux établissements donnés par --school), \
            acces (la décision d'accès de l'ENT seulement : GET /api/acces ; tous les établissements sans --school).
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Rôle : \(APITokens.roles.map(\.rawValue).joined(separator: ", ")).")
    var role: String

    @Option(name: [.customLong("school"), .customLong("uai")], help: "Établissement (UAI) ; répétable.")
    var schools: [UAI] = []

    @Option(help: "Nom du jeton (qui l'utilise, pour quoi).")
    var name: String

    func validate() throws {
        guard let r = AccessRole(rawValue: role), APITokens.roles.contains(r) else {
            throw ValidationError("--role : \(APITokens.roles.map(\.rawValue).joined(separator: ", ")).")
        }
        if (r == .direction || r == .rupn) && schools.isEmpty {
            throw ValidationError("--role \(role) : au moins un --school UAI.")
        }
        if APITokens.globalRoles.contains(r) && !schools.isEmpty {
            throw ValidationError("--role \(role) vaut pour tous les établissements : pas de --school.")
        }
        guard (1...64).contains(name.count), !name.contains(where: { $0.isNewline || $0 == "," }) else {
            throw ValidationError("--name : de 1 à 64 caractères, sur une ligne.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let (secret, hash) = APITokens.make()
            let by = SystemUser.current()
            let now = Date()
            let id = String(UUID().uuidString.lowercased().prefix(8))
            let row = TokenRow(id: id, name: name, role: role, schools: schools.map(\.code), tokenHash: hash, createdAt: Store.timestamp(now),
                               createdBy: by)
            try await options.withStore(creating: true) { store in
                try await store.createToken(row, audit: [AuditEntry(
                    at: Store.timestamp(now), actor: by, uai: Store.departmentAuditUAI, event: "token-create", target: id,
                    french: "jeton d'API « \(name) » créé : rôle \(role)\(schools.isEmpty ? "" : ", établissements \(schools.map(\.code).joined(separator: " "))")",
                    english: "API token created: role \(role)", planHash: nil)])
            }
            say(secret)
            warn("Jeton « \(name) » (\(id)) créé : il n'est affiché que cette fois. Envoyez-le dans l'en-tête Authorization: Bearer …")
        }
    }
}

struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Les jetons (jamais leur secret).")

    @OptionGroup var options: DataOptions

    @Flag(help: "En JSON.")
    var json = false

    @Flag(help: "Aussi les jetons révoqués.")
    var all = false

    struct Line: Encodable {
        var id: String
        var name: String
        var role: String
        var schools: [String]
        var createdAt: String
        var createdBy: String
        var revokedAt: String?
    }

    func run() async throws {
        try await reportingErrors {
            let rows = try await options.withStore { try await $0.tokens() }.filter { all || $0.revokedAt == nil }
            let lines = rows.map { Line(id: $0.id, name: $0.name, role: $0.role, schools: $0.schools, createdAt: $0.createdAt,
                                        createdBy: $0.createdBy, revokedAt: $0.revokedAt) }
            if json { say(try renderJSON(lines)); return }
            if lines.isEmpty { say("Aucun jeton.") }
            for l in lines {
                say("\(l.id)\t\(l.name)\t\(l.role)\t\(l.schools.isEmpty ? "tous" : l.schools.joined(separator: " "))\tcréé le \(l.createdAt) par \(l.createdBy)\(l.revokedAt.map { "\trévoqué le \($0)" } ?? "")")
            }
        }
    }
}

struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Révoque un jeton (par son identifiant, ou son nom s'il est seul à le porter) ; le service le refuse dans les 30 secondes.")

    @OptionGroup var options: DataOptions

    @Argument(help: "Identifiant ou nom du jeton.")
    var token: String

    func run() async throws {
        try await reportingErrors {
            let by = SystemUser.current()
            let now = Date()
            let revoked = try await options.withStore { store in
                try await store.revokeToken(token, at: now) { t in
                    [AuditEntry(at: Store.timestamp(now), actor: by, uai: Store.departmentAuditUAI, event: "token-revoke", target: t.id,
                                french: "jeton d'API « \(t.name) » révoqué", english: "API token revoked", planHash: nil)]
                }
            }
            guard let revoked else {
                warn("Aucun jeton actif « \(token) » (ou plusieurs portent ce nom : donnez l'identifiant, bascule token list).")
                throw ExitCode(2)
            }
            say("Jeton « \(revoked.name) » (\(revoked.id)) révoqué.")
        }
    }
}

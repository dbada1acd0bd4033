import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOPosix

/// Who a request comes from, once authenticated: a session (a person of a school, or a department
/// administrator) or an API token. The actor of every action is this, never a form field.
struct Principal: Sendable {
    enum Source: Sendable {
        case session(SessionRow)
        case token(TokenRow)
    }

    var requester: Requester
    var source: Source

    /// For the log and the audit: a login, `admin:NAME` or `jeton:NAME`.
    var name: String { requester.name }

    var session: SessionRow? { if case .session(let s) = source { s } else { nil } }

    /// Who acts on an account of `uai`, for the services (and their per-action rules).
    func acting(at uai: UAI) -> Acting {
        switch source {
        case .session(let s) where s.kind == SessionKind.person.rawValue && s.uai == uai:
            return .account(s.login)
        default:
            return .authority(name: requester.name, roles: requester.roles(at: uai))
        }
    }
}

/// Raw values are `SessionRow.personKind` and `.adminKind` (a test checks they agree).
enum SessionKind: String {
    case admin
    case person
}

/// The names of the service's cookies.
enum Cookies {
    static let session = "bascule_session"
    /// The login form's CSRF token (double submit: the same value in the cookie and in the form).
    static let login = "bascule_connexion"

    static func parse(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            out[String(pair[0]).trimmingCharacters(in: .whitespaces)] = String(pair[1]).trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// `HttpOnly` (no script reads it), `SameSite=Strict` (no other site sends it), `Secure` when
    /// the browser reaches the service over TLS, `Path=/`.
    static func header(_ name: String, _ value: String, secure: Bool, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Strict"]
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }
}

enum Secrets {
    /// 32 bytes from the system's secure generator, base64url without padding.
    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Equal, in a time that depends on the length only.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// API tokens: `bsc_` and 32 random bytes, shown once; the store keeps their SHA-256 (a secret of
/// 256 bits needs no slow hash). The roles a token may have.
public enum APITokens {
    public static let prefix = "bsc_"
    /// `enseignant` and `personne` are people's, never a program's.
    public static let roles: [AccessRole] = [.department, .direction, .rupn, .access, .monitoring]

    /// The roles a token holds everywhere: no school is named with them.
    public static let globalRoles: Set<AccessRole> = [.department, .monitoring]

    public static func make() -> (secret: String, hash: String) {
        let secret = prefix + Secrets.random()
        return (secret, Secrets.sha256(secret))
    }

    public static func hash(_ secret: String) -> String { Secrets.sha256(secret) }

    /// The requester a token stands for: the department's and the single sign-on's roles hold
    /// everywhere unless schools are named; the others at their schools only.
    static func requester(_ t: TokenRow) -> Requester? {
        guard let role = AccessRole(rawValue: t.role), roles.contains(role) else { return nil }
        let schools = t.schools.compactMap(UAI.init)
        let name = "jeton:\(t.name)"
        if globalRoles.contains(role) { return schools.isEmpty ? Requester(name: name, global: [role]) : nil }
        if role == .access, schools.isEmpty { return Requester(name: name, global: [.access]) }
        return Requester(name: name, bySchool: Dictionary(schools.map { ($0, [role]) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// Tokens as last read from the store, for at most `ttl` seconds: the access decision is answered
/// without a store query per request, and a token revoked by `bascule token revoke` (another
/// process) stops working within `ttl`.
actor TokenCache {
    let ttl: TimeInterval
    private var entries: [String: (row: TokenRow?, read: Date)] = [:]

    init(ttl: TimeInterval = 30) { self.ttl = ttl }

    func lookup(hash: String, now: Date, read: @Sendable () async throws -> TokenRow?) async throws -> TokenRow? {
        if let e = entries[hash], now.timeIntervalSince(e.read) < ttl { return e.row }
        let row = try await read()
        if entries.count > 10_000 { entries.removeAll() }
        entries[hash] = (row, now)
        return row
    }

    func forget() { entries.removeAll() }
}

/// Checks a password: the department administrator's hash; a person's by a bind to the directory
/// when `bascule.yml` describes one, else their credential's hash in the store. Slow work (PBKDF2,
/// the directory's round trips) runs on NIO's thread pool, never on the event loop.
struct PasswordCheck: Sendable {
    let access: StoreAccess
    let configuration: Configuration?
    let directoryPassword: String?
    let logger: Logger

    /// A hash of nothing anyone knows, verified when there is no hash to verify, so that an
    /// unknown login costs the same time as a wrong password.
    static let decoy = (try? PasswordHasher().hash(Secrets.random())) ?? ""

    static func verify(_ password: String, against hash: String?) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive {
            let ok = hash.map { PasswordHasher().verify(password, against: $0) } ?? false
            for extra in padding(after: hash) { _ = PasswordHasher().verify(password, against: extra) }
            return ok
        }) ?? false
    }

    /// What is verified besides `hash` (nil: nothing was hashed, the login is unknown or the
    /// directory answered), so that every answer costs at least a chosen password's hash. A
    /// temporary password's hash has 1 000 rounds, a directory bind a few milliseconds: answered
    /// at that speed while an unknown login costs 210 000 rounds, the time alone would tell who
    /// exists, and who still has a temporary password.
    static func padding(after hash: String?) -> [String] {
        guard let hash else { return [decoy] }
        return (rounds(of: hash) ?? 0) >= PasswordHasher.productionRounds ? [] : [decoy]
    }

    /// The rounds a `$pbkdf2-sha256$<rounds>$…` hash names.
    static func rounds(of hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: true)
        return parts.count == 4 ? Int(parts[1]) : nil
    }

    /// The cost of an answer that verified nothing itself (a directory bind).
    static func pad(_ password: String) async {
        _ = try? await NIOThreadPool.singleton.runIfActive {
            for extra in padding(after: nil) { _ = PasswordHasher().verify(password, against: extra) }
        }
    }

    func admin(login: String, password: String) async throws -> Bool {
        let admin = try await access.run { try await $0.departmentAdmin(login: login) }
        return await Self.verify(password, against: admin?.passwordHash)
    }

    /// A person whose password was accepted.
    struct PersonSignIn: Sendable {
        var account: Account
        /// The password given is still the temporary one Bascule issued: to be changed first.
        var temporary: Bool
    }

    /// The account `login` of `uai` signs in with `password`: it exists, is not disabled nor
    /// deleted, and the directory (or the store's hash) accepts the password.
    func person(uai: UAI, login: String, password: String) async throws -> PersonSignIn? {
        let (account, credential) = try await access.run { store -> (Account?, CredentialRow?) in
            let accounts = try await store.directoryState(uai: uai).accounts
            guard let a = accounts.first(where: { $0.login == login && ($0.status == .active || $0.status == .leaving) }) else {
                return (nil, nil)
            }
            return (a, try await store.credential(personID: a.personID))
        }
        if configuration?.annuaire != nil, let account {
            let bound = try await bind(uai: uai, login: account.login, password: password)
            await Self.pad(password)
            guard bound else { return nil }
            // The store knows the temporary password it issued, not a password changed through the
            // ENT: the flag alone may be stale, the password given against the temporary's hash is not.
            var temporary = false
            if let credential, credential.mustChange {
                temporary = await Self.verify(password, against: credential.passwordHash)
            }
            return PersonSignIn(account: account, temporary: temporary)
        }
        // Without a directory, the store's hash: a person with none (or an account gone) cannot log in.
        let ok = await Self.verify(password, against: account == nil ? nil : credential?.passwordHash)
        guard ok, let account else { return nil }
        return PersonSignIn(account: account, temporary: credential?.mustChange ?? false)
    }

    /// Finds the person's entry by `uid` under the school's branch (as Bascule's account), then
    /// binds as that entry with the password, on a connection of its own.
    func bind(uai: UAI, login: String, password: String) async throws -> Bool {
        guard let configuration else { return false }
        let secret = directoryPassword
        let log = logger
        return try await NIOThreadPool.singleton.runIfActive {
            guard let connector = try configuration.connector(password: secret, warn: { log.warning("\($0)") }) else { return false }
            let filter = "(&(objectClass=posixAccount)(uid=\(LDAPEscape.filterValue(login))))"
            let found = try connector.connection.search(base: connector.layout.school(uai), filter: filter, attributes: ["uid"])
            guard found.count == 1 else { return false }
            let probe = try connector.connect()
            do {
                try probe.bind(dn: found[0].dn, password: password)
                return true
            } catch let error as LDAPError where error.isInvalidCredentials {
                return false
            }
        }
    }
}

import BasculeDomain
import Foundation
import SQLKit

/// A department administrator: a login and a PBKDF2 hash, never a clear password.
public struct DepartmentAdmin: Sendable, Hashable, Codable {
    public var login: String
    public var passwordHash: String
    public var createdAt: String
    public var createdBy: String

    public init(login: String, passwordHash: String, createdAt: String, createdBy: String) {
        self.login = login
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// A session of someone logged in to the service. The cookie's value is never stored: `idHash`
/// is its SHA-256, so that reading the store (a backup, a dump) gives nobody a session.
public struct SessionRow: Sendable, Hashable {
    /// `admin` (a department administrator) or `person` (an account of `uai`).
    public var kind: String
    public var login: String
    public var uai: UAI?
    public var idHash: String
    /// The session's CSRF token, sent back with every form that changes something.
    public var csrf: String
    public var createdAt: Date
    public var expiresAt: Date
    /// The person a `person` session belongs to (nil for an administrator's, and for a session
    /// opened before the store knew it: such a session is not honoured).
    public var personID: String?
    /// Opened with a temporary password: nothing but changing it (and logging out) until it is.
    public var mustChange: Bool

    /// The kinds the service writes (its `SessionKind`), named here for the use cases that end sessions.
    public static let personKind = "person", adminKind = "admin"

    public init(kind: String, login: String, uai: UAI?, idHash: String, csrf: String, createdAt: Date, expiresAt: Date,
                personID: String? = nil, mustChange: Bool = false) {
        self.personID = personID
        self.mustChange = mustChange
        self.kind = kind
        self.login = login
        self.uai = uai
        self.idHash = idHash
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// An API token: a role and the schools it acts for (none: all of them, for the department's and
/// the single sign-on's roles). Stored as the SHA-256 of the secret, shown once at creation.
public struct TokenRow: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: String
    public var schools: [String]
    public var tokenHash: String
    public var createdAt: String
    public var createdBy: String
    public var revokedAt: String?

    public init(id: String, name: String, role: String, schools: [String], tokenHash: String, createdAt: String, createdBy: String,
                revokedAt: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.schools = schools
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}

extension Store {
    /// Where the department's own events go in the audit log (it has no school).
    public static let departmentAuditUAI = UAI("DEPARTEMENT")!

    // MARK: - Department administrators

    public func departmentAdmins() async throws -> [DepartmentAdmin] {
        try await query("SELECT * FROM department_admins ORDER BY login", "admins").map(Self.admin)
    }

    public func departmentAdmin(login: String) async throws -> DepartmentAdmin? {
        try await query("SELECT * FROM department_admins WHERE login = \(bind: login)", "admins").first.map(Self.admin)
    }

    /// Adds an administrator, or replaces their password hash when `replacing`; audited together.
    public func saveDepartmentAdmin(_ admin: DepartmentAdmin, replacing: Bool, audit: [AuditEntry]) async throws {
        try await wrapped("admins") {
            try await self.transaction {
                if replacing {
                    try await self.db.raw("DELETE FROM department_admins WHERE login = \(bind: admin.login)").run()
                }
                try await self.insertRows("department_admins", columns: ["login", "password_hash", "created_at", "created_by"],
                                          rows: [[admin.login, admin.passwordHash, admin.createdAt, admin.createdBy]])
                try await self.appendAudit(audit)
            }
        }
    }

    /// Removes an administrator and their sessions; false when there was none by that login.
    public func deleteDepartmentAdmin(login: String, audit: [AuditEntry]) async throws -> Bool {
        guard try await departmentAdmin(login: login) != nil else { return false }
        try await wrapped("admins") {
            try await self.transaction {
                try await self.db.raw("DELETE FROM department_admins WHERE login = \(bind: login)").run()
                try await self.db.raw("DELETE FROM sessions WHERE kind = 'admin' AND login = \(bind: login)").run()
                try await self.appendAudit(audit)
            }
        }
        return true
    }

    static func admin(_ r: any SQLRow) throws -> DepartmentAdmin {
        DepartmentAdmin(login: try r.decode(column: "login", as: String.self),
                        passwordHash: try r.decode(column: "password_hash", as: String.self),
                        createdAt: try r.decode(column: "created_at", as: String.self),
                        createdBy: try r.decode(column: "created_by", as: String.self))
    }

    // MARK: - Sessions

    public func createSession(_ s: SessionRow) async throws {
        try await wrapped("sessions") {
            try await self.insertRows("sessions", columns: ["id_hash", "kind", "login", "uai", "csrf", "created_at", "expires_at",
                                                            "person_id", "must_change"],
                                      rows: [[s.idHash, s.kind, s.login, s.uai?.code, s.csrf, Self.timestamp(s.createdAt),
                                              Self.timestamp(s.expiresAt), s.personID, s.mustChange ? 1 : 0]])
        }
    }

    /// The session whose cookie hashes to `idHash`, if it has not expired at `now`.
    public func session(idHash: String, now: Date) async throws -> SessionRow? {
        guard let r = try await query("SELECT * FROM sessions WHERE id_hash = \(bind: idHash)", "sessions").first else { return nil }
        let expires = try r.decode(column: "expires_at", as: String.self)
        guard let expiresAt = try? Date(expires, strategy: .iso8601), expiresAt > now else { return nil }
        return SessionRow(kind: try r.decode(column: "kind", as: String.self), login: try r.decode(column: "login", as: String.self),
                          uai: try r.decode(column: "uai", as: String?.self).flatMap(UAI.init),
                          idHash: idHash, csrf: try r.decode(column: "csrf", as: String.self),
                          createdAt: (try? Date(try r.decode(column: "created_at", as: String.self), strategy: .iso8601)) ?? now,
                          expiresAt: expiresAt, personID: try r.decode(column: "person_id", as: String?.self),
                          mustChange: try r.decode(column: "must_change", as: Int.self) != 0)
    }

    /// The session's temporary password was changed: it may do the rest.
    public func clearSessionMustChange(idHash: String) async throws {
        try await wrapped("sessions") {
            try await self.db.raw("UPDATE sessions SET must_change = 0 WHERE id_hash = \(bind: idHash)").run()
        }
    }

    public func extendSession(idHash: String, until: Date) async throws {
        try await wrapped("sessions") {
            try await self.db.raw("UPDATE sessions SET expires_at = \(bind: Self.timestamp(until)) WHERE id_hash = \(bind: idHash)").run()
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await wrapped("sessions") { try await self.db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run() }
    }

    /// Sessions over at `now` are removed: an expired cookie opens nothing, and no row lingers.
    public func deleteExpiredSessions(now: Date) async throws {
        try await wrapped("sessions") {
            try await self.db.raw("DELETE FROM sessions WHERE expires_at <= \(bind: Self.timestamp(now))").run()
        }
    }

    /// A person's sessions end (their password changed): everywhere else they were logged in.
    public func deleteSessions(kind: String, login: String, uai: UAI?, except idHash: String? = nil) async throws {
        try await wrapped("sessions") {
            var sql: SQLQueryString = "DELETE FROM sessions WHERE kind = \(bind: kind) AND login = \(bind: login)"
            if let uai { sql.appendInterpolation(unsafeRaw: " AND uai = "); sql.appendInterpolation(bind: uai.code) }
            if let idHash { sql.appendInterpolation(unsafeRaw: " AND id_hash <> "); sql.appendInterpolation(bind: idHash) }
            try await self.db.raw(sql).run()
        }
    }

    // MARK: - API tokens

    public func createToken(_ t: TokenRow, audit: [AuditEntry]) async throws {
        try await wrapped("tokens") {
            try await self.transaction {
                try await self.insertRows("api_tokens", columns: ["id", "name", "role", "schools", "token_hash", "created_at", "created_by"],
                                          rows: [[t.id, t.name, t.role, t.schools.joined(separator: ","), t.tokenHash, t.createdAt, t.createdBy]])
                try await self.appendAudit(audit)
            }
        }
    }

    public func tokens() async throws -> [TokenRow] {
        try await query("SELECT * FROM api_tokens ORDER BY created_at, id", "tokens").map(Self.token)
    }

    /// The token whose secret hashes to `hash`, revoked or not.
    public func token(hash: String) async throws -> TokenRow? {
        try await query("SELECT * FROM api_tokens WHERE token_hash = \(bind: hash)", "tokens").first.map(Self.token)
    }

    /// Revokes the token `idOrName` (its id, or its name when only one live token has it);
    /// nil when no live token matches.
    public func revokeToken(_ idOrName: String, at: Date, audit: (TokenRow) -> [AuditEntry]) async throws -> TokenRow? {
        let live = try await tokens().filter { $0.revokedAt == nil }
        let matching = live.filter { $0.id == idOrName }.isEmpty ? live.filter { $0.name == idOrName } : live.filter { $0.id == idOrName }
        guard matching.count == 1, var t = matching.first else { return nil }
        t.revokedAt = Self.timestamp(at)
        let revoked = t
        try await wrapped("tokens") {
            try await self.transaction {
                try await self.db.raw("UPDATE api_tokens SET revoked_at = \(bind: revoked.revokedAt!) WHERE id = \(bind: revoked.id)").run()
                try await self.appendAudit(audit(revoked))
            }
        }
        return t
    }

    static func token(_ r: any SQLRow) throws -> TokenRow {
        TokenRow(id: try r.decode(column: "id", as: String.self), name: try r.decode(column: "name", as: String.self),
                 role: try r.decode(column: "role", as: String.self),
                 schools: try r.decode(column: "schools", as: String.self).split(separator: ",").map(String.init),
                 tokenHash: try r.decode(column: "token_hash", as: String.self),
                 createdAt: try r.decode(column: "created_at", as: String.self),
                 createdBy: try r.decode(column: "created_by", as: String.self),
                 revokedAt: try r.decode(column: "revoked_at", as: String?.self))
    }

    // MARK: - One person's password

    /// One account's stored credential, nil when it has none.
    public func credential(personID: String) async throws -> CredentialRow? {
        try await credentialsRows("SELECT * FROM credentials WHERE person_id = \(bind: personID)").first
    }

    /// The person chose their own password: the new hash replaces the temporary one, which is no
    /// longer to be changed, and its sealed copy (if its sheet was never handed out) is destroyed.
    public func replaceOwnPassword(uai: UAI, personID: String, hash: String, directoryHash: String?, on day: CivilDate,
                                   audit: [AuditEntry]) async throws {
        try await wrapped("own-password") {
            try await self.transaction {
                try await self.writeCredentials(uai: uai, [CredentialRow(personID: personID, passwordHash: hash, mustChange: false, issuedOn: day,
                                                                         sealedTemporary: nil, handedOutOn: day, directoryHash: directoryHash)])
                try await self.appendAudit(audit)
            }
        }
    }

    func credentialsRows(_ sql: SQLQueryString) async throws -> [CredentialRow] {
        try await query(sql, "credentials").map { r in
            CredentialRow(
                personID: try r.decode(column: "person_id", as: String.self),
                passwordHash: try r.decode(column: "password_hash", as: String.self),
                mustChange: try r.decode(column: "must_change", as: Int.self) != 0,
                issuedOn: CivilDate(parsing: try r.decode(column: "issued_on", as: String.self))!,
                sealedTemporary: try r.decode(column: "sealed_temporary", as: String?.self),
                handedOutOn: try r.decode(column: "handed_out_on", as: String?.self).flatMap(CivilDate.init(parsing:)),
                directoryHash: try r.decode(column: "directory_hash", as: String?.self))
        }
    }
}

import BasculeDomain
import Foundation
import SQLKit

/// A right delegated by the direction, as stored: held by a person (so that it follows them
/// through a rename), granted by a login on a day.
public struct RightGrant: Sendable, Hashable {
    public var personID: String
    public var right: SchoolRight
    public var grantedBy: String
    public var grantedOn: CivilDate

    public init(personID: String, right: SchoolRight, grantedBy: String, grantedOn: CivilDate) {
        self.personID = personID
        self.right = right
        self.grantedBy = grantedBy
        self.grantedOn = grantedOn
    }
}

/// What a person does to one account between two plans: a rename accepted or declined, a right
/// delegated, a password reset. Each is one transaction with its audit entry.
extension Store {
    // MARK: - Renames

    /// Who kept their login, with the name they had when they chose to.
    public func declinedRenames(uai: UAI) async throws -> [String: PersonName] {
        var out: [String: PersonName] = [:]
        for r in try await query("SELECT * FROM declined_renames WHERE uai = \(bind: uai.code)", "renames") {
            out[try r.decode(column: "person_id", as: String.self)] = PersonName(
                familyName: try r.decode(column: "family_name", as: String.self),
                usageName: try r.decode(column: "usage_name", as: String?.self),
                firstName: try r.decode(column: "first_name", as: String.self))
        }
        return out
    }

    /// Writes the directory after an accepted rename, forgets an earlier refusal, and audits it.
    public func acceptRename(uai: UAI, personID: String, directory: DirectoryState, expecting before: DirectoryState? = nil,
                             audit: [AuditEntry]) async throws {
        try await wrapped("rename") {
            try await self.transaction {
                if let before { try await self.requireUnchanged(uai: uai, since: before, operation: "rename") }
                try await self.writeDirectory(uai: uai, directory)
                try await self.db.raw("DELETE FROM declined_renames WHERE person_id = \(bind: personID)").run()
                try await self.appendAudit(audit)
            }
        }
    }

    /// Records that the person keeps `keptLogin` while their name is `name`.
    public func declineRename(uai: UAI, personID: String, name: PersonName, keptLogin: String, proposedLogin: String,
                              on date: CivilDate, by actor: String, audit: [AuditEntry]) async throws {
        try await wrapped("rename") {
            try await self.transaction {
                try await self.db.raw("DELETE FROM declined_renames WHERE person_id = \(bind: personID)").run()
                try await self.db.insert(into: "declined_renames")
                    .columns("person_id", "uai", "family_name", "usage_name", "first_name", "kept_login", "proposed_login",
                             "declined_on", "declined_by")
                    .values(personID, uai.code, name.familyName, name.usageName, name.firstName, keptLogin, proposedLogin,
                            date.description, actor)
                    .run()
                try await self.appendAudit(audit)
            }
        }
    }

    // MARK: - Rights

    public func rights(uai: UAI) async throws -> [RightGrant] {
        try await query("SELECT * FROM school_rights WHERE uai = \(bind: uai.code) ORDER BY school_right, person_id", "rights")
            .compactMap { r in
                guard let right = SchoolRight(rawValue: try r.decode(column: "school_right", as: String.self)) else { return nil }
                return RightGrant(personID: try r.decode(column: "person_id", as: String.self), right: right,
                                  grantedBy: try r.decode(column: "granted_by", as: String.self),
                                  grantedOn: CivilDate(parsing: try r.decode(column: "granted_on", as: String.self))!)
            }
    }

    public func grantRight(uai: UAI, _ grant: RightGrant, audit: [AuditEntry]) async throws {
        try await wrapped("rights") {
            try await self.transaction {
                try await self.db.raw("""
                    DELETE FROM school_rights WHERE uai = \(bind: uai.code) AND person_id = \(bind: grant.personID)
                    AND school_right = \(bind: grant.right.rawValue)
                    """).run()
                try await self.db.insert(into: "school_rights")
                    .columns("uai", "person_id", "school_right", "granted_by", "granted_on")
                    .values(uai.code, grant.personID, grant.right.rawValue, grant.grantedBy, grant.grantedOn.description)
                    .run()
                try await self.appendAudit(audit)
            }
        }
    }

    public func revokeRight(uai: UAI, personID: String, right: SchoolRight, audit: [AuditEntry]) async throws {
        try await wrapped("rights") {
            try await self.transaction {
                try await self.db.raw("""
                    DELETE FROM school_rights WHERE uai = \(bind: uai.code) AND person_id = \(bind: personID)
                    AND school_right = \(bind: right.rawValue)
                    """).run()
                try await self.appendAudit(audit)
            }
        }
    }

    // MARK: - Passwords

    /// Replaces one account's credential (a reset) and audits it, together.
    public func resetCredential(uai: UAI, _ row: CredentialRow, audit: [AuditEntry]) async throws {
        try await wrapped("password-reset") {
            try await self.transaction {
                try await self.writeCredentials(uai: uai, [row])
                try await self.appendAudit(audit)
            }
        }
    }

    /// Runs `body`, reporting a database failure as a ``StoreError`` naming `operation`.
    func wrapped(_ operation: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.queryFailed(operation: operation, reason: String(reflecting: error))
        }
    }
}

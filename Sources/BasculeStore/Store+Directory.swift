import BasculeDomain
import Foundation
import SQLKit

/// The embedded directory: accounts and groups as Bascule keeps them in its own store, until a
/// real directory (LDAP) connector takes over.
extension Store {
    public func directoryState(uai: UAI) async throws -> DirectoryState {
        let accounts = try await query("SELECT * FROM accounts WHERE uai = \(bind: uai.code) ORDER BY login", "accounts").map { r in
            Account(personID: try r.decode(column: "person_id", as: String.self),
                    kind: PersonKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .staff,
                    login: try r.decode(column: "login", as: String.self),
                    entLogin: try r.decode(column: "ent_login", as: String.self),
                    name: PersonName(familyName: try r.decode(column: "family_name", as: String.self),
                                     usageName: try r.decode(column: "usage_name", as: String?.self),
                                     firstName: try r.decode(column: "first_name", as: String.self)),
                    status: AccountStatus(rawValue: try r.decode(column: "status", as: String.self)) ?? .active,
                    statusSince: CivilDate(parsing: try r.decode(column: "status_since", as: String.self))!,
                    protected: try r.decode(column: "protected", as: Int.self) != 0)
        }
        var members: [String: Set<String>] = [:]
        for r in try await query("SELECT group_name, login FROM directory_members WHERE uai = \(bind: uai.code)", "members") {
            members[try r.decode(column: "group_name", as: String.self), default: []].insert(try r.decode(column: "login", as: String.self))
        }
        let groups = try await query("SELECT * FROM directory_groups WHERE uai = \(bind: uai.code) ORDER BY name", "groups").map { r in
            let name = try r.decode(column: "name", as: String.self)
            return DirectoryGroup(name: name, kind: GroupKind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .group,
                                  members: members[name] ?? [])
        }
        var burnt: Set<String> = [], burntOn: [String: CivilDate] = [:]
        for r in try await query("SELECT login, burnt_on FROM burnt_logins WHERE uai = \(bind: uai.code)", "burnt") {
            let login = try r.decode(column: "login", as: String.self)
            burnt.insert(login)
            burntOn[login] = try r.decode(column: "burnt_on", as: String?.self).flatMap(CivilDate.init(parsing:))
        }
        return DirectoryState(accounts: accounts, groups: groups, burntLogins: burnt, burntOn: burntOn)
    }

    /// Replaces the school's embedded directory with `state`, and marks the plan applied, in one
    /// transaction: either all of the plan is in the directory, or none of it.
    public func replaceDirectory(uai: UAI, with state: DirectoryState, expecting before: DirectoryState? = nil,
                                 credentials: [CredentialRow] = [],
                                 audit: [AuditEntry] = [], appliedPlan hash: String?, at now: Date) async throws {
        do {
            try await transaction {
                if let before { try await self.requireUnchanged(uai: uai, since: before, operation: "apply") }
                try await self.writeDirectory(uai: uai, state)
                try await self.writeCredentials(uai: uai, credentials)
                try await self.appendAudit(audit)
                if let hash {
                    try await self.db.update("plans").set("applied_at", to: Self.timestamp(now)).where("hash", .equal, hash).run()
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.queryFailed(operation: "apply", reason: String(reflecting: error))
        }
    }

    /// Inside a write transaction (PostgreSQL's write lock taken, SQLite's one writer): the school's
    /// directory is still `before`, the state the write was computed from. A protection or a rename
    /// committed meanwhile would otherwise be written over by the whole directory written back.
    func requireUnchanged(uai: UAI, since before: DirectoryState, operation: String) async throws {
        if case .sqlite = location {
            // Take SQLite's write lock before reading, so that no writer comes between the read and the write.
            try await db.raw("UPDATE accounts SET uai = uai WHERE 0").run()
        }
        guard try await directoryState(uai: uai).sameContent(as: before) else {
            throw StoreError.changedMeanwhile(uai: uai.code, operation: operation)
        }
    }

    /// Writes the school's whole directory in place of the old one; the caller holds the transaction.
    func writeDirectory(uai: UAI, _ state: DirectoryState) async throws {
        for table in ["directory_members", "directory_groups", "burnt_logins", "accounts"] {
            try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE uai = \(bind: uai.code)").run()
        }
        try await insertRows("accounts",
            columns: ["person_id", "uai", "kind", "login", "ent_login", "family_name", "usage_name", "first_name",
                      "status", "status_since", "protected"],
            rows: state.accounts.map { a in
                [a.personID, uai.code, a.kind.rawValue, a.login, a.entLogin, a.name.familyName, a.name.usageName,
                 a.name.firstName, a.status.rawValue, a.statusSince.description, a.protected ? 1 : 0]
            })
        try await insertRows("directory_groups", columns: ["uai", "name", "kind"],
                             rows: state.groups.map { [uai.code, $0.name, $0.kind.rawValue] })
        try await insertRows("directory_members", columns: ["uai", "group_name", "login"],
                             rows: state.groups.flatMap { g in g.members.sorted().map { [uai.code, g.name, $0] } })
        try await insertRows("burnt_logins", columns: ["uai", "login", "burnt_on"],
                             rows: state.burntLogins.sorted().map { [uai.code, $0, state.burntOn[$0]?.description] })
    }

    /// Keeps a computed plan under its hash (once), so that `apply --plan HASH` names exactly it.
    public func savePlan(hash: String, uai: UAI, date: CivilDate, body: String, at now: Date) async throws {
        let existing = try await query("SELECT hash FROM plans WHERE hash = \(bind: hash)", "plans")
        guard existing.isEmpty else { return }
        try await db.insert(into: "plans").columns("hash", "uai", "plan_date", "created_at", "body")
            .values(hash, uai.code, date.description, Self.timestamp(now), body).run()
    }

    public func planApplied(hash: String) async throws -> Bool {
        let rows = try await query("SELECT applied_at FROM plans WHERE hash = \(bind: hash)", "plans")
        guard let r = rows.first else { return false }
        return try r.decode(column: "applied_at", as: String?.self) != nil
    }
}

import BasculeDomain
import SQLKit

extension Store {
    // MARK: - Access closures lifted early

    public func accessLiftings(uai: UAI) async throws -> [AccessLifting] {
        try await query("""
            SELECT * FROM access_liftings WHERE uai = \(bind: uai.code) ORDER BY school_year, entry_id, role
            """, "access-liftings").compactMap { r in
            guard let year = SchoolYear(parsing: try r.decode(column: "school_year", as: String.self)),
                  let role = CalendarRole(rawValue: try r.decode(column: "role", as: String.self)),
                  let from = CivilDate(parsing: try r.decode(column: "lifted_from", as: String.self)) else { return nil }
            return AccessLifting(year: year, entryID: try r.decode(column: "entry_id", as: String.self), role: role, from: from,
                                 by: try r.decode(column: "lifted_by", as: String.self),
                                 byLabel: try r.decode(column: "lifted_as", as: String.self))
        }
    }

    /// Records a lifting (replacing an earlier one of the same closure and profile) with its audit entry.
    public func recordLifting(uai: UAI, _ l: AccessLifting, audit: [AuditEntry]) async throws {
        try await wrapped("access-liftings") {
            try await self.transaction {
                try await self.deleteLifting(uai: uai, year: l.year, entryID: l.entryID, role: l.role)
                try await self.db.insert(into: "access_liftings")
                    .columns("uai", "school_year", "entry_id", "role", "lifted_from", "lifted_by", "lifted_as")
                    .values(uai.code, l.year.description, l.entryID, l.role.rawValue, l.from.description, l.by, l.byLabel)
                    .run()
                try await self.appendAudit(audit)
            }
        }
    }

    /// Takes a lifting back: the closure applies again to that profile.
    public func cancelLifting(uai: UAI, year: SchoolYear, entryID: String, role: CalendarRole, audit: [AuditEntry]) async throws {
        try await wrapped("access-liftings") {
            try await self.transaction {
                try await self.deleteLifting(uai: uai, year: year, entryID: entryID, role: role)
                try await self.appendAudit(audit)
            }
        }
    }

    private func deleteLifting(uai: UAI, year: SchoolYear, entryID: String, role: CalendarRole) async throws {
        try await db.raw("""
            DELETE FROM access_liftings WHERE uai = \(bind: uai.code) AND school_year = \(bind: year.description)
            AND entry_id = \(bind: entryID) AND role = \(bind: role.rawValue)
            """).run()
    }

    // MARK: - Protection

    /// Protects an account from being disabled or deleted by a plan, or lifts the protection, with its audit entry.
    public func setProtected(uai: UAI, personID: String, _ protected: Bool, audit: [AuditEntry]) async throws {
        try await wrapped("protect") {
            try await self.transaction {
                try await self.db.raw("""
                    UPDATE accounts SET protected = \(bind: protected ? 1 : 0)
                    WHERE uai = \(bind: uai.code) AND person_id = \(bind: personID)
                    """).run()
                try await self.appendAudit(audit)
            }
        }
    }
}

import BasculeDomain
import Foundation
import SQLKit

/// The address at which a member of staff hears of the to-dos they can act on. The exports
/// carry none for staff (STS-Web has no e-mail; Siècle-BEE's `MEL` is the parents'), so the
/// person, the direction or the department records it.
public struct ContactAddress: Sendable, Hashable, Codable {
    public var uai: UAI
    public var personID: String
    public var address: String
    public var setBy: String
    public var setOn: CivilDate
}

extension Store {
    /// Records (or, with `address` nil, removes) a person's address, with its audit entry.
    public func setContact(uai: UAI, personID: String, address: String?, by actor: String, on day: CivilDate,
                           audit: [AuditEntry]) async throws {
        try await storing("contacts") {
            try await self.transaction {
                try await self.db.raw("""
                    DELETE FROM contact_addresses WHERE uai = \(bind: uai.code) AND person_id = \(bind: personID)
                    """).run()
                if let address {
                    try await self.insertRows("contact_addresses", columns: ["uai", "person_id", "address", "set_by", "set_on"],
                                              rows: [[uai.code, personID, address, actor, day.description]])
                }
                try await self.appendAudit(audit)
            }
        }
    }

    /// The addresses recorded, for a school or all.
    public func contacts(uai: UAI? = nil) async throws -> [ContactAddress] {
        var sql: SQLQueryString = "SELECT * FROM contact_addresses"
        if let uai { sql.appendInterpolation(unsafeRaw: " WHERE uai = "); sql.appendInterpolation(bind: uai.code) }
        sql.appendInterpolation(unsafeRaw: " ORDER BY uai, person_id")
        return try await query(sql, "contacts").map { r in
            ContactAddress(uai: UAI(try r.decode(column: "uai", as: String.self))!,
                           personID: try r.decode(column: "person_id", as: String.self),
                           address: try r.decode(column: "address", as: String.self),
                           setBy: try r.decode(column: "set_by", as: String.self),
                           setOn: CivilDate(parsing: try r.decode(column: "set_on", as: String.self))!)
        }
    }
}

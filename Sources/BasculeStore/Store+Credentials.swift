import BasculeDomain
import Foundation
import SQLKit

/// A credential as stored: never a clear password. `sealedTemporary` is the temporary password
/// encrypted with a key kept outside the database, until its sheet is handed out.
public struct CredentialRow: Sendable, Hashable {
    public var personID: String
    public var passwordHash: String
    public var mustChange: Bool
    public var issuedOn: CivilDate
    public var sealedTemporary: String?
    public var handedOutOn: CivilDate?
    /// The same password hashed in the real directory's scheme (`{CRYPT}$6$…`), kept until a
    /// directory run has set it, then cleared.
    public var directoryHash: String?

    public init(personID: String, passwordHash: String, mustChange: Bool, issuedOn: CivilDate, sealedTemporary: String?,
                handedOutOn: CivilDate? = nil, directoryHash: String? = nil) {
        self.directoryHash = directoryHash
        self.personID = personID
        self.passwordHash = passwordHash
        self.mustChange = mustChange
        self.issuedOn = issuedOn
        self.sealedTemporary = sealedTemporary
        self.handedOutOn = handedOutOn
    }
}

extension Store {
    func writeCredentials(uai: UAI, _ rows: [CredentialRow]) async throws {
        for r in rows {
            try await db.raw("DELETE FROM credentials WHERE person_id = \(bind: r.personID)").run()
        }
        try await insertRows("credentials",
            columns: ["person_id", "uai", "password_hash", "must_change", "issued_on", "sealed_temporary", "handed_out_on",
                      "directory_hash"],
            rows: rows.map { [$0.personID, uai.code, $0.passwordHash, $0.mustChange ? 1 : 0, $0.issuedOn.description,
                              $0.sealedTemporary, $0.handedOutOn?.description, $0.directoryHash] })
    }

    public func credentials(uai: UAI) async throws -> [String: CredentialRow] {
        var out: [String: CredentialRow] = [:]
        for r in try await query("SELECT * FROM credentials WHERE uai = \(bind: uai.code)", "credentials") {
            let row = CredentialRow(
                personID: try r.decode(column: "person_id", as: String.self),
                passwordHash: try r.decode(column: "password_hash", as: String.self),
                mustChange: try r.decode(column: "must_change", as: Int.self) != 0,
                issuedOn: CivilDate(parsing: try r.decode(column: "issued_on", as: String.self))!,
                sealedTemporary: try r.decode(column: "sealed_temporary", as: String?.self),
                handedOutOn: try r.decode(column: "handed_out_on", as: String?.self).flatMap(CivilDate.init(parsing:)),
                directoryHash: try r.decode(column: "directory_hash", as: String?.self))
            out[row.personID] = row
        }
        return out
    }

    /// The sheets of these people were handed out: their encrypted temporary passwords are destroyed.
    public func markHandedOut(_ personIDs: [String], on date: CivilDate) async throws {
        try await transaction {
            for id in personIDs {
                try await self.db.update("credentials").set("sealed_temporary", to: Optional<String>.none)
                    .set("handed_out_on", to: date.description).where("person_id", .equal, id).run()
            }
        }
    }
}

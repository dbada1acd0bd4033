import BasculeDomain
import Foundation
import SQLKit

/// A day's e-mail digest to one recipient, as recorded.
public struct MailDigestRow: Sendable, Hashable, Codable {
    public var day: CivilDate
    public var recipient: String
    /// `sending` (recorded before the relay was asked: a crash then means at most one message),
    /// `sent`, or `failed` (the relay refused or could not be reached: tried again that day).
    public var state: String
    /// The to-dos it told of, by number.
    public var todoIDs: [Int]
}

extension Store {
    /// Claims the digest of `day` for `recipient` before it is sent: false when one was already
    /// sent or begun that day (never two a day); a failed one may be claimed again.
    public func claimDigest(day: CivilDate, recipient: String, todoIDs: [Int], at now: Date) async throws -> Bool {
        try await storing("mail digests") {
            try await self.transaction {
                let rows = try await self.query("""
                    SELECT state FROM mail_digests WHERE day = \(bind: day.description) AND recipient = \(bind: recipient)
                    """, "mail digests")
                let ids = todoIDs.map(String.init).joined(separator: ",")
                if let state = try rows.first?.decode(column: "state", as: String.self) {
                    guard state == "failed" else { return false }
                    try await self.db.raw("""
                        UPDATE mail_digests SET state = 'sending', todo_ids = \(bind: ids), started_at = \(bind: Self.timestamp(now)), finished_at = NULL
                        WHERE day = \(bind: day.description) AND recipient = \(bind: recipient)
                        """).run()
                    return true
                }
                try await self.insertRows("mail_digests", columns: ["day", "recipient", "state", "todo_ids", "started_at"],
                                          rows: [[day.description, recipient, "sending", ids, Self.timestamp(now)]])
                return true
            }
        }
    }

    /// The digest claimed went (`sent`) or did not (`failed`).
    public func finishDigest(day: CivilDate, recipient: String, sent: Bool, at now: Date) async throws {
        try await storing("mail digests") {
            try await self.transaction {
                try await self.db.raw("""
                    UPDATE mail_digests SET state = \(bind: sent ? "sent" : "failed"), finished_at = \(bind: Self.timestamp(now))
                    WHERE day = \(bind: day.description) AND recipient = \(bind: recipient)
                    """).run()
            }
        }
    }

    public func digests(day: CivilDate? = nil) async throws -> [MailDigestRow] {
        var sql: SQLQueryString = "SELECT * FROM mail_digests"
        if let day { sql.appendInterpolation(unsafeRaw: " WHERE day = "); sql.appendInterpolation(bind: day.description) }
        sql.appendInterpolation(unsafeRaw: " ORDER BY day, recipient")
        return try await query(sql, "mail digests").map { r in
            MailDigestRow(day: CivilDate(parsing: try r.decode(column: "day", as: String.self))!,
                          recipient: try r.decode(column: "recipient", as: String.self),
                          state: try r.decode(column: "state", as: String.self),
                          todoIDs: try r.decode(column: "todo_ids", as: String.self).split(separator: ",").compactMap { Int($0) })
        }
    }
}

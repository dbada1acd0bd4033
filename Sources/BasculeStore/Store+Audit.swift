import BasculeDomain
import Foundation
import SQLKit

/// One line of the append-only audit log: who did what, when, to what, and why.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: Int
    /// ISO 8601 timestamp: when it happened.
    public var at: String
    /// The day the action acted as of (`--date`); what its retention counts from. The timestamp's
    /// day when not given.
    public var day: CivilDate?
    public var actor: String
    public var uai: UAI
    /// What happened: a plan action's kind (`create-account`...), `apply`, `approve-departure`, `sheets-handed-out`.
    public var event: String
    /// The login or group concerned, if any.
    public var target: String?
    public var french: String
    public var english: String
    public var planHash: String?

    public init(seq: Int = 0, at: String, day: CivilDate? = nil, actor: String, uai: UAI, event: String, target: String?, french: String,
                english: String, planHash: String?) {
        self.seq = seq
        self.at = at
        self.day = day ?? CivilDate(parsing: String(at.prefix(10)))
        self.actor = actor
        self.uai = uai
        self.event = event
        self.target = target
        self.french = french
        self.english = english
        self.planHash = planHash
    }
}

/// Filters for reading the audit log back.
public struct AuditFilter: Sendable {
    public var uai: UAI?
    public var target: String?
    public var event: String?
    /// From this day on (compared on the timestamp's date).
    public var since: CivilDate?

    public init(uai: UAI? = nil, target: String? = nil, event: String? = nil, since: CivilDate? = nil) {
        self.uai = uai
        self.target = target
        self.event = event
        self.since = since
    }
}

extension Store {
    /// Appends entries; never updates nor deletes any (there is no call for that).
    func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        var seq = try await maxInteger("seq", in: "audit_log", "audit") ?? 0
        try await insertRows("audit_log",
            columns: ["seq", "at", "day", "actor", "uai", "event", "target", "detail_fr", "detail_en", "plan_hash"],
            rows: entries.map { e in
                seq += 1
                return [seq, e.at, (e.day?.description ?? String(e.at.prefix(10))), e.actor, e.uai.code, e.event, e.target, e.french, e.english, e.planHash]
            })
    }

    /// Appends entries in their own transaction.
    public func audit(_ entries: [AuditEntry]) async throws {
        try await transaction { try await self.appendAudit(entries) }
    }

    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var sql: SQLQueryString = "SELECT * FROM audit_log WHERE 1 = 1"
        if let uai = filter.uai { sql.appendInterpolation(unsafeRaw: " AND uai = "); sql.appendInterpolation(bind: uai.code) }
        if let t = filter.target { sql.appendInterpolation(unsafeRaw: " AND target = "); sql.appendInterpolation(bind: t) }
        if let e = filter.event { sql.appendInterpolation(unsafeRaw: " AND event = "); sql.appendInterpolation(bind: e) }
        if let d = filter.since { sql.appendInterpolation(unsafeRaw: " AND at >= "); sql.appendInterpolation(bind: d.description) }
        sql.appendInterpolation(unsafeRaw: " ORDER BY seq")
        return try await query(sql, "audit").map { r in
            AuditEntry(seq: try r.decode(column: "seq", as: Int.self), at: try r.decode(column: "at", as: String.self),
                       day: try r.decode(column: "day", as: String?.self).flatMap(CivilDate.init(parsing:)),
                       actor: try r.decode(column: "actor", as: String.self),
                       uai: UAI(try r.decode(column: "uai", as: String.self))!,
                       event: try r.decode(column: "event", as: String.self),
                       target: try r.decode(column: "target", as: String?.self),
                       french: try r.decode(column: "detail_fr", as: String.self),
                       english: try r.decode(column: "detail_en", as: String.self),
                       planHash: try r.decode(column: "plan_hash", as: String?.self))
        }
    }

    /// Removes the entries of `seqs` (a retention purge) and appends `record`, in one transaction:
    /// the log says itself that it was purged, and how much, without the purged content.
    public func purgeAudit(_ seqs: [Int], record: AuditEntry) async throws {
        do {
            try await transaction {
                var start = 0
                while start < seqs.count {
                    let chunk = seqs[start..<min(start + 400, seqs.count)]
                    var sql: SQLQueryString = "DELETE FROM audit_log WHERE seq IN ("
                    for (i, seq) in chunk.enumerated() {
                        if i > 0 { sql.appendInterpolation(unsafeRaw: ", ") }
                        sql.appendInterpolation(bind: seq)
                    }
                    sql.appendInterpolation(unsafeRaw: ")")
                    try await self.db.raw(sql).run()
                    start += 400
                }
                try await self.appendAudit([record])
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.queryFailed(operation: "audit", reason: String(reflecting: error))
        }
    }

    // MARK: - Approved departures

    /// Records that the school approved these people's departure (`logins`: person id → login,
    /// the login being what the audit names, as for every other action on an account); `note` is
    /// added to each audit entry (who ran the command).
    public func approveDepartures(_ logins: [String: String], uai: UAI, on date: CivilDate, by actor: String,
                                  note: Reason? = nil) async throws {
        try await transaction {
            for id in logins.keys.sorted() {
                try await self.db.raw("DELETE FROM departure_approvals WHERE person_id = \(bind: id)").run()
                try await self.db.insert(into: "departure_approvals").columns("person_id", "uai", "approved_on", "approved_by")
                    .values(id, uai.code, date.description, actor).run()
            }
            try await self.appendAudit(logins.sorted { $0.value < $1.value }.map { id, login in
                AuditEntry(at: Self.timestamp(Date()), day: date, actor: actor, uai: uai, event: "approve-departure", target: login,
                           french: "départ validé par l'établissement le \(date)" + (note.map { " ; \($0.french)" } ?? ""),
                           english: "departure approved by the school on \(date)" + (note.map { "; \($0.english)" } ?? ""),
                           planHash: nil)
            })
        }
    }

    public func approvedDepartures(uai: UAI) async throws -> Set<String> {
        Set(try await query("SELECT person_id FROM departure_approvals WHERE uai = \(bind: uai.code)", "approvals")
            .map { try $0.decode(column: "person_id", as: String.self) })
    }
}

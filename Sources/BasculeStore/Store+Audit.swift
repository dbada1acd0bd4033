import BasculeDomain
import Foundation
import SQLKit

/// One line of the append-only audit log: who did what, when, to what, and why.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: Int
    /// ISO 8601 timestamp.
    public var at: String
    public var actor: String
    public var uai: UAI
    /// What happened: a plan action's kind (`create-account`...), `apply`, `approve-departure`, `sheets-handed-out`.
    public var event: String
    /// The login or group concerned, if any.
    public var target: String?
    public var french: String
    public var english: String
    public var planHash: String?

    public init(seq: Int = 0, at: String, actor: String, uai: UAI, event: String, target: String?, french: String,
                english: String, planHash: String?) {
        self.seq = seq
        self.at = at
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
            columns: ["seq", "at", "actor", "uai", "event", "target", "detail_fr", "detail_en", "plan_hash"],
            rows: entries.map { e in
                seq += 1
                return [seq, e.at, e.actor, e.uai.code, e.event, e.target, e.french, e.english, e.planHash]
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
                       actor: try r.decode(column: "actor", as: String.self),
                       uai: UAI(try r.decode(column: "uai", as: String.self))!,
                       event: try r.decode(column: "event", as: String.self),
                       target: try r.decode(column: "target", as: String?.self),
                       french: try r.decode(column: "detail_fr", as: String.self),
                       english: try r.decode(column: "detail_en", as: String.self),
                       planHash: try r.decode(column: "plan_hash", as: String?.self))
        }
    }

    // MARK: - Approved departures

    /// `note` is added to each audit entry (who ran the command).
    public func approveDepartures(_ personIDs: [String], uai: UAI, on date: CivilDate, by actor: String,
                                  note: Reason? = nil) async throws {
        try await transaction {
            for id in personIDs {
                try await self.db.raw("DELETE FROM departure_approvals WHERE person_id = \(bind: id)").run()
                try await self.db.insert(into: "departure_approvals").columns("person_id", "uai", "approved_on", "approved_by")
                    .values(id, uai.code, date.description, actor).run()
            }
            try await self.appendAudit(personIDs.map { id in
                AuditEntry(at: Self.timestamp(Date()), actor: actor, uai: uai, event: "approve-departure", target: id,
                           french: "départ validé par l'établissement" + (note.map { " ; \($0.french)" } ?? ""),
                           english: "departure approved by the school" + (note.map { "; \($0.english)" } ?? ""), planHash: nil)
            })
        }
    }

    public func approvedDepartures(uai: UAI) async throws -> Set<String> {
        Set(try await query("SELECT person_id FROM departure_approvals WHERE uai = \(bind: uai.code)", "approvals")
            .map { try $0.decode(column: "person_id", as: String.self) })
    }
}

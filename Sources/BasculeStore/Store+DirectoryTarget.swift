import BasculeDomain
import Foundation
import SQLKit

/// What Bascule last wrote on one entry of a real directory, attributes as JSON.
public struct WrittenEntryRow: Sendable, Hashable {
    public var key: String
    public var dn: String
    public var attributesJSON: String

    public init(key: String, dn: String, attributesJSON: String) {
        self.key = key
        self.dn = dn
        self.attributesJSON = attributesJSON
    }
}

/// One line of the directory journal: an operation, before it ran (`started`) and after
/// (`done` or `failed`). A `started` line that never ended belongs to a run that was killed.
public struct JournalLine: Sendable, Hashable, Codable {
    public var seq: Int
    public var runID: String
    public var uai: String
    public var target: String
    public var kind: String
    public var dn: String
    public var body: String
    public var state: String
    public var startedAt: String
    public var finishedAt: String?
    public var error: String?
}

/// The state Bascule keeps about real directories: POSIX numbers, written entries, the journal,
/// and temporary passwords not yet pushed.
extension Store {
    public func posixNumbers(uai: UAI) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try await query("SELECT entry_key, number FROM posix_ids WHERE uai = \(bind: uai.code)", "posix") {
            out[try r.decode(column: "entry_key", as: String.self)] = try r.decode(column: "number", as: Int.self)
        }
        return out
    }

    /// Gives each key without a number the next free one (at least `first`), once and for good:
    /// a number never moves to someone else, even after the account is deleted.
    public func assignPosixNumbers(uai: UAI, keys: [String], first: Int) async throws -> [String: Int] {
        try await transaction {
            var known = try await self.posixNumbers(uai: uai)
            let missing = keys.filter { known[$0] == nil }
            guard !missing.isEmpty else { return known }
            var next = max(first, (try await self.maxInteger("number", in: "posix_ids", "posix") ?? 0) + 1)
            var inserted: [[any Encodable & Sendable]] = []
            for key in missing.sorted() {
                known[key] = next
                inserted.append([uai.code, key, next])
                next += 1
            }
            try await self.insertRows("posix_ids", columns: ["uai", "entry_key", "number"], rows: inserted)
            return known
        }
    }

    public func writtenEntries(uai: UAI, target: String) async throws -> [String: WrittenEntryRow] {
        var out: [String: WrittenEntryRow] = [:]
        for r in try await query("SELECT * FROM directory_entries WHERE uai = \(bind: uai.code) AND target = \(bind: target)", "entries") {
            let row = WrittenEntryRow(key: try r.decode(column: "entry_key", as: String.self), dn: try r.decode(column: "dn", as: String.self),
                                      attributesJSON: try r.decode(column: "attributes", as: String.self))
            out[row.key] = row
        }
        return out
    }

    /// Records what was written on an entry (nil: the entry is gone), and, when the write set a
    /// pending temporary password, clears it: both or neither.
    public func recordWritten(uai: UAI, target: String, key: String, entry: WrittenEntryRow?, passwordPushedFor personID: String? = nil) async throws {
        try await transaction {
            try await self.writeRecord(uai: uai, target: target, key: key, entry: entry, passwordPushedFor: personID)
        }
    }

    /// An operation done: what it wrote, its pending password cleared and its journal line ended,
    /// in one transaction (one commit per operation instead of two, and never one without the other).
    public func journalDone(seq: Int, at now: Date, uai: UAI, target: String, key: String, entry: WrittenEntryRow?,
                            passwordPushedFor personID: String? = nil) async throws {
        try await transaction {
            try await self.writeRecord(uai: uai, target: target, key: key, entry: entry, passwordPushedFor: personID)
            try await self.db.raw("""
                UPDATE directory_journal SET state = 'done', finished_at = \(bind: Self.timestamp(now)) WHERE seq = \(bind: seq)
                """).run()
        }
    }

    private func writeRecord(uai: UAI, target: String, key: String, entry: WrittenEntryRow?, passwordPushedFor personID: String?) async throws {
        try await db.raw("""
            DELETE FROM directory_entries WHERE uai = \(bind: uai.code) AND target = \(bind: target) AND entry_key = \(bind: key)
            """).run()
        if let entry {
            try await self.insertRows("directory_entries", columns: ["uai", "target", "entry_key", "dn", "attributes"],
                                      rows: [[uai.code, target, key, entry.dn, entry.attributesJSON]])
        }
        if let personID {
            try await self.db.raw("UPDATE credentials SET directory_hash = NULL WHERE person_id = \(bind: personID)").run()
        }
    }

    /// Temporary passwords issued and not yet in the directory: person id → `{CRYPT}` hash.
    public func pendingDirectoryPasswords(uai: UAI) async throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try await query("SELECT person_id, directory_hash FROM credentials WHERE uai = \(bind: uai.code) AND directory_hash IS NOT NULL", "credentials") {
            out[try r.decode(column: "person_id", as: String.self)] = try r.decode(column: "directory_hash", as: String.self)
        }
        return out
    }

    /// Writes a `started` line and returns its number.
    public func journalStart(runID: String, uai: UAI, target: String, kind: String, dn: String, body: String, at now: Date) async throws -> Int {
        try await transaction {
            let seq = (try await self.maxInteger("seq", in: "directory_journal", "journal") ?? 0) + 1
            try await self.insertRows("directory_journal",
                columns: ["seq", "run_id", "uai", "target", "kind", "dn", "body", "state", "started_at"],
                rows: [[seq, runID, uai.code, target, kind, dn, body, "started", Self.timestamp(now)]])
            return seq
        }
    }

    /// `started` lines for operations about to run together, in one transaction; their numbers
    /// in the same order. Before any of them is sent: a kill after this finds them `started`.
    public func journalStart(runID: String, uai: UAI, target: String, lines: [(kind: String, dn: String, body: String)],
                             at now: Date) async throws -> [Int] {
        guard !lines.isEmpty else { return [] }
        return try await transaction {
            let first = (try await self.maxInteger("seq", in: "directory_journal", "journal") ?? 0) + 1
            let stamp = Self.timestamp(now)
            try await self.insertRows("directory_journal",
                columns: ["seq", "run_id", "uai", "target", "kind", "dn", "body", "state", "started_at"],
                rows: lines.enumerated().map { i, l in [first + i, runID, uai.code, target, l.kind, l.dn, l.body, "started", stamp] },
                batch: 100)
            return Array(first..<(first + lines.count))
        }
    }

    /// How one operation of a batch ended: done (what it wrote, the password it pushed) or failed.
    public struct JournalOutcome: Sendable {
        public var seq: Int
        public var key: String
        public var entry: WrittenEntryRow?
        public var passwordPushedFor: String?
        public var failure: String?

        public init(seq: Int, key: String, entry: WrittenEntryRow?, passwordPushedFor: String?, failure: String?) {
            self.seq = seq
            self.key = key
            self.entry = entry
            self.passwordPushedFor = passwordPushedFor
            self.failure = failure
        }
    }

    /// The end of a batch in one transaction: for each operation done, what it wrote, its pending
    /// password cleared and its line `done`; for each failed, its line `failed` with the error. As
    /// `journalDone` for one operation, never a line ended without its record, in a few
    /// statements for the whole batch instead of four per operation.
    public func journalFinish(uai: UAI, target: String, outcomes: [JournalOutcome], at now: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let stamp = Self.timestamp(now)
        let done = outcomes.filter { $0.failure == nil }
        try await transaction {
            for chunk in stride(from: 0, to: done.count, by: 200).map({ Array(done[$0..<min($0 + 200, done.count)]) }) {
                try await self.db.delete(from: "directory_entries")
                    .where("uai", .equal, uai.code).where("target", .equal, target)
                    .where("entry_key", .in, chunk.map(\.key))
                    .run()
                try await self.insertRows("directory_entries", columns: ["uai", "target", "entry_key", "dn", "attributes"],
                                          rows: chunk.compactMap { o in o.entry.map { [uai.code, target, o.key, $0.dn, $0.attributesJSON] } },
                                          batch: 200)
                let pushed = chunk.compactMap(\.passwordPushedFor)
                if !pushed.isEmpty {
                    try await self.db.update("credentials").set("directory_hash", to: SQLLiteral.null)
                        .where("person_id", .in, pushed).run()
                }
                try await self.db.update("directory_journal").set("state", to: "done").set("finished_at", to: stamp)
                    .where("seq", .in, chunk.map(\.seq)).run()
            }
            for o in outcomes where o.failure != nil {
                try await self.db.update("directory_journal").set("state", to: "failed").set("finished_at", to: stamp)
                    .set("error", to: o.failure).where("seq", .equal, o.seq).run()
            }
        }
    }

    public func journalFinish(seq: Int, failed error: String? = nil, at now: Date) async throws {
        do {
            try await db.raw("""
                UPDATE directory_journal SET state = \(bind: error == nil ? "done" : "failed"), finished_at = \(bind: Self.timestamp(now)),
                error = \(bind: error) WHERE seq = \(bind: seq)
                """).run()
        } catch {
            throw StoreError.queryFailed(operation: "journal", reason: String(reflecting: error))
        }
    }

    /// The journal of a school on a target, oldest first; only the lines never ended with `unfinished`.
    public func journal(uai: UAI, target: String? = nil, unfinished: Bool = false) async throws -> [JournalLine] {
        var sql: SQLQueryString = "SELECT * FROM directory_journal WHERE uai = \(bind: uai.code)"
        if let target { sql.appendInterpolation(unsafeRaw: " AND target = "); sql.appendInterpolation(bind: target) }
        if unfinished { sql.appendInterpolation(unsafeRaw: " AND state = 'started'") }
        sql.appendInterpolation(unsafeRaw: " ORDER BY seq")
        return try await query(sql, "journal").map { r in
            JournalLine(seq: try r.decode(column: "seq", as: Int.self), runID: try r.decode(column: "run_id", as: String.self),
                        uai: try r.decode(column: "uai", as: String.self), target: try r.decode(column: "target", as: String.self),
                        kind: try r.decode(column: "kind", as: String.self), dn: try r.decode(column: "dn", as: String.self),
                        body: try r.decode(column: "body", as: String.self), state: try r.decode(column: "state", as: String.self),
                        startedAt: try r.decode(column: "started_at", as: String.self),
                        finishedAt: try r.decode(column: "finished_at", as: String?.self), error: try r.decode(column: "error", as: String?.self))
        }
    }

    /// Lines a killed run left `started`: closed as `interrupted` once a new run has re-read the directory.
    public func closeInterrupted(uai: UAI, target: String, at now: Date) async throws {
        do {
            try await db.raw("""
                UPDATE directory_journal SET state = 'interrupted', finished_at = \(bind: Self.timestamp(now))
                WHERE uai = \(bind: uai.code) AND target = \(bind: target) AND state = 'started'
                """).run()
        } catch {
            throw StoreError.queryFailed(operation: "journal", reason: String(reflecting: error))
        }
    }
}

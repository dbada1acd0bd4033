import BasculeDomain
@testable import BasculeStore
import BasculeTesting
import Foundation
import Testing

extension Store {
    /// Appends `entry` in a transaction and, before committing, waits for `hold`.
    func appendHolding(_ entry: AuditEntry, hold: @Sendable () async throws -> Void) async throws {
        try await transaction {
            try await self.appendAudit([entry])
            try await hold()
        }
    }

    /// Connections of this database waiting for a lock.
    func lockWaits() async throws -> Int {
        try await query("""
            SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            """, "test").first?.decode(column: "n", as: Int.self) ?? 0
    }
}

@Suite("PostgreSQL: several connections writing at once (the daily run's schools in parallel)")
struct ParallelWritersTests {
    @Test("A transaction that gives the next number waits for another connection's to end: no number given twice, no failure on the key")
    func sequenceNumbers() async throws {
        let url = try PostgresServer.freshDatabaseURL()
        let a = try await Store.open(.postgres(url: url))
        let b = try await Store.open(.postgres(url: url))
        let watcher = try await Store.open(.postgres(url: url))
        func entry(_ who: String) -> AuditEntry {
            AuditEntry(at: "2026-09-01T06:30:00Z", actor: who, uai: UAI("0860001X")!, event: "test", target: nil,
                       french: who, english: who, planHash: nil)
        }
        let (start, go) = AsyncStream<Void>.makeStream()
        let second = Task {
            for await _ in start { break }
            try await b.audit([entry("b")])
        }
        // A takes the next number and keeps its transaction open until B is seen waiting for it.
        try await a.appendHolding(entry("a")) {
            go.yield()
            while try await watcher.lockWaits() == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        let outcome = await second.result
        #expect(throws: Never.self) { try outcome.get() }
        let entries = try await watcher.auditEntries(AuditFilter())
        #expect(entries.map(\.seq) == [1, 2] && entries.map(\.actor) == ["a", "b"], "\(entries.map { "\($0.seq) \($0.actor)" })")
        await a.close()
        await b.close()
        await watcher.close()
    }
}

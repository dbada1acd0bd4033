import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

/// What one run did to a real directory, as a value to print and test.
public struct DirectorySyncReport: Sendable, Codable {
    public var uai: UAI
    public var target: String
    public var dryRun: Bool
    /// Operations run (or, on a dry run, to run), password hashes masked.
    public var operations: [DirectoryOperation]
    public var findings: [DirectoryFinding]
    /// Operations a killed run had started and never finished: re-read and redone if needed.
    public var interrupted: [String]
    public var failures: [Failure]

    public struct Failure: Sendable, Codable, Hashable {
        public var operation: String
        public var dn: String
        public var error: String
    }

    public var french: String {
        var lines: [String] = []
        let verb = dryRun ? "à faire" : "faites"
        lines.append("Annuaire \(target), établissement \(uai) : \(operations.count) opération(s) \(verb), \(findings.count) constat(s), \(failures.count) échec(s).")
        if !interrupted.isEmpty {
            lines.append("Reprise d'une exécution interrompue : \(interrupted.count) opération(s) commencée(s) relue(s) dans l'annuaire.")
        }
        for op in operations { lines.append("  \(op.french)") }
        for f in findings { lines.append("  ! \(f.french)") }
        for f in failures { lines.append("  ✗ \(f.operation) \(f.dn) : \(f.error)") }
        return lines.joined(separator: "\n")
    }
}

/// Brings a real directory to the embedded one, operation by operation, each journaled before and
/// after it runs. The operations come from reading the directory again at every run, so a run
/// killed at any moment is finished by the next one: nothing is done twice, nothing is lost.
public struct DirectorySyncService: Sendable {
    public let store: Store
    public let connector: any DirectoryConnector
    public let layout: DirectoryLayout
    /// Operations journaled in one commit and sent together (`DirectoryConnector.execute(batch:)`).
    public let batchSize: Int

    public init(store: Store, connector: any DirectoryConnector, layout: DirectoryLayout, batchSize: Int = 64) {
        self.store = store
        self.connector = connector
        self.layout = layout
        self.batchSize = max(1, batchSize)
    }

    /// Runs a batch on a thread of its own: libldap's calls block while they wait for the server.
    static func send(_ batch: [DirectoryOperation], to connector: any DirectoryConnector) -> Task<[(any Error)?], Never> {
        Task {
            await withCheckedContinuation { (done: CheckedContinuation<[(any Error)?], Never>) in
                DispatchQueue.global().async { done.resume(returning: connector.execute(batch: batch)) }
            }
        }
    }

    /// The plan's operations cut into batches that may run together, in the plan's order:
    /// consecutive operations of one kind on distinct entries, at most `size`. A container waits
    /// for its parent, a rename may free the name the next one takes: each goes alone. Kinds
    /// follow the plan's order (containers, renames, accounts, groups, then removals), so an
    /// account is always there before the group that names it.
    public static func batches(_ operations: [DirectoryOperation], size: Int) -> [[DirectoryOperation]] {
        var out: [[DirectoryOperation]] = []
        var current: [DirectoryOperation] = []
        var dns: Set<String> = []
        for op in operations {
            let dn = DN.normalize(op.dn)
            let alone = op.kind == .addContainer || op.kind == .rename
            if let last = current.last, alone || last.kind != op.kind || dns.contains(dn) || current.count >= size {
                out.append(current)
                current = []
                dns = []
            }
            current.append(op)
            dns.insert(dn)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The school as the directory must show it: accounts not deleted, their groups, the numbers
    /// they hold (given now to those who have none).
    public func school(uai: UAI, assignNumbers: Bool = true) async throws -> SchoolDirectory {
        try await Self.school(store: store, uai: uai, firstPosixNumber: layout.firstPosixNumber, assignNumbers: assignNumbers)
    }

    /// The same, without a directory to reach: the file spaces need the accounts and their
    /// numbers whether or not a real directory is configured. Deleted accounts are in it too
    /// (with their status), so that their personal space can be archived.
    public static func school(store: Store, uai: UAI, firstPosixNumber: Int, assignNumbers: Bool = true) async throws -> SchoolDirectory {
        let state = try await store.directoryState(uai: uai)
        let roster = try await PlanningService(store: store).roster(uai: uai)
        var facts: [String: RosterPerson] = [:]
        for p in (roster?.students ?? []) + (roster?.staff ?? []) { facts[p.personID] = p }
        let emails = try await latestEmails(store: store, uai: uai)
        let keys = state.accounts.map { "person:\($0.personID)" } + state.groups.map { "group:\($0.name)" }
        let numbers = assignNumbers
            ? try await store.assignPosixNumbers(uai: uai, keys: keys, first: firstPosixNumber)
            : try await store.posixNumbers(uai: uai)
        let roleGroup = PlanningPolicy.default.roleGroupNames
        let accounts = state.accounts.map { a in
            let fact = facts[a.personID]
            let primary = roleGroup[a.kind].flatMap { numbers["group:\($0)"] } ?? numbers["person:\(a.personID)"] ?? 0
            return ProvisionedAccount(account: a, sourceID: fact?.sourceID, division: fact?.division, email: emails[a.personID],
                                      uidNumber: numbers["person:\(a.personID)"] ?? 0, gidNumber: primary)
        }
        let groups = state.groups.map { ProvisionedGroup(group: $0, gidNumber: numbers["group:\($0.name)"] ?? 0) }
        return SchoolDirectory(uai: uai, accounts: accounts, groups: groups)
    }

    /// One account's entry brought to the embedded directory now, with the branch's containers
    /// if missing: what a password reset pushes (the new `{CRYPT}` hash, `pwdReset`,
    /// `shadowLastChange: 0`) without running the rest of a sync. Journaled and audited as a sync.
    public func syncAccount(uai: UAI, personID: String, actor: String = PlanningService.defaultActor,
                            now: @Sendable () -> Date = { Date() }) async throws -> DirectorySyncReport {
        try await sync(uai: uai, actor: actor, now: now, only: ["person:\(personID)"])
    }

    /// Runs (or with `dryRun`, lists) what makes the directory hold the school. Refuses a school
    /// the store has no import of, and removals no applied plan decided past the mass-change
    /// guard (`deletions`), before changing anything.
    /// - Parameter only: the entries (keys) to bring in step, the containers they need coming
    ///   too; nil for the whole branch.
    public func sync(uai: UAI, dryRun: Bool = false, deletions: SyncDeletionGuard = .init(),
                     actor: String = PlanningService.defaultActor,
                     now: @Sendable () -> Date = { Date() }, only: Set<String>? = nil) async throws -> DirectorySyncReport {
        let target = connector.target
        try await SyncDeletionGuard.requireKnown(uai, store: store, target: target)
        let school = try await school(uai: uai, assignNumbers: !dryRun)
        let written = try await store.writtenEntries(uai: uai, target: target)
        let decoder = JSONDecoder()
        var records: [String: WrittenEntry] = [:]
        for (key, row) in written {
            let attributes = (try? decoder.decode([String: [String]].self, from: Data(row.attributesJSON.utf8))) ?? [:]
            records[key] = WrittenEntry(dn: row.dn, attributes: attributes)
        }
        let passwords = try await store.pendingDirectoryPasswords(uai: uai)
        var plan = try connector.plan(school, written: records, passwords: passwords)
        if let only {
            func wanted(_ key: String) -> Bool { only.contains(key) || key.hasPrefix("container:") }
            let dns = Set(plan.desired.filter { only.contains($0.key) }.map { DN.normalize($0.dn) })
            plan.operations = plan.operations.filter { only.contains($0.key) || $0.kind == .addContainer }
            plan.findings = plan.findings.filter { dns.contains(DN.normalize($0.dn)) }
            plan.desired = plan.desired.filter { wanted($0.key) }
        }
        // Lines a killed run left are a whole sync's to close: it says it resumed them.
        let unfinished = only == nil ? try await store.journal(uai: uai, target: target, unfinished: true) : []
        var report = DirectorySyncReport(uai: uai, target: target, dryRun: dryRun, operations: plan.operations.map(\.redacted),
                                         findings: plan.findings, interrupted: unfinished.map { "\($0.kind) \($0.dn)" }, failures: [])
        if dryRun { return report }
        let planned = try await SyncDeletionGuard.planned(uai, store: store)
        let unexplained = plan.operations.filter { op in
            switch op.kind {
            case .deleteAccount: !planned.persons.contains(String(op.key.dropFirst("person:".count)))
            case .deleteGroup: !planned.groups.contains(String(op.key.dropFirst("group:".count)))
            default: false
            }
        }
        // An account of someone this store never knew is another store's: a stale copy of the
        // store (a restored backup, the wrong --data) would delete the people enrolled since,
        // and their chosen passwords with them, however few they are.
        let known = Set(try await store.directoryState(uai: uai).accounts.map(\.personID))
        let strangers = unexplained.filter { $0.kind == .deleteAccount && !known.contains(String($0.key.dropFirst("person:".count))) }
        var confirmed = try deletions.check(uai: uai, target: target, unexplained: unexplained.map(\.dn), total: plan.managedEntries,
                                            event: "annuaire-suppressions-confirmees", actor: actor, at: now())
        try deletions.checkStrangers(uai: uai, target: target, strangers: strangers.map(\.dn))
        if confirmed == nil, !strangers.isEmpty, let reason = deletions.reason {
            confirmed = AuditEntry(at: now().formatted(.iso8601), actor: actor, uai: uai, event: "annuaire-suppressions-confirmees", target: nil,
                                   french: "\(strangers.count) compte(s) de personnes inconnues de cette base supprimé(s) de \(target), confirmé — raison donnée : \(reason)",
                                   english: "\(strangers.count) accounts of people unknown to this store removed from \(target), confirmed: \(reason)",
                                   planHash: nil)
        }
        if let confirmed { try await store.audit([confirmed]) }
        if !unfinished.isEmpty { try await store.closeInterrupted(uai: uai, target: target, at: now()) }

        let desired = Dictionary(plan.desired.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let runID = UUID().uuidString
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func record(_ key: String) throws -> WrittenEntryRow? {
            guard let entry = desired[key] else { return nil }
            let managed = Set(ManagedAttributes.of(key: key))
            let kept = entry.attributes.filter { managed.contains($0.key) }
            return WrittenEntryRow(key: key, dn: entry.dn, attributesJSON: String(decoding: try encoder.encode(kept), as: UTF8.self))
        }
        var failedKeys: Set<String> = []
        var audit: [AuditEntry] = []
        // A batch's lines are journaled `started` in one commit before any of its operations is
        // sent, and ended with what they wrote in one commit after: a kill in between leaves them
        // `started`, and the next run, which reads the directory first, does only what is missing.
        // The directory works on one batch while the store journals the next and ends the last:
        // batches still reach the directory one after the other, in the plan's order.
        /// Ends a batch's lines; returns the error that says the directory is gone, if it is.
        func end(_ batch: [DirectoryOperation], _ seqs: [Int], _ outcomes: [(any Error)?]) async throws -> (any Error)? {
            var ends: [Store.JournalOutcome] = []
            var lost: (any Error)?
            for (i, op) in batch.enumerated() {
                if let error = outcomes[i] {
                    let french = (error as? LDAPError)?.french ?? "\(error)"
                    ends.append(.init(seq: seqs[i], key: op.key, entry: nil, passwordPushedFor: nil, failure: french))
                    // The directory is gone: this batch is ended, and the run stops after it.
                    if let ldap = error as? LDAPError, case .connect = ldap {
                        lost = lost ?? error
                        continue
                    }
                    report.failures.append(.init(operation: op.kind.rawValue, dn: op.dn, error: french))
                    failedKeys.insert(op.key)
                    continue
                }
                ends.append(.init(seq: seqs[i], key: op.key, entry: try record(op.key), passwordPushedFor: op.passwordFor, failure: nil))
                if op.kind != .addContainer {
                    audit.append(AuditEntry(at: now().formatted(.iso8601), actor: actor, uai: uai, event: "annuaire-\(op.kind.rawValue)",
                                            target: DN.firstValue(op.dn), french: op.reason.french + " (\(target))",
                                            english: op.reason.english + " (\(target))", planHash: nil))
                }
            }
            try await store.journalFinish(uai: uai, target: target, outcomes: ends, at: now())
            return lost
        }
        var running: (batch: [DirectoryOperation], seqs: [Int], outcomes: Task<[(any Error)?], Never>)?
        for batch in Self.batches(plan.operations, size: batchSize) {
            let lines = try batch.map { op in (kind: op.kind.rawValue, dn: op.dn, body: String(decoding: try encoder.encode(op.redacted), as: UTF8.self)) }
            let seqs = try await store.journalStart(runID: runID, uai: uai, target: target, lines: lines, at: now())
            if let previous = running {
                let outcomes = await previous.outcomes.value
                if let ldap = outcomes.compactMap({ $0 as? LDAPError }).first(where: { if case .connect = $0 { true } else { false } }) {
                    // Journaled but never sent: ended as failed with the lost connection's error,
                    // never left `started` (a started line means a run was killed).
                    try await store.journalFinish(uai: uai, target: target, outcomes: zip(batch, seqs).map { op, seq in
                        .init(seq: seq, key: op.key, entry: nil, passwordPushedFor: nil, failure: ldap.french)
                    }, at: now())
                    _ = try await end(previous.batch, previous.seqs, outcomes)
                    throw ldap
                }
                running = (batch, seqs, Self.send(batch, to: connector))
                if let lost = try await end(previous.batch, previous.seqs, outcomes) { throw lost }
            } else {
                running = (batch, seqs, Self.send(batch, to: connector))
            }
        }
        if let last = running, let lost = try await end(last.batch, last.seqs, await last.outcomes.value) { throw lost }
        // Entries already right but never recorded (a first run on a filled directory, a record lost).
        let touched = Set(plan.operations.map(\.key))
        for (key, entry) in desired where !touched.contains(key) && !failedKeys.contains(key) {
            if records[key]?.dn != entry.dn || records[key] == nil {
                try await store.recordWritten(uai: uai, target: target, key: key, entry: try record(key))
            }
        }
        for f in plan.findings where f.kind != .foreign {
            audit.append(AuditEntry(at: now().formatted(.iso8601), actor: actor, uai: uai, event: "annuaire-\(f.kind.rawValue)",
                                    target: DN.firstValue(f.dn), french: f.reason.french, english: f.reason.english, planHash: nil))
        }
        try await store.audit(audit)
        return report
    }

    private static func latestEmails(store: Store, uai: UAI) async throws -> [String: String] {
        guard let latest = try await store.imports(uai: uai, source: .sts).last else { return [:] }
        var out: [String: String] = [:]
        for p in try await store.snapshotPeople(importID: latest.id) {
            if let e = p.email, !e.isEmpty { out[p.personID] = e }
        }
        return out
    }
}

import BasculeDomain
import BasculeStore
import Foundation

/// The audit log's retention: entries older than `months` months (12 by default; CNIL
/// recommendation 2021-122 on logging, 6 to 12 months) are removed, except those that still
/// explain what is in force today, without which a later audit could not make sense of the
/// directory:
/// - `protect`: the newest one of an account still protected (who decided, and why);
/// - `grant-right`: the newest one of a right still held (who delegated it);
/// - `decline-rename`: the newest one of a refusal still standing;
/// - `approve-departure`: of a departure approved and not carried out yet;
/// - `rename-account`: while the old login stays burnt, since logs, shared folders and documents
///   keep naming it (`PlanningPolicy.burntLoginYears`);
/// - `lift-closure`: of a lifting of the current school year.
/// The purge is itself audited (`audit-purge`: how many, up to which day), with nothing of what
/// it removed.
public struct AuditRetention: Sendable {
    public let store: Store
    public let months: Int
    public let burntLoginYears: Int?

    public init(store: Store, months: Int = 12, burntLoginYears: Int? = PlanningPolicy.defaultBurntLoginYears) {
        self.store = store
        self.months = months
        self.burntLoginYears = burntLoginYears
    }

    public struct Outcome: Sendable, Codable {
        public var uai: UAI
        /// Entries acted as of a day before this one are past their retention.
        public var before: CivilDate
        public var purged: Int
        /// Past their retention, kept because they explain what is in force.
        public var kept: [KeptEntry]
        public var dryRun: Bool
    }

    public struct KeptEntry: Sendable, Codable {
        public var seq: Int
        public var day: CivilDate?
        public var event: String
        public var target: String?
        public var why: String
    }

    /// The first day still kept on `date`: the same day `months` months earlier.
    public func cutoff(on date: CivilDate) -> CivilDate {
        var year = date.year, month = date.month - months
        while month < 1 { month += 12; year -= 1 }
        return CivilDate(year: year, month: month, day: min(date.day, CivilDate.daysIn(month: month, year: year)))!
    }

    public func purge(uai: UAI, on date: CivilDate, dryRun: Bool = false, actor: String,
                      now: Date = Date()) async throws -> Outcome {
        let before = cutoff(on: date)
        let entries = try await store.auditEntries(AuditFilter(uai: uai))
        let old = entries.filter { ($0.day ?? CivilDate(parsing: String($0.at.prefix(10))) ?? date) < before }
        let directory = try await store.directoryState(uai: uai)
        let byLogin = Dictionary(directory.accounts.filter { $0.status != .deleted }.map { ($0.login, $0) }, uniquingKeysWith: { a, _ in a })
        let heldRights = Set(try await store.rights(uai: uai).map(\.personID))
        let declined = try await store.declinedRenames(uai: uai)
        let approved = try await store.approvedDepartures(uai: uai)
        let liftings = try await store.accessLiftings(uai: uai)
        let year = SchoolCalendar.rolloverYear(for: date)

        // The newest entry of an event and target explains the state; an older one was superseded.
        var newest: [String: Int] = [:]
        for e in entries { newest["\(e.event)|\(e.target ?? "")"] = max(newest["\(e.event)|\(e.target ?? "")"] ?? 0, e.seq) }
        func isNewest(_ e: AuditEntry) -> Bool { newest["\(e.event)|\(e.target ?? "")"] == e.seq }

        var kept: [KeptEntry] = []
        var purged: [Int] = []
        for e in old {
            let account = e.target.flatMap { byLogin[$0] }
            var why: String?
            switch e.event {
            case "protect" where account?.protected == true && isNewest(e):
                why = "compte toujours protégé"
            case "grant-right" where account.map { heldRights.contains($0.personID) } == true && isNewest(e):
                why = "droit toujours détenu"
            case "decline-rename" where account.map { declined[$0.personID] != nil } == true && isNewest(e):
                why = "refus de renommage toujours en vigueur"
            case "approve-departure" where account.map { approved.contains($0.personID) } == true:
                why = "départ validé, compte pas encore supprimé"
            case "rename-account":
                if let day = e.day, burntLoginYears.map({ date < day.adding(years: $0) }) ?? true {
                    why = "l'ancien identifiant reste brûlé (journaux et documents le nomment encore)"
                }
            case "lift-closure" where liftings.contains { $0.year == year && $0.entryID == e.target }:
                why = "levée de fermeture de l'année en cours"
            default:
                break
            }
            if let why {
                kept.append(KeptEntry(seq: e.seq, day: e.day, event: e.event, target: e.target, why: why))
            } else {
                purged.append(e.seq)
            }
        }
        if !dryRun && !purged.isEmpty {
            try await store.purgeAudit(purged, record: AuditEntry(
                at: now.formatted(.iso8601), day: date, actor: actor, uai: uai, event: "audit-purge", target: nil,
                french: "\(purged.count) entrée(s) du journal d'audit antérieures au \(before) supprimées (conservation \(months) mois) ; \(kept.count) gardée(s) parce qu'elles expliquent l'état actuel",
                english: "\(purged.count) audit entries before \(before) removed (kept \(months) months); \(kept.count) kept as they explain the current state",
                planHash: nil))
        }
        return Outcome(uai: uai, before: before, purged: purged.count, kept: kept, dryRun: dryRun)
    }
}

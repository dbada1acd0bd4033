/// What the imports kept say about a person's departure, as the planner and the verifier need it.
public struct DepartureFacts: Hashable, Sendable {
    /// The school year of the newest export (of the person's source) in which they were present.
    public var lastSeenYear: SchoolYear?
    /// The day of the first import of that source which no longer had them present: what the
    /// settling period counts from.
    public var firstMissedOn: CivilDate?
    /// That export's own date (`DATE_EXPORT`), when it has one: the best word on when they left.
    public var firstMissedExport: CivilDate?

    public init(lastSeenYear: SchoolYear? = nil, firstMissedOn: CivilDate? = nil, firstMissedExport: CivilDate? = nil) {
        self.lastSeenYear = lastSeenYear
        self.firstMissedOn = firstMissedOn
        self.firstMissedExport = firstMissedExport
    }
}

/// When an account of someone who left is disabled and deleted, and why. Pure: the planner
/// decides with it, and the verifier reads the same dates, so a check cannot disagree with the
/// plan about what is due.
///
/// - A **former** student or staff member is missing from the exports of a new school year (their
///   last export belongs to the previous one). In the calendar's deletion window for their role,
///   once `settlingDays` have passed since the first import that missed them (a late enrolment
///   that reappears meanwhile is never deleted), one plan disables and deletes the account.
/// - Anyone who left is disabled once `graceDays` have passed since they left, and deleted once
///   `maximumRetentionDays` have: the ENT decree (arrêté du 30 novembre 2006, art. 6) keeps no
///   account more than three months after its owner's departure, window or not.
/// - A protected account is never disabled nor deleted; where the calendar asks for the school's
///   approval, a staff member's window deletion waits for it (the legal limit does not).
public struct AccountLifecycle: Sendable {
    public var policy: PlanningPolicy

    public init(policy: PlanningPolicy) { self.policy = policy }

    /// The dates that matter for one departed account.
    public struct Schedule: Hashable, Sendable {
        /// The day the person left: `DATE_SORTIE` when an export gives it, else the date of the
        /// first export that no longer listed them (or the day it was imported), else the day a
        /// plan marked the account leaving.
        public var departure: CivilDate
        /// Missing from the exports of a school year after the last one they were in.
        public var former: Bool
        /// The school year of their last export, when known.
        public var lastSeenYear: SchoolYear?
        /// Disabled from this day (the grace is over).
        public var disableOn: CivilDate
        /// The first day a window deletion may happen (the settling period is over); former only.
        public var settledOn: CivilDate?
        /// The deletion window of their role this school year, when the calendar has one.
        public var window: DayWindow?
        /// The window deletion waits for the school's approval, not given yet.
        public var awaitsApproval: Bool
        /// Deleted at the latest on this day (the legal limit).
        public var deleteBy: CivilDate
        /// The day a plan deletes it: the window's first day past the settling period (a former
        /// user; a later plan still catches up if none ran in the window), else the legal limit.
        public var deleteOn: CivilDate

        /// Deleted by the calendar's window rather than by the legal limit.
        public var byWindow: Bool { deleteOn < deleteBy }
    }

    /// - Parameters:
    ///   - newestYear: the school year of the newest export of the person's source.
    ///   - leavingDate: `DATE_SORTIE`, when the newest export still lists the person as departed.
    ///   - day: the planning day: the departure of someone still active whom no import dates.
    public func schedule(for account: Account, facts: DepartureFacts?, leavingDate: CivilDate?, newestYear: SchoolYear?,
                         gate: CalendarGate, approved: Bool, on day: CivilDate) -> Schedule {
        let departure = leavingDate ?? facts?.firstMissedExport ?? facts?.firstMissedOn ?? (account.status == .active ? day : account.statusSince)
        let former: Bool = {
            guard let seen = facts?.lastSeenYear, let newestYear else { return false }
            return seen < newestYear
        }()
        let grace = policy.graceDays[account.kind] ?? 30
        let settling = policy.settlingDays[account.kind] ?? PlanningPolicy.defaultSettlingDays
        let deleteBy = departure.adding(days: policy.maximumRetentionDays)
        let settledOn = former ? (facts?.firstMissedOn ?? departure).adding(days: settling) : nil
        let window = gate.deletionWindows[account.kind]
        let awaitsApproval = former && gate.approvalRequired.contains(account.kind) && !approved
        var deleteOn = deleteBy
        if former, !awaitsApproval, let window, let settledOn {
            let first = max(settledOn, window.from ?? settledOn)
            if window.contains(first) { deleteOn = min(deleteOn, first) }
        }
        return Schedule(departure: departure, former: former, lastSeenYear: facts?.lastSeenYear,
                        disableOn: departure.adding(days: grace), settledOn: settledOn, window: window,
                        awaitsApproval: awaitsApproval, deleteBy: deleteBy, deleteOn: deleteOn)
    }

    /// What a plan of `day` does to a departed account, in order: marked leaving (`leaving` says
    /// why), disabled once the grace is over, deleted once due; disable and delete may come in the
    /// same plan. Empty when nothing is due.
    public func steps(for account: Account, schedule s: Schedule, on day: CivilDate, leaving: Reason) -> [(PlanAction.Kind, Reason)] {
        guard account.status != .deleted else { return [] }
        var steps: [(PlanAction.Kind, Reason)] = []
        if account.status == .active { steps.append((.markLeaving, leaving)) }
        guard !account.protected else { return steps }
        if day >= s.deleteOn {
            let why: Reason
            if s.byWindow, let window = s.window {
                let role = account.kind == .student ? ("ancien·ne élève", "former student") : ("ancien personnel", "former staff member")
                let year = s.lastSeenYear.map { " (dernier export \($0))" } ?? ""
                let yearEnglish = s.lastSeenYear.map { " (last export \($0))" } ?? ""
                why = Reason("\(role.0)\(year) : suppression des comptes des anciens dans la période du calendrier (\(window.french))",
                             "\(role.1)\(yearEnglish): former users' accounts deleted in the calendar's window (\(window.english))")
            } else {
                why = Reason("parti·e le \(s.departure) : \(policy.maximumRetentionDays) jours écoulés le \(s.deleteBy), aucun compte ne survit plus de trois mois au départ (arrêté ENT, art. 6)",
                             "left on \(s.departure): \(policy.maximumRetentionDays) days over on \(s.deleteBy), no account outlives its owner's departure by more than three months (ENT decree, art. 6)")
            }
            if account.status != .disabled { steps.append((.disableAccount, why)) }
            steps.append((.deleteAccount, why))
            return steps
        }
        if account.status != .disabled, day >= s.disableOn {
            let grace = policy.graceDays[account.kind] ?? 30
            steps.append((.disableAccount, Reason("parti·e le \(s.departure) : délai de grâce de \(grace) jours écoulé le \(s.disableOn)",
                                                  "left on \(s.departure): grace period of \(grace) days over on \(s.disableOn)")))
        }
        return steps
    }
}

extension DayWindow {
    var french: String { "du \(from?.description ?? "…") au \(until?.description ?? "…")" }
    var english: String { "\(from?.description ?? "…") to \(until?.description ?? "…")" }
}

/// The department's choices the planner follows. New behaviour arrives here, as configuration.
public struct PlanningPolicy: Sendable {
    public var networkLogin: LoginTemplate
    public var entLogin: LoginTemplate
    public var firstHomonymNumber: Int
    /// Days a departed person's account stays usable before it is disabled, from their departure.
    public var graceDays: [PersonKind: Int]
    /// Days after the first import that no longer lists a former student or staff member before
    /// the calendar's window may delete them: a late enrolment that reappears meanwhile keeps
    /// its account.
    public var settlingDays: [PersonKind: Int]
    /// Days after a departure when the account is deleted whatever the calendar says: 90 at most
    /// (arrêté ENT du 30 novembre 2006, art. 6: no account outlives its owner's departure by more
    /// than three months).
    public var maximumRetentionDays: Int
    /// A plan that would disable or delete more than this share of a school's accounts, beyond
    /// the expected departures, needs a person's confirmation.
    public var massChangeRatio: Double
    /// An export under this share of the previous one's people needs a person's confirmation.
    public var shrinkRatio: Double
    /// The class level that leaves the school at the year change (3 for a collège's 3e).
    public var lastLevelPrefix: Character
    public var roleGroupNames: [PersonKind: String]
    /// Years a burnt login (of a deleted account, or left by a rename) stays out of use; nil for
    /// ever. Five by default: accounts are deleted in September, but logs, shared folders and
    /// documents keep naming the old login for a few years, and a newcomer must not inherit them.
    public var burntLoginYears: Int?

    public static let defaultBurntLoginYears = 5
    public static let defaultSettlingDays = 7
    /// The legal limit, and the default.
    public static let legalRetentionDays = 90

    public init(networkLogin: LoginTemplate = .network, entLogin: LoginTemplate = .educonnect, firstHomonymNumber: Int = 1,
                graceDays: [PersonKind: Int] = [.student: 30, .teacher: 60, .staff: 60],
                settlingDays: [PersonKind: Int] = [.student: PlanningPolicy.defaultSettlingDays, .teacher: PlanningPolicy.defaultSettlingDays,
                                                   .staff: PlanningPolicy.defaultSettlingDays],
                maximumRetentionDays: Int = PlanningPolicy.legalRetentionDays,
                massChangeRatio: Double = 0.10, shrinkRatio: Double = 0.80, lastLevelPrefix: Character = "3",
                roleGroupNames: [PersonKind: String] = [.student: "eleves", .teacher: "profs", .staff: "administratifs"],
                burntLoginYears: Int? = PlanningPolicy.defaultBurntLoginYears) {
        self.burntLoginYears = burntLoginYears
        self.networkLogin = networkLogin
        self.entLogin = entLogin
        self.firstHomonymNumber = firstHomonymNumber
        self.graceDays = graceDays
        self.settlingDays = settlingDays
        // Never beyond the law, whatever a configuration asks.
        self.maximumRetentionDays = min(max(maximumRetentionDays, 1), PlanningPolicy.legalRetentionDays)
        self.massChangeRatio = massChangeRatio
        self.shrinkRatio = shrinkRatio
        self.lastLevelPrefix = lastLevelPrefix
        self.roleGroupNames = roleGroupNames
    }

    public static let `default` = PlanningPolicy()

    /// The class team's group name: `equipe-6A`.
    public func classTeamName(_ division: String) -> String { "equipe-\(division)" }

    /// A subject's group name, from its management code (`ANGL1`), stable from year to year
    /// unlike its label; the national code when the export gives none. Characters a folder or a
    /// group name could not carry become `-`, once accents are folded.
    public func subjectGroupName(_ subject: SubjectRecord) -> String {
        let raw = subject.managementCode.flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 } ?? subject.code
        let safe = NameFolding.fold(raw.trimmingSpaces).uppercased().unicodeScalars.map { s -> Character in
            (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_")) ? Character(s) : "-"
        }
        return "matiere-" + String(safe)
    }
}

/// What the calendar allows on the planning day, decided by the caller from the school's
/// calendar so that the planner itself stays a pure function of its inputs.
public struct CalendarGate: Sendable {
    /// Imports to the directory are paused: the plan is shown and staged, not applied.
    public var pushesPaused: Reason?
    /// Roles whose accounts may be deleted today (the deletion window is open).
    public var deletionOpen: Set<PersonKind>
    /// Per role, this rollover's deletion window of former users, open or not: to say when it
    /// comes and when it closes.
    public var deletionWindows: [PersonKind: DayWindow]
    /// Roles whose window deletion waits for the school's approval of the list.
    public var approvalRequired: Set<PersonKind>
    /// The calendar the verdict was read from, for what the plan only shows (access closures).
    public var calendar: SchoolCalendar?

    public init(pushesPaused: Reason? = nil, deletionOpen: Set<PersonKind> = [], deletionWindows: [PersonKind: DayWindow] = [:],
                approvalRequired: Set<PersonKind> = [], calendar: SchoolCalendar? = nil) {
        self.pushesPaused = pushesPaused
        self.deletionOpen = deletionOpen
        self.deletionWindows = deletionWindows
        self.approvalRequired = approvalRequired
        self.calendar = calendar
    }
}

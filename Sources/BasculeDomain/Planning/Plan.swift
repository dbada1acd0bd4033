/// Why an action is in a plan, for the person who reads it: French first.
public struct Reason: Hashable, Sendable, Codable, CustomStringConvertible {
    public var french: String
    public var english: String

    public init(_ french: String, _ english: String) {
        self.french = french
        self.english = english
    }

    public var description: String { french }
}

/// One change a plan makes, naming the account or group it touches and why.
public struct PlanAction: Hashable, Sendable, Codable {
    /// In the order a plan lists and applies them: groups exist before members are added,
    /// accounts are created before they join groups, removals come after additions.
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        case createGroup = "create-group"
        case createAccount = "create-account"
        case reactivateAccount = "reactivate-account"
        case updateAccount = "update-account"
        case proposeRename = "propose-rename"
        case addMember = "add-member"
        case removeMember = "remove-member"
        case markLeaving = "mark-leaving"
        case disableAccount = "disable-account"
        case deleteAccount = "delete-account"
        case deleteGroup = "delete-group"

        public static func < (a: Kind, b: Kind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var kind: Kind
    public var personID: String?
    public var personKind: PersonKind?
    public var login: String?
    public var entLogin: String?
    /// The person's name (the new one, for an update).
    public var name: PersonName?
    public var group: String?
    public var groupKind: GroupKind?
    /// For a proposed rename: the login the corrected name would give.
    public var newLogin: String?
    /// For a proposed rename: the ENT login the corrected name would give, when it changes too.
    public var newEntLogin: String?
    public var reason: Reason

    public init(kind: Kind, personID: String? = nil, personKind: PersonKind? = nil, login: String? = nil,
                entLogin: String? = nil, name: PersonName? = nil, group: String? = nil, groupKind: GroupKind? = nil,
                newLogin: String? = nil, newEntLogin: String? = nil, reason: Reason) {
        self.kind = kind
        self.personID = personID
        self.personKind = personKind
        self.login = login
        self.entLogin = entLogin
        self.name = name
        self.group = group
        self.groupKind = groupKind
        self.newLogin = newLogin
        self.newEntLogin = newEntLogin
        self.reason = reason
    }

    /// One line for a person: `create-account mdupont (Marie Dupont) : nouvel·le élève en 6A`.
    public var french: String {
        var who = [login, group ?? newLogin].compactMap { $0 }.joined(separator: " → ")
        if let name { who += " (\(name.full))" }
        return "\(kind.rawValue) \(who) : \(reason.french)"
    }
}

/// The counts a plan is judged by; the JSON keys are part of the CLI's contract.
public struct PlanSummary: Hashable, Sendable, Codable {
    public var accountsCreated = 0
    public var accountsUpdated = 0
    public var accountsLeaving = 0
    public var accountsDisabled = 0
    public var accountsDeleted = 0
    public var accountsReactivated = 0
    public var renamesProposed = 0
    public var groupsCreated = 0
    public var groupsDeleted = 0
    public var membershipsAdded = 0
    public var membershipsRemoved = 0

    public init(_ actions: [PlanAction]) {
        for a in actions {
            switch a.kind {
            case .createAccount: accountsCreated += 1
            case .updateAccount: accountsUpdated += 1
            case .markLeaving: accountsLeaving += 1
            case .disableAccount: accountsDisabled += 1
            case .deleteAccount: accountsDeleted += 1
            case .reactivateAccount: accountsReactivated += 1
            case .proposeRename: renamesProposed += 1
            case .createGroup: groupsCreated += 1
            case .deleteGroup: groupsDeleted += 1
            case .addMember: membershipsAdded += 1
            case .removeMember: membershipsRemoved += 1
            }
        }
    }
}

/// What a plan needs before it may be applied: nothing, or a person's confirmation.
public struct PlanSafety: Hashable, Sendable, Codable {
    public var needsConfirmation: Bool { !reasons.isEmpty }
    public var reasons: [Reason]

    public init(reasons: [Reason] = []) { self.reasons = reasons }
}

/// A school's plan on a day: typed actions with reasons, deterministic for the same inputs.
public struct Plan: Sendable, Codable {
    public var uai: UAI
    public var date: CivilDate
    public var actions: [PlanAction]
    public var summary: PlanSummary
    public var safety: PlanSafety
    /// The calendar keeps changes from reaching the directory today (imports paused): the plan
    /// is shown, not applied.
    public var deferred: Reason?
    /// Who cannot reach which platform today, and closures lifted early: shown, not acted upon
    /// (the ENT applies its own closure), and outside the plan's hash, so that a principal opening
    /// the ENT does not make a plan already shown stale.
    public var access: [AccessNotice]
    /// Accounts of people who left that a later plan will delete, and when: shown, not acted upon
    /// today, and outside the plan's hash like `access`.
    public var deletions: [DeletionForecast]

    /// Whether applying the plan changes anything: a proposed rename waits for a person
    /// (`bascule accounts rename`), not for an apply.
    public var changesDirectory: Bool { actions.contains { $0.kind != .proposeRename } }

    public init(uai: UAI, date: CivilDate, actions: [PlanAction], safety: PlanSafety, deferred: Reason? = nil,
                access: [AccessNotice] = [], deletions: [DeletionForecast] = []) {
        self.access = access
        self.deletions = deletions
        self.uai = uai
        self.date = date
        self.actions = actions
        self.summary = PlanSummary(actions)
        self.safety = safety
        self.deferred = deferred
    }
}

/// An account of someone who left, with the day a plan will delete it and why: the deadlines the
/// RUPN and the department see coming.
public struct DeletionForecast: Hashable, Sendable, Codable {
    public var login: String
    public var personKind: PersonKind
    public var name: String
    public var status: AccountStatus
    /// The day they left.
    public var departure: CivilDate
    /// The day a plan will delete it.
    public var deleteOn: CivilDate
    /// `window` (the calendar's deletion window of former users) or `legal-limit` (three months).
    public var rule: String
    /// The calendar's window, when the rule is `window` or the account waits for it.
    public var window: DayWindow?
    /// The window deletion waits for the school's approval (`bascule departures approve`).
    public var awaitsApproval: Bool
    public var reason: Reason

    public init(login: String, personKind: PersonKind, name: String, status: AccountStatus, departure: CivilDate, deleteOn: CivilDate,
                rule: String, window: DayWindow?, awaitsApproval: Bool, reason: Reason) {
        self.login = login
        self.personKind = personKind
        self.name = name
        self.status = status
        self.departure = departure
        self.deleteOn = deleteOn
        self.rule = rule
        self.window = window
        self.awaitsApproval = awaitsApproval
        self.reason = reason
    }
}

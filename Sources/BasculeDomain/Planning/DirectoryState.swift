/// Where an account is in its life. Every change of status has a date and a reason (in the plan
/// that made it, and in the audit once applied).
public enum AccountStatus: String, Sendable, Codable, CaseIterable {
    case active
    /// Gone from the exports: still usable during a grace period that depends on the role.
    case leaving
    /// Locked; deleted when the calendar's deletion window opens.
    case disabled
    case deleted
}

/// An account Bascule manages, as the directory holds it.
public struct Account: Hashable, Sendable, Codable {
    public var personID: String
    public var kind: PersonKind
    public var login: String
    public var entLogin: String
    public var name: PersonName
    public var status: AccountStatus
    public var statusSince: CivilDate
    /// Never disabled or deleted by a plan (a person decided so).
    public var protected: Bool

    public init(personID: String, kind: PersonKind, login: String, entLogin: String, name: PersonName,
                status: AccountStatus, statusSince: CivilDate, protected: Bool = false) {
        self.personID = personID
        self.kind = kind
        self.login = login
        self.entLogin = entLogin
        self.name = name
        self.status = status
        self.statusSince = statusSince
        self.protected = protected
    }
}

/// What a directory group stands for.
public enum GroupKind: String, Sendable, Codable, Comparable {
    /// A class (division), its students.
    case division
    /// A teaching group (language, option), its students.
    case group
    /// A class's or a teaching group's team: for a class, the teachers of its services and of the
    /// groups drawn from it; for a group, the teachers of its services.
    case classTeam = "class-team"
    /// Everyone of a role: students, teachers, administrative staff.
    case role
    /// A subject's teachers, from the STS-Web services: `matiere-ANGL1`.
    case subject

    public static func < (a: GroupKind, b: GroupKind) -> Bool { a.rawValue < b.rawValue }
}

/// A group as the directory holds it, members by login.
public struct DirectoryGroup: Hashable, Sendable, Codable {
    public var name: String
    public var kind: GroupKind
    public var members: Set<String>

    public init(name: String, kind: GroupKind, members: Set<String> = []) {
        self.name = name
        self.kind = kind
        self.members = members
    }
}

/// The directory of one school as Bascule left it: the "before" of every plan.
public struct DirectoryState: Sendable {
    public var accounts: [Account]
    public var groups: [DirectoryGroup]
    /// Logins of deleted accounts and old logins of renamed ones, network and ENT alike: not given
    /// to anyone else while they are burnt (see ``PlanningPolicy/burntLoginYears``).
    public var burntLogins: Set<String>
    /// The day each login was burnt. A login without one was burnt before Bascule kept the day,
    /// and stays burnt for good: nobody can tell any more how long ago it was.
    public var burntOn: [String: CivilDate]

    public init(accounts: [Account] = [], groups: [DirectoryGroup] = [], burntLogins: Set<String> = [],
                burntOn: [String: CivilDate] = [:]) {
        self.accounts = accounts
        self.groups = groups
        self.burntLogins = burntLogins
        self.burntOn = burntOn.filter { burntLogins.contains($0.key) }
    }

    /// The same accounts, groups and burnt logins, whatever the order they were read in: what a
    /// write checks it still replaces (nothing changed since it read the state it planned from).
    public func sameContent(as other: DirectoryState) -> Bool {
        Set(accounts) == Set(other.accounts) && accounts.count == other.accounts.count
            && Set(groups) == Set(other.groups) && groups.count == other.groups.count
            && burntLogins == other.burntLogins && burntOn == other.burntOn
    }

    /// Burns `login` on `date`: nobody else gets it for the policy's years.
    public mutating func burn(_ login: String, on date: CivilDate) {
        burntLogins.insert(login)
        burntOn[login] = date
    }

    /// Gives `login` back to the pool of logins in use: it is nobody's burnt login any more.
    public mutating func unburn(_ login: String) {
        burntLogins.remove(login)
        burntOn[login] = nil
    }

    /// The logins still burnt on `date` when a burnt login is kept `years` years (nil: for ever).
    /// A login is free again on the anniversary of its burning, `years` years later.
    public func burntLogins(on date: CivilDate, keptYears years: Int?) -> Set<String> {
        guard let years else { return burntLogins }
        return burntLogins.filter { login in
            guard let burnt = burntOn[login] else { return true }
            return date < burnt.adding(years: years)
        }
    }
}

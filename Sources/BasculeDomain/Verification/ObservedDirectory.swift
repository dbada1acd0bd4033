/// An account as read back from a directory, whichever it is (the embedded one, or an LDAP
/// branch): the verifier compares this with the exports, never with what Bascule meant to write.
public struct ObservedAccount: Hashable, Sendable, Codable {
    public var login: String
    /// Bascule's person id (`basculePersonId`); nil on an account Bascule did not create.
    public var personID: String?
    public var kind: PersonKind?
    /// The name the directory shows (`cn`), for the report.
    public var name: String?
    public var status: AccountStatus?
    public var statusSince: CivilDate?
    /// Cannot sign in: any of the locks Bascule sets on a disabled account.
    public var locked: Bool
    /// Where it is, for a person who fixes it by hand (an LDAP DN), if the directory has one.
    public var dn: String?
    /// Locks someone other than Bascule set (an administrator, ppolicy's lockout), as the
    /// directory shows them (`pwdAccountLockedTime 20261203101500Z`): Bascule never lifts them.
    public var foreignLocks: [String]

    public init(login: String, personID: String?, kind: PersonKind?, name: String?, status: AccountStatus?,
                statusSince: CivilDate?, locked: Bool, dn: String? = nil, foreignLocks: [String] = []) {
        self.foreignLocks = foreignLocks
        self.login = login
        self.personID = personID
        self.kind = kind
        self.name = name
        self.status = status
        self.statusSince = statusSince
        self.locked = locked
        self.dn = dn
    }
}

/// A group as read back, members by login.
public struct ObservedGroup: Hashable, Sendable, Codable {
    public var name: String
    public var kind: GroupKind?
    public var members: Set<String>
    /// The members Bascule itself last wrote on this entry (`directory_entries`), when it keeps a
    /// record of them: a member outside it was added by hand. Nil when there is no such record
    /// (the embedded directory, or an entry Bascule never wrote).
    public var writtenMembers: Set<String>?
    public var dn: String?

    public init(name: String, kind: GroupKind?, members: Set<String>, writtenMembers: Set<String>? = nil, dn: String? = nil) {
        self.name = name
        self.kind = kind
        self.members = members
        self.writtenMembers = writtenMembers
        self.dn = dn
    }
}

/// An entry under the school's branch that Bascule did not create (no `basculeAccount` or
/// `basculeGroup` class): an account, a group or anything else made by hand.
public struct ObservedForeignEntry: Hashable, Sendable, Codable {
    public var dn: String
    /// `uid` or `cn`, whichever names it.
    public var label: String
    public var objectClasses: [String]
    /// When the directory says it was created (`createTimestamp`), if it does.
    public var created: CivilDate?

    public init(dn: String, label: String, objectClasses: [String], created: CivilDate? = nil) {
        self.dn = dn
        self.label = label
        self.objectClasses = objectClasses
        self.created = created
    }
}

/// One school's directory as read back, and which directory that was.
public struct ObservedDirectory: Sendable, Codable {
    /// For the report: « annuaire LDAP ldap://…, ou=0860001X,dc=… » or « annuaire intégré ».
    public var source: String
    /// True when this is a real directory that follows the embedded one (`bascule directory sync`).
    public var isRealDirectory: Bool
    /// Bascule's accounts (deleted ones are not in a directory).
    public var accounts: [ObservedAccount]
    public var groups: [ObservedGroup]
    public var foreign: [ObservedForeignEntry]

    public init(source: String, isRealDirectory: Bool, accounts: [ObservedAccount], groups: [ObservedGroup],
                foreign: [ObservedForeignEntry] = []) {
        self.source = source
        self.isRealDirectory = isRealDirectory
        self.accounts = accounts
        self.groups = groups
        self.foreign = foreign
    }

    /// The embedded directory as a directory read back: a disabled account is locked there by its status.
    public init(embedded state: DirectoryState, source: String) {
        self.init(
            source: source, isRealDirectory: false,
            accounts: state.accounts.filter { $0.status != .deleted }.map {
                ObservedAccount(login: $0.login, personID: $0.personID, kind: $0.kind, name: $0.name.full, status: $0.status,
                                statusSince: $0.statusSince, locked: $0.status == .disabled)
            },
            groups: state.groups.map { ObservedGroup(name: $0.name, kind: $0.kind, members: $0.members) })
    }
}

/// A file space as the spaces module reads it back: a personal folder, a class's or a group's
/// shared folder. Bascule's verifier only needs who owns it and which groups it is shared with.
public struct ObservedSpace: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A person's own folder (`perso/<login>`).
        case personal
        /// A class's shared folder.
        case division
        /// A teaching group's shared folder.
        case group
        /// A class's or a teaching group's team folder.
        case team
        /// A subject's folder (`matiere-<code>`).
        case subject
        /// Anything else (the school's common folders).
        case other
    }

    public var kind: Kind
    /// The login (personal) or the class or group code the space belongs to.
    public var name: String
    public var path: String
    /// The owner's numeric id on disk; nil when the file system gave none.
    public var ownerUID: Int?
    /// The login of the account that uid was given to (`posix_ids`), nil when no account of the
    /// school holds it: the space has no owner any more.
    public var ownerLogin: String?
    /// Group ids of the space's ACLs.
    public var groupIDs: [Int]
    /// False for a folder someone made by hand where Bascule keeps its spaces.
    public var createdByBascule: Bool

    public init(kind: Kind, name: String, path: String, ownerUID: Int?, ownerLogin: String?, groupIDs: [Int] = [],
                createdByBascule: Bool = true) {
        self.createdByBascule = createdByBascule
        self.kind = kind
        self.name = name
        self.path = path
        self.ownerUID = ownerUID
        self.ownerLogin = ownerLogin
        self.groupIDs = groupIDs
    }
}

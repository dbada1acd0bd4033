import BasculeDomain

/// An account as the directory must show it: the embedded directory's account plus what the
/// exports say of the person and the POSIX numbers Bascule gave it.
public struct ProvisionedAccount: Sendable, Hashable {
    public var account: Account
    public var sourceID: String?
    public var division: String?
    public var email: String?
    public var uidNumber: Int
    /// The role group's gidNumber: a student's primary group is the students' group.
    public var gidNumber: Int

    public init(account: Account, sourceID: String? = nil, division: String? = nil, email: String? = nil,
                uidNumber: Int, gidNumber: Int) {
        self.account = account
        self.sourceID = sourceID
        self.division = division
        self.email = email
        self.uidNumber = uidNumber
        self.gidNumber = gidNumber
    }
}

public struct ProvisionedGroup: Sendable, Hashable {
    public var group: DirectoryGroup
    public var gidNumber: Int

    public init(group: DirectoryGroup, gidNumber: Int) {
        self.group = group
        self.gidNumber = gidNumber
    }
}

/// What one school's branch must hold: every account not deleted, every group.
public struct SchoolDirectory: Sendable {
    public var uai: UAI
    public var label: String?
    public var accounts: [ProvisionedAccount]
    public var groups: [ProvisionedGroup]

    public init(uai: UAI, label: String? = nil, accounts: [ProvisionedAccount], groups: [ProvisionedGroup]) {
        self.uai = uai
        self.label = label
        self.accounts = accounts
        self.groups = groups
    }
}

/// An entry Bascule wants, identified by a key that survives renames (`person:<id>`,
/// `group:<name>`, `container:<dn>`), with the attributes Bascule manages on it.
public struct DesiredEntry: Sendable, Hashable {
    public var key: String
    public var dn: String
    public var attributes: [String: [String]]

    public init(key: String, dn: String, attributes: [String: [String]]) {
        self.key = key
        self.dn = dn
        self.attributes = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
            .filter { !$0.value.isEmpty }
    }
}

/// The attributes Bascule owns on its entries. Anything else on them (a telephone number added by
/// hand, the password a user chose) is left alone.
public enum ManagedAttributes {
    public static let account: [String] = [
        "objectclass", "uid", "cn", "sn", "givenname", "displayname", "mail", "employeetype",
        "uidnumber", "gidnumber", "homedirectory", "loginshell", "shadowexpire", "pwdaccountlockedtime",
        "basculepersonid", "basculeuai", "basculesourceid", "basculeclass", "basculeentlogin", "basculestatus",
        "basculestatussince",
    ]
    public static let group: [String] = ["objectclass", "cn", "gidnumber", "memberuid", "member", "basculeuai", "basculegroupkind", "description"]
    public static let container: [String] = ["objectclass", "ou"]

    /// What to read back from the server: the managed attributes, the password's presence, and
    /// ppolicy's lock, an operational attribute that `*` does not return.
    public static let read: [String] = ["*", "pwdAccountLockedTime", "entryUUID"]

    public static func of(key: String) -> [String] {
        if key.hasPrefix("person:") { return account }
        if key.hasPrefix("group:") { return group }
        return container
    }
}

extension SchoolDirectory {
    /// ppolicy's "locked until an administrator unlocks it" value.
    public static let permanentLock = "000001010000Z"

    public static func employeeType(_ kind: PersonKind) -> String {
        switch kind {
        case .student: "eleve"
        case .teacher: "enseignant"
        case .staff, .parent: "administratif"
        }
    }

    /// Every entry of the branch, containers first, then accounts, then groups.
    public func entries(in layout: DirectoryLayout) -> [DesiredEntry] {
        var out: [DesiredEntry] = []
        for dn in layout.containers(uai) {
            let ou = DN.firstValue(dn) ?? ""
            var attributes: [String: [String]] = ["objectClass": ["top", "organizationalUnit"], "ou": [ou]]
            if dn == layout.school(uai), let label { attributes["description"] = [label] }
            out.append(DesiredEntry(key: "container:\(DN.normalize(dn))", dn: dn, attributes: attributes))
        }
        var dnByLogin: [String: String] = [:]
        for p in accounts.sorted(by: { $0.account.login < $1.account.login }) where p.account.status != .deleted {
            let a = p.account
            let dn = layout.account(login: a.login, kind: a.kind, uai: uai)
            dnByLogin[a.login] = dn
            let family = a.name.displayFamilyName
            let disabled = a.status == .disabled
            out.append(DesiredEntry(key: "person:\(a.personID)", dn: dn, attributes: [
                "objectClass": ["top", "person", "organizationalPerson", "inetOrgPerson", "posixAccount", "shadowAccount", "basculeAccount"],
                "uid": [a.login],
                "cn": [a.name.full],
                "sn": [family],
                "givenName": [a.name.firstName],
                "displayName": [a.name.full],
                "mail": p.email.map { [$0] } ?? [],
                "employeeType": [Self.employeeType(a.kind)],
                "uidNumber": [String(p.uidNumber)],
                "gidNumber": [String(p.gidNumber)],
                "homeDirectory": [layout.home(login: a.login, uai: uai)],
                "loginShell": [layout.loginShells.shell(for: a.kind)],
                // shadowExpire 1 (2 January 1970) closes the account to PAM and Samba; ppolicy's lock
                // closes it to LDAP binds.
                "shadowExpire": disabled ? ["1"] : [],
                "pwdAccountLockedTime": disabled ? [Self.permanentLock] : [],
                "basculePersonId": [a.personID],
                "basculeUAI": [uai.code],
                "basculeSourceId": p.sourceID.map { [$0] } ?? [],
                "basculeClass": a.kind == .student ? (p.division.map { [$0] } ?? []) : [],
                "basculeEntLogin": [a.entLogin],
                "basculeStatus": [a.status.rawValue],
                "basculeStatusSince": [a.statusSince.description],
            ]))
        }
        // A class or group whose code the domain refuses (a system group's name such as `sudo`,
        // whose members servers would trust; `..`; a control character) is never written, even
        // from a store filled before the readers refused such codes.
        for g in groups.sorted(by: { $0.group.name < $1.group.name })
        where StructureCodes.problem(group: g.group.name, kind: g.group.kind) == nil {
            let members = g.group.members.sorted().filter { dnByLogin[$0] != nil }
            out.append(DesiredEntry(key: "group:\(g.group.name)", dn: layout.group(g.group.name, uai: uai), attributes: [
                "objectClass": ["top", "posixGroup", "basculeGroup"],
                "cn": [g.group.name],
                "gidNumber": [String(g.gidNumber)],
                "memberUid": members,
                "member": members.compactMap { dnByLogin[$0] },
                "basculeUAI": [uai.code],
                "basculeGroupKind": [g.group.kind.rawValue],
            ]))
        }
        return out
    }
}

import BasculeDomain
import BasculeLDAP

/// Something a run noticed and did not change, with its reason in French and English.
public struct SpaceFinding: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A folder Bascule did not create, where Bascule keeps its spaces: reported, never touched.
        case foreign
        /// A folder Bascule did not create stands where a space must be: the space is not created.
        case conflict
        /// A symbolic link where a folder should be: never followed.
        case symlink
        /// A file or something else where a folder should be.
        case notAFolder = "not-a-folder"
        /// A class, group or login that cannot name a folder (`/`, `..`).
        case unusableName = "unusable-name"
        /// A group or account without its POSIX number yet (a dry run before any sync).
        case missingNumber = "missing-number"
    }

    public var kind: Kind
    /// Relative to the root.
    public var path: String
    public var reason: Reason

    public init(kind: Kind, path: String, reason: Reason) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var french: String { "\(path) : \(reason.french)" }
}

/// The folders a school must have, from the school as the directory holds it. Pure.
///
/// Rights (docs/espaces.md has the table): a personal space is its owner's alone; a class's or a
/// group's space is its teaching team's, its students read it and each writes in their own folder
/// of `Travaux_eleves`, which the team manages too; a subject's, its teachers'; the staff room,
/// teachers' and administrative staff's; Mediaprof, teachers' (students read); Commun, the
/// staff's, read by students, each of whom has a folder there that every student reads. `other`
/// never has any access, and the default ACL repeats the access ACL so that new files get the
/// same rights.
public struct DesiredSpaces: Sendable {
    public var folders: [DesiredFolder]
    public var findings: [SpaceFinding]

    /// How subject groups are named: `matiere-<CODE_GESTION>` (``PlanningPolicy/subjectGroupName(_:)``).
    public static let subjectPrefix = "matiere-"

    /// - Parameter referents: the person ids holding the `rupn` right (`school_rights`): they, and
    ///   no one else, read `ReferentsInformatique`.
    public init(school: SchoolDirectory, settings: SpacesSettings, projectIDs: [String: Int] = [:], referents: Set<String> = []) {
        let uai = school.uai.code
        var folders: [DesiredFolder] = []
        var findings: [SpaceFinding] = []
        let gids = Dictionary(school.groups.map { ($0.group.name, $0.gidNumber) }, uniquingKeysWith: { a, _ in a })
        func gid(_ name: String?) -> Int? { name.flatMap { gids[$0] }.flatMap { $0 > 0 ? $0 : nil } }
        let students = gid(settings.roleGroups[.student])
        let teachers = gid(settings.roleGroups[.teacher])
        let staff = gid(settings.roleGroups[.staff])
        func named(_ ids: [(String?, Int?, Permissions)]) -> [(name: String, id: Int, rights: Permissions)] {
            ids.compactMap { n, id, p in (n != nil && id != nil) ? (n!, id!, p) : nil }
        }
        let roles: [(String?, Int?)] = [(settings.roleGroups[.student], students), (settings.roleGroups[.teacher], teachers),
                                        (settings.roleGroups[.staff], staff)]

        // Structure: root-owned, listable by the school's people, nobody else.
        func container(_ relative: String, _ rights: [(String?, Int?, Permissions)]) {
            let groups = named(rights)
            folders.append(DesiredFolder(
                key: "conteneur:\(relative)", kind: .container, path: relative, name: relative, uid: 0, gid: 0,
                acl: .make(owner: .all, group: .read, groups: groups.map { ($0.id, $0.rights) }, inherited: false),
                access: groups.map { SpaceAccess(kind: "group", name: $0.name, id: $0.id, rights: $0.rights) }))
        }
        container(uai, roles.map { ($0.0, $0.1, .read) })
        // perso/ lets each one reach their own folder without listing everyone's.
        container("\(uai)/\(SpaceTree.personal)", roles.map { ($0.0, $0.1, .traverse) })
        container("\(uai)/\(SpaceTree.classes)", roles.map { ($0.0, $0.1, .read) })
        container("\(uai)/\(SpaceTree.groups)", roles.map { ($0.0, $0.1, .read) })
        container("\(uai)/\(SpaceTree.subjects)", Array(roles.dropFirst()).map { ($0.0, $0.1, .read) })

        // Personal spaces: the account's, mode 0700, for every account not deleted.
        for p in school.accounts.sorted(by: { $0.account.login < $1.account.login }) where p.account.status != .deleted {
            let a = p.account
            let path = "\(uai)/\(SpaceTree.personal)/\(a.login)"
            guard Self.usable(a.login) else {
                findings.append(.init(kind: .unusableName, path: path, reason: Reason(
                    "l'identifiant « \(a.login) » ne peut pas nommer un dossier", "login \(a.login) cannot name a folder")))
                continue
            }
            guard p.uidNumber > 0 else {
                findings.append(.init(kind: .missingNumber, path: path, reason: Reason(
                    "\(a.login) n'a pas encore d'uidNumber (lancez une synchronisation)", "\(a.login) has no uidNumber yet")))
                continue
            }
            folders.append(DesiredFolder(
                key: "perso:\(a.personID)", kind: .personal, path: path, name: a.login, uid: p.uidNumber,
                gid: p.gidNumber > 0 ? p.gidNumber : p.uidNumber,
                acl: .make(owner: .all, group: .none, inherited: true),
                quota: settings.quotas.personal(a.kind), quotaSubject: .user(p.uidNumber),
                access: [SpaceAccess(kind: "user", name: a.login, id: p.uidNumber, rights: .all)]))
        }

        // Shared spaces: owned by root, the owning group is the space's main group (setgid, so
        // that new files keep it) with `ownerRights`, the others named; `other` nothing.
        func shared(key: String, kind: SpaceKind, path: String, name: String, quota: Int64,
                    owner: (String, Int), ownerRights: Permissions = .all, others: [(String?, Int?, Permissions)]) {
            let more = named(others)
            folders.append(DesiredFolder(
                key: key, kind: kind, path: path, name: name, uid: 0, gid: owner.1, specialBits: 0o2000,
                acl: .make(owner: .all, group: ownerRights, groups: more.map { ($0.id, $0.rights) }, inherited: true),
                quota: quota, quotaSubject: projectIDs[key].map { .project($0) },
                access: [SpaceAccess(kind: "group", name: owner.0, id: owner.1, rights: ownerRights)]
                    + more.map { SpaceAccess(kind: "group", name: $0.name, id: $0.id, rights: $0.rights) }))
        }
        let accountByLogin = Dictionary(school.accounts.filter { $0.account.status != .deleted }.map { ($0.account.login, $0) },
                                        uniquingKeysWith: { a, _ in a })
        // Where students hand in work (class, group and Commun spaces): the space itself is the
        // teachers' (students read it), `Travaux_eleves` holds one folder per student, root's, where
        // that student and the space's teachers write and the others (`classmates`) have
        // `classmates` rights. So no student deletes or changes a teacher's document or another
        // student's work, and the teachers manage both.
        func studentArea(space: String, path: String, owner: (String, Int), classmates: Permissions,
                         writers: [(String?, Int?, Permissions)], members: [String]) {
            let teachers = named(writers)
            folders.append(DesiredFolder(
                key: "\(SpaceKind.studentsFolder.rawValue):\(space)", kind: .studentsFolder, path: "\(path)/\(SpaceTree.studentsWork)",
                name: String(path.split(separator: "/").last ?? ""), uid: 0, gid: owner.1, specialBits: 0o2000,
                acl: .make(owner: .all, group: .read, groups: teachers.map { ($0.id, $0.rights) }, inherited: true),
                access: [SpaceAccess(kind: "group", name: owner.0, id: owner.1, rights: .read)]
                    + teachers.map { SpaceAccess(kind: "group", name: $0.name, id: $0.id, rights: $0.rights) }))
            for login in Set(members).sorted() {
                guard let p = accountByLogin[login], p.account.kind == .student else { continue }
                let folder = "\(path)/\(SpaceTree.studentsWork)/\(login)"
                guard Self.usable(login) else {
                    findings.append(.init(kind: .unusableName, path: folder, reason: Reason(
                        "l'identifiant « \(login) » ne peut pas nommer un dossier", "login \(login) cannot name a folder")))
                    continue
                }
                guard p.uidNumber > 0 else {
                    findings.append(.init(kind: .missingNumber, path: folder, reason: Reason(
                        "\(login) n'a pas encore d'uidNumber (lancez une synchronisation)", "\(login) has no uidNumber yet")))
                    continue
                }
                folders.append(DesiredFolder(
                    key: "\(SpaceKind.studentWork.rawValue):\(space):\(p.account.personID)", kind: .studentWork, path: folder,
                    name: login, uid: 0, gid: owner.1, specialBits: 0o2000,
                    acl: .make(owner: .all, group: classmates, users: [(p.uidNumber, .all)],
                               groups: teachers.map { ($0.id, $0.rights) }, inherited: true),
                    access: [SpaceAccess(kind: "user", name: login, id: p.uidNumber, rights: .all),
                             SpaceAccess(kind: "group", name: owner.0, id: owner.1, rights: classmates)]
                        + teachers.map { SpaceAccess(kind: "group", name: $0.name, id: $0.id, rights: $0.rights) }))
            }
        }
        func missing(_ path: String, _ group: String) {
            findings.append(.init(kind: .missingNumber, path: path, reason: Reason(
                "le groupe \(group) n'a pas encore de gidNumber (lancez une synchronisation)", "group \(group) has no gidNumber yet")))
        }
        let policy = PlanningPolicy.default
        for g in school.groups.map(\.group).sorted(by: { $0.name < $1.name }) {
            let kind: SpaceKind
            let folderName: String
            let parent: String
            let quota: Int64
            if let code = Self.subjectCode(g) {
                (kind, folderName, parent, quota) = (.subject, code, SpaceTree.subjects, settings.quotas.subject)
            } else if g.kind == .division {
                (kind, folderName, parent, quota) = (.classSpace, g.name, SpaceTree.classes, settings.quotas.classSpace)
            } else if g.kind == .group {
                (kind, folderName, parent, quota) = (.group, g.name, SpaceTree.groups, settings.quotas.group)
            } else {
                continue
            }
            let path = "\(uai)/\(parent)/\(folderName)"
            // The domain's one rule for codes from the exports (`..`, `/`, a leading `-`, control
            // characters, a role's or a system group's name), then the folder's own limits.
            if let problem = StructureCodes.problem(group: g.name, kind: g.kind, roleGroups: Array(settings.roleGroups.values)) {
                findings.append(.init(kind: .unusableName, path: path, reason: Reason(
                    "le nom « \(folderName) » ne peut pas nommer un dossier : \(problem.french)",
                    "\(folderName) cannot name a folder: \(problem.english)")))
                continue
            }
            guard Self.usable(folderName) else {
                findings.append(.init(kind: .unusableName, path: path, reason: Reason(
                    "le nom « \(folderName) » ne peut pas nommer un dossier", "\(folderName) cannot name a folder")))
                continue
            }
            guard let own = gid(g.name) else { missing(path, g.name); continue }
            let key = "\(kind.rawValue):\(g.name)"
            if kind == .subject {
                shared(key: key, kind: kind, path: path, name: folderName, quota: quota, owner: (g.name, own), others: [])
                continue
            }
            // A class's or a group's teaching team: `equipe-<division>`, `equipe-<groupe>`. The
            // space is the team's; its students read it and write in their own folder.
            let team = policy.classTeamName(g.name)
            shared(key: key, kind: kind, path: path, name: folderName, quota: quota, owner: (g.name, own), ownerRights: .read,
                   others: [(team, gid(team), .all)])
            studentArea(space: key, path: path, owner: (g.name, own), classmates: .none, writers: [(team, gid(team), .all)],
                        members: Array(g.members))
        }
        if let teachers, let tn = settings.roleGroups[.teacher] {
            shared(key: SpaceKind.staffRoom.rawValue, kind: .staffRoom, path: "\(uai)/\(SpaceTree.staffRoom)",
                   name: SpaceTree.staffRoom, quota: settings.quotas.staffRoom, owner: (tn, teachers),
                   others: [(settings.roleGroups[.staff], staff, .all)])
            shared(key: SpaceKind.mediaprof.rawValue, kind: .mediaprof, path: "\(uai)/\(SpaceTree.mediaprof)",
                   name: SpaceTree.mediaprof, quota: settings.quotas.mediaprof, owner: (tn, teachers),
                   others: [(settings.roleGroups[.student], students, .read)])
        } else {
            missing("\(uai)/\(SpaceTree.staffRoom)", settings.roleGroups[.teacher] ?? "profs")
        }
        if let students, let sn = settings.roleGroups[.student] {
            // Everyone's, the staff's documents read by all students; each student's folder is
            // read by all students, written by its owner and the staff.
            let writers: [(String?, Int?, Permissions)] = [(settings.roleGroups[.teacher], teachers, .all),
                                                           (settings.roleGroups[.staff], staff, .all)]
            shared(key: SpaceKind.common.rawValue, kind: .common, path: "\(uai)/\(SpaceTree.common)",
                   name: SpaceTree.common, quota: settings.quotas.common, owner: (sn, students), ownerRights: .read, others: writers)
            let everyone = school.groups.first { $0.group.name == sn }.map { Array($0.group.members) }
                ?? school.accounts.filter { $0.account.kind == .student && $0.account.status != .deleted }.map(\.account.login)
            studentArea(space: SpaceKind.common.rawValue, path: "\(uai)/\(SpaceTree.common)", owner: (sn, students),
                        classmates: .read, writers: writers, members: everyone)
        } else {
            missing("\(uai)/\(SpaceTree.common)", settings.roleGroups[.student] ?? "eleves")
        }

        // The referents' space: root writes the sheets there, each RUPN reads them by their uid,
        // and no one else gets in (not the role groups, not `other`). A right acts only from an
        // active account (``AccessRules``): a disabled RUPN reads nothing. The default ACL
        // gives each new sheet the same readers.
        var readers: [(login: String, uid: Int)] = []
        for p in school.accounts.sorted(by: { $0.account.login < $1.account.login })
        where referents.contains(p.account.personID) && p.account.status == .active {
            guard p.uidNumber > 0 else {
                findings.append(.init(kind: .missingNumber, path: "\(uai)/\(SpaceTree.referents)", reason: Reason(
                    "\(p.account.login) (RUPN) n'a pas encore d'uidNumber (lancez une synchronisation)", "\(p.account.login) (RUPN) has no uidNumber yet")))
                continue
            }
            readers.append((p.account.login, p.uidNumber))
        }
        folders.append(DesiredFolder(
            key: SpaceKind.referents.rawValue, kind: .referents, path: "\(uai)/\(SpaceTree.referents)", name: SpaceTree.referents,
            uid: 0, gid: 0, acl: .make(owner: .all, group: .none, users: readers.map { ($0.uid, .read) }, inherited: true),
            access: readers.map { SpaceAccess(kind: "user", name: $0.login, id: $0.uid, rights: .read) }))

        self.folders = folders
        self.findings = findings
    }

    /// The access ACL of a file in a folder whose files carry its readers (`ReferentsInformatique`):
    /// the owner reads and writes, each named reader of the folder reads, nothing for anyone else.
    public static func fileACL(in folder: DesiredFolder) -> ACL {
        let readers = folder.acl.access.compactMap { $0.tag == .user ? $0.id : nil }
        return .make(owner: .readWrite, group: .none, users: readers.map { ($0, .readOnly) }, inherited: false)
    }

    /// The subject's code of a subject group (`matiere-ANGL1` → `ANGL1`, STS-Web's CODE_GESTION).
    public static func subjectCode(_ group: DirectoryGroup) -> String? {
        guard group.kind == .subject else { return nil }
        let code = group.name.hasPrefix(subjectPrefix) ? String(group.name.dropFirst(subjectPrefix.count)) : group.name
        return code.isEmpty ? nil : code
    }

    /// A name that can be one folder: not empty, no `/` nor NUL, not `.` or `..`.
    public static func usable(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0") && name.utf8.count <= 255
    }
}

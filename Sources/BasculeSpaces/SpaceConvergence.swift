import BasculeDomain

/// A folder as read under the root (`lstat`, then `getfacl` for folders).
public struct ObservedFolder: Hashable, Sendable {
    public enum FileType: String, Hashable, Sendable { case directory, symlink, other }
    public var type: FileType
    public var uid: Int
    public var gid: Int
    /// Permission and special bits (07777).
    public var mode: Int
    /// Nil when not read (not a folder).
    public var acl: ACL?

    public init(type: FileType, uid: Int = 0, gid: Int = 0, mode: Int = 0, acl: ACL? = nil) {
        self.type = type
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.acl = acl
    }
}

/// What the tree holds where Bascule looks: the folders it wants, the ones it recorded, and the
/// entries directly under each container (to find foreign ones). Paths relative to the root.
public struct ObservedTree: Sendable {
    public var folders: [String: ObservedFolder]
    /// Container path → names of the entries directly in it.
    public var listings: [String: [String]]
    /// The regular files directly in a space whose files carry the space's readers
    /// (`ReferentsInformatique`), by path, with their ACL.
    public var files: [String: ObservedFolder]

    public init(folders: [String: ObservedFolder] = [:], listings: [String: [String]] = [:], files: [String: ObservedFolder] = [:]) {
        self.folders = folders
        self.listings = listings
        self.files = files
    }
}

/// A space Bascule created, as its store remembers it: this is what makes a folder Bascule's.
/// `movingFrom` is set while a move (a renamed login) is under way.
public struct SpaceRecord: Hashable, Sendable, Codable {
    public var key: String
    public var path: String
    public var movingFrom: String?

    public init(key: String, path: String, movingFrom: String? = nil) {
        self.key = key
        self.path = path
        self.movingFrom = movingFrom
    }
}

/// The limits the filesystem enforces now, and whether it can enforce any.
public struct QuotaState: Hashable, Sendable {
    public var support: QuotaSupport
    /// Hard limits in bytes by uid (user quotas) and project id.
    public var userLimits: [Int: Int64]
    public var projectLimits: [Int: Int64]

    public init(support: QuotaSupport, userLimits: [Int: Int64] = [:], projectLimits: [Int: Int64] = [:]) {
        self.support = support
        self.userLimits = userLimits
        self.projectLimits = projectLimits
    }

    public static let unsupported = QuotaState(support: .none(Reason("non vérifié", "not checked")))

    /// The hard limit enforced on `subject` now, if any.
    public func limit(_ subject: QuotaSubject) -> Int64? {
        switch subject {
        case let .user(uid): userLimits[uid]
        case let .project(id): projectLimits[id]
        }
    }

    public func enforceable(_ subject: QuotaSubject) -> Bool {
        switch subject {
        case .user: support.user
        case .project: support.project
        }
    }
}

/// One change to the tree, with its reason.
public struct SpaceOperation: Hashable, Sendable, Encodable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case create
        /// A renamed login: the personal folder follows the account (same uidNumber).
        case move
        case fixOwner = "fix-owner"
        /// The ACL or the mode differ from Bascule's: both are set again.
        case fixPermissions = "fix-permissions"
        case setQuota = "set-quota"
        /// A personal space whose account is deleted or gone, or the space of a group that no
        /// longer exists: archived, the archive checked, then removed.
        case archiveRemove = "archive-remove"
        /// A recorded space whose folder is already gone: the record goes.
        case forget
    }

    public var kind: Kind
    public var key: String
    public var spaceKind: SpaceKind
    /// Relative to the root.
    public var path: String
    /// For a move: where the folder is now.
    public var from: String?
    /// What the folder must be (create, fixes, quota).
    public var folder: DesiredFolder?
    public var reason: Reason

    public init(kind: Kind, key: String, spaceKind: SpaceKind, path: String, from: String? = nil,
                folder: DesiredFolder? = nil, reason: Reason) {
        self.kind = kind
        self.key = key
        self.spaceKind = spaceKind
        self.path = path
        self.from = from
        self.folder = folder
        self.reason = reason
    }

    public var french: String {
        let what = from.map { "\($0) → \(path)" } ?? path
        return "\(kind.rawValue) \(what) : \(reason.french)"
    }

    enum CodingKeys: String, CodingKey { case kind, key, spaceKind, path, from, reason, owner, mode, acl, quota }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(key, forKey: .key)
        try c.encode(spaceKind, forKey: .spaceKind)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encode(reason, forKey: .reason)
        if let folder, kind != .archiveRemove, kind != .forget {
            try c.encode("\(folder.uid):\(folder.gid)", forKey: .owner)
            try c.encode(String(folder.mode, radix: 8), forKey: .mode)
            try c.encode(folder.acl.description, forKey: .acl)
            if kind == .setQuota { try c.encodeIfPresent(folder.quota, forKey: .quota) }
        }
    }
}

/// What a run must do, and what it noticed.
public struct SpacePlan: Sendable {
    public var operations: [SpaceOperation]
    public var findings: [SpaceFinding]
    public var desired: [DesiredFolder]
}

/// Compares the spaces a school must have with what the tree holds. Pure: the caller reads the
/// tree and the store, and runs the operations in the order given (containers, removals, moves,
/// creations, fixes, quotas). Only folders Bascule recorded are ever moved, changed or removed;
/// any other is reported.
public enum SpaceConvergence {
    /// - Parameters:
    ///   - accounts: every account of the school by person id, deleted ones included, to say why
    ///     a personal space goes.
    public static func plan(desired: DesiredSpaces, observed: ObservedTree, records: [SpaceRecord],
                            accounts: [String: Account] = [:], quotas: QuotaState = .unsupported) -> SpacePlan {
        var containerOps: [SpaceOperation] = [], removals: [SpaceOperation] = [], moves: [SpaceOperation] = []
        var creations: [SpaceOperation] = [], fixes: [SpaceOperation] = [], quotaOps: [SpaceOperation] = []
        var findings = desired.findings
        let recordByKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var recordedPaths = Set(records.map(\.path))
        recordedPaths.formUnion(records.compactMap(\.movingFrom))
        let wanted = Dictionary(desired.folders.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        func type(_ path: String) -> ObservedFolder.FileType? { observed.folders[path]?.type }

        // Containers: Bascule's by definition of the root. One that is not a folder blocks
        // everything beneath it.
        var blocked: [String] = []
        for c in desired.folders where c.kind == .container {
            if blocked.contains(where: { c.path.hasPrefix($0 + "/") }) { continue }
            switch type(c.path) {
            case nil:
                containerOps.append(.init(kind: .create, key: c.key, spaceKind: .container, path: c.path, folder: c,
                                          reason: Reason("dossier de structure des espaces", "structure folder of the spaces")))
            case .directory?:
                containerOps += repairs(for: c, observed: observed.folders[c.path]!)
            case let t?:
                blocked.append(c.path)
                findings.append(blocking(c.path, t))
            }
        }
        func isBlocked(_ path: String) -> Bool { blocked.contains { path.hasPrefix($0 + "/") } }

        // Recorded spaces no longer wanted: archived then removed, or forgotten if already gone.
        var freed = Set<String>()
        for r in records.sorted(by: { $0.path < $1.path }) where wanted[r.key] == nil {
            if isBlocked(r.path) { continue }
            let kind = spaceKind(ofKey: r.key)
            let path = type(r.path) == .directory || r.movingFrom == nil || type(r.movingFrom!) != .directory ? r.path : r.movingFrom!
            if freed.contains(where: { path.hasPrefix($0 + "/") }) {
                // Inside a space archived and removed just before (records sort parents first).
                removals.append(.init(kind: .forget, key: r.key, spaceKind: kind, path: r.path, reason: Reason(
                    "archivé et supprimé avec l'espace qui le contient : Bascule l'oublie",
                    "archived and removed with the space holding it: Bascule forgets it")))
                continue
            }
            switch type(path) {
            case .directory?:
                removals.append(.init(kind: .archiveRemove, key: r.key, spaceKind: kind, path: path,
                                      reason: goneReason(key: r.key, accounts: accounts)))
                freed.insert(path)
            case nil:
                removals.append(.init(kind: .forget, key: r.key, spaceKind: kind, path: r.path,
                                      reason: Reason("le dossier n'existe plus : Bascule l'oublie", "the folder is gone: Bascule forgets it")))
            case let t?:
                findings.append(blocking(path, t))
            }
        }

        // Wanted spaces. A folder inside a space that is not there as Bascule's (a conflict, a
        // link, a move that cannot be done) waits with it: nothing is made in someone else's folder.
        var unavailable: [String] = []
        for f in desired.folders where f.kind != .container {
            if isBlocked(f.path) || unavailable.contains(where: { f.path.hasPrefix($0 + "/") }) { continue }
            func skip() { unavailable.append(f.path) }
            let record = recordByKey[f.key]
            let here = type(f.path)
            if let record, record.path != f.path {
                // A renamed login: the folder is recorded under the old one.
                switch (type(record.path), here) {
                case (.directory?, nil):
                    moves.append(.init(kind: .move, key: f.key, spaceKind: f.kind, path: f.path, from: record.path, folder: f,
                                       reason: moveReason(f, from: record.path)))
                    continue
                case (.directory?, _?):
                    findings.append(.init(kind: .conflict, path: f.path, reason: Reason(
                        "l'espace devrait passer de \(record.path) à \(f.path), mais \(f.path) existe déjà : les deux dossiers sont laissés tels quels",
                        "the space should move from \(record.path) to \(f.path), which already exists: both left as they are")))
                    skip()
                    continue
                case (nil, _):
                    break // the old folder is gone: the space is made where it must be
                case let (t?, _):
                    findings.append(blocking(record.path, t))
                    skip()
                    continue
                }
            } else if let record, let from = record.movingFrom {
                // A move a stopped run began: finished (or, if already done, only recorded).
                moves.append(.init(kind: .move, key: f.key, spaceKind: f.kind, path: f.path, from: from, folder: f,
                                   reason: moveReason(f, from: from)))
                if here == .directory, let o = observed.folders[f.path] { fixes += self.repairs(for: f, observed: o) }
                continue
            }
            let ours = record != nil && (record!.path == f.path)
            switch here {
            case nil:
                creations.append(.init(kind: .create, key: f.key, spaceKind: f.kind, path: f.path, folder: f,
                                       reason: ours ? Reason("\(describe(f)) : le dossier avait disparu, il est recréé",
                                                             "\(f.kind.rawValue) \(f.name): the folder had gone, created again")
                                                    : createReason(f, accounts: accounts)))
            case .directory? where ours:
                fixes += self.repairs(for: f, observed: observed.folders[f.path]!)
                fixes += fileRepairs(for: f, observed: observed)
            case .directory? where freed.contains(f.path):
                // The space of a deleted account stands there; once archived and removed, this one is created.
                creations.append(.init(kind: .create, key: f.key, spaceKind: f.kind, path: f.path, folder: f,
                                       reason: createReason(f, accounts: accounts)))
            case .directory?:
                findings.append(.init(kind: .conflict, path: f.path, reason: Reason(
                    "un dossier que Bascule n'a pas créé occupe la place de \(describe(f)) : laissé tel quel, l'espace n'est pas créé",
                    "a folder Bascule did not create stands where the \(f.kind.rawValue) space \(f.name) must be: left alone, space not created")))
                skip()
                continue
            case let t?:
                findings.append(blocking(f.path, t))
                skip()
                continue
            }
            if let subject = f.quotaSubject, let quota = f.quota, quotas.enforceable(subject), quotas.limit(subject) != quota {
                let now = quotas.limit(subject).map { SpaceQuotas.format($0) } ?? "aucun"
                quotaOps.append(.init(kind: .setQuota, key: f.key, spaceKind: f.kind, path: f.path, folder: f, reason: Reason(
                    "quota \(SpaceQuotas.format(quota)) (actuellement \(now))", "quota \(quota) bytes (now \(now))")))
            }
        }

        // Folders in Bascule's containers that Bascule did not create.
        let expected = Set(desired.folders.map(\.path))
        for (container, names) in observed.listings.sorted(by: { $0.key < $1.key }) where !isBlocked(container + "/x") {
            for name in names.sorted() {
                let path = "\(container)/\(name)"
                if expected.contains(path) || recordedPaths.contains(path) { continue }
                findings.append(.init(kind: .foreign, path: path, reason: Reason(
                    "Bascule n'a pas créé ce dossier : signalé, jamais modifié ni supprimé",
                    "Bascule did not create this folder: reported, never changed nor removed")))
            }
        }
        return SpacePlan(operations: containerOps + removals + moves + creations + fixes + quotaOps,
                         findings: findings, desired: desired.folders)
    }

    /// Owner and rights compared with what the folder must be.
    static func repairs(for f: DesiredFolder, observed o: ObservedFolder) -> [SpaceOperation] {
        var out: [SpaceOperation] = []
        if o.uid != f.uid || o.gid != f.gid {
            out.append(.init(kind: .fixOwner, key: f.key, spaceKind: f.kind, path: f.path, folder: f, reason: Reason(
                "propriétaire \(o.uid):\(o.gid) au lieu de \(f.uid):\(f.gid)", "owner \(o.uid):\(o.gid) instead of \(f.uid):\(f.gid)")))
        }
        let acl = o.acl ?? ACL([])
        if acl != f.acl || o.mode & 0o7777 != f.mode {
            let have = Set(acl.entries), want = Set(f.acl.entries)
            var diff = want.subtracting(have).sorted().map { "+\($0)" } + have.subtracting(want).sorted().map { "−\($0)" }
            if o.mode & 0o7777 != f.mode { diff.append("mode \(String(o.mode & 0o7777, radix: 8)) → \(String(f.mode, radix: 8))") }
            out.append(.init(kind: .fixPermissions, key: f.key, spaceKind: f.kind, path: f.path, folder: f, reason: Reason(
                "droits différents de ceux de Bascule, remis : \(diff.joined(separator: " "))",
                "rights differ from Bascule's, set again: \(diff.joined(separator: " "))")))
        }
        return out
    }

    /// Spaces whose files carry the space's readers: a reader added to the folder must read the
    /// sheets already there, and one removed must keep no entry on them.
    public static let filesFollowFolder: Set<SpaceKind> = [.referents]

    /// Each file of such a space whose ACL or mode is not the space's readers' (``DesiredSpaces/fileACL(in:)``).
    static func fileRepairs(for f: DesiredFolder, observed: ObservedTree) -> [SpaceOperation] {
        guard filesFollowFolder.contains(f.kind) else { return [] }
        let want = DesiredSpaces.fileACL(in: f)
        return observed.files.filter { $0.key.hasPrefix(f.path + "/") }.sorted { $0.key < $1.key }.compactMap { path, o in
            guard o.acl != want || o.mode & 0o7777 != want.modeBits else { return nil }
            let name = String(path.dropFirst(f.path.count + 1))
            let file = DesiredFolder(key: f.key, kind: f.kind, path: path, name: name, uid: o.uid, gid: o.gid, acl: want)
            let have = Set((o.acl ?? ACL([])).entries), wanted = Set(want.entries)
            let diff = wanted.subtracting(have).sorted().map { "+\($0)" } + have.subtracting(wanted).sorted().map { "−\($0)" }
            return SpaceOperation(kind: .fixPermissions, key: f.key, spaceKind: f.kind, path: path, folder: file, reason: Reason(
                "fichier \(name) : mêmes lecteurs que \(f.name), remis : \(diff.joined(separator: " "))",
                "file \(name): same readers as \(f.name), set again: \(diff.joined(separator: " "))"))
        }
    }

    static func blocking(_ path: String, _ type: ObservedFolder.FileType) -> SpaceFinding {
        type == .symlink
            ? SpaceFinding(kind: .symlink, path: path, reason: Reason(
                "lien symbolique à la place d'un dossier : jamais suivi, rien n'est fait dessous",
                "symbolic link where a folder should be: never followed, nothing done beneath"))
            : SpaceFinding(kind: .notAFolder, path: path, reason: Reason(
                "ce n'est pas un dossier : laissé tel quel, rien n'est fait dessous",
                "not a folder: left alone, nothing done beneath"))
    }

    public static func spaceKind(ofKey key: String) -> SpaceKind {
        let head = key.split(separator: ":", maxSplits: 1).first.map(String.init) ?? key
        return SpaceKind(rawValue: head) ?? .container
    }

    static func describe(_ f: DesiredFolder) -> String {
        switch f.kind {
        case .personal: "l'espace personnel de \(f.name)"
        case .classSpace: "l'espace de la classe \(f.name)"
        case .group: "l'espace du groupe \(f.name)"
        case .subject: "l'espace de la matière \(f.name)"
        case .staffRoom: "la salle des professeurs"
        case .mediaprof: "Mediaprof"
        case .common: "l'espace commun"
        case .referents: "l'espace des référents (ReferentsInformatique)"
        case .container: "le dossier \(f.path)"
        case .studentsFolder: "le dossier des travaux d'élèves de \(f.name)"
        case .studentWork: "le dossier de travaux de \(f.name) dans \(holder(f.path))"
        }
    }

    /// The class, group or Commun whose `Travaux_eleves` holds `path`.
    static func holder(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count >= 3 ? String(parts[parts.count - 3]) : path
    }

    static func createReason(_ f: DesiredFolder, accounts: [String: Account]) -> Reason {
        switch f.kind {
        case .personal:
            let role = accounts[String(f.key.dropFirst("perso:".count))].map { " (\($0.kind.french))" } ?? ""
            return Reason("espace personnel de \(f.name)\(role)", "personal space of \(f.name)")
        default:
            return Reason(describe(f).prefix(1).uppercased() + describe(f).dropFirst(), "\(f.kind.rawValue) space \(f.name)")
        }
    }

    static func moveReason(_ f: DesiredFolder, from: String) -> Reason {
        let old = from.split(separator: "/").last.map(String.init) ?? from
        // A student's work folder is root's: the account is its named user.
        let uid = f.kind == .studentWork ? (f.access.first { $0.kind == "user" }?.id ?? f.uid) : f.uid
        return Reason("identifiant renommé \(old) → \(f.name) : le dossier suit le compte (même uidNumber \(uid))",
                      "login renamed \(old) → \(f.name): the folder follows the account (same uidNumber \(uid))")
    }

    static func goneReason(key: String, accounts: [String: Account]) -> Reason {
        let kind = spaceKind(ofKey: key)
        let name = String(key.split(separator: ":", maxSplits: 1).last ?? "")
        if kind == .personal {
            if let a = accounts[name], a.status == .deleted {
                return Reason("compte \(a.login) supprimé le \(a.statusSince) : espace personnel archivé, archive vérifiée, puis supprimé",
                              "account \(a.login) deleted on \(a.statusSince): personal space archived, archive checked, then removed")
            }
            return Reason("compte absent de l'annuaire : espace personnel archivé, archive vérifiée, puis supprimé",
                          "account no longer in the directory: personal space archived, archive checked, then removed")
        }
        if kind == .studentWork {
            // travail-eleve:<space key>:<person id>
            let parts = name.split(separator: ":").map(String.init)
            let person = parts.last.flatMap { accounts[$0] }
            let who = person?.login ?? "l'élève"
            let whoEnglish = person?.login ?? "the student"
            let space = parts.count >= 3 ? parts[1] : parts.first ?? ""
            if let person, person.status == .deleted {
                return Reason("compte \(person.login) supprimé : son dossier de travaux dans \(space) est archivé, l'archive vérifiée, puis supprimé",
                              "account \(person.login) deleted: its work folder in \(space) archived, archive checked, then removed")
            }
            return Reason("\(who) n'est plus membre de \(space) : son dossier de travaux est archivé, l'archive vérifiée, puis supprimé",
                          "\(whoEnglish) is no longer a member of \(space): work folder archived, archive checked, then removed")
        }
        if kind == .studentsFolder {
            return Reason("l'espace qui le contient n'est plus voulu : archivé, archive vérifiée, puis supprimé",
                          "the space holding it is no longer wanted: archived, archive checked, then removed")
        }
        return Reason("le groupe \(name) n'existe plus : espace archivé, archive vérifiée, puis supprimé",
                      "group \(name) no longer exists: space archived, archive checked, then removed")
    }
}

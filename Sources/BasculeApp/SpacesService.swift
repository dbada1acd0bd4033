import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import Foundation

/// An archive a run made (or found already made by a run that was stopped before it removed
/// the folder).
public struct SpaceArchiveInfo: Sendable, Hashable, Codable {
    public var space: String
    public var folder: String
    public var archive: String
    public var manifest: String
    public var manifestSHA256: String
    public var files: Int
    public var bytes: Int64
    public var purgeOn: CivilDate
    /// An archive made by an earlier run, still holding everything the folder holds.
    public var reused: Bool
}

/// A failed operation: nothing else was done to that space.
public struct SpaceFailure: Sendable, Hashable, Codable {
    public var operation: String
    public var path: String
    public var error: String
}

/// What one `spaces sync` did (or, on a dry run, would do).
public struct SpacesSyncReport: Sendable, Encodable {
    public var uai: UAI
    public var root: String
    public var dryRun: Bool
    public var quotas: QuotaSupport
    public var operations: [SpaceOperation]
    public var findings: [SpaceFinding]
    public var archives: [SpaceArchiveInfo]
    public var failures: [SpaceFailure]
    /// Spaces of groups gone, kept until the calendar's clean-up window.
    public var waiting: [WaitingSpace] = []

    public var french: String {
        var lines = ["Espaces de \(uai) sous \(root) : \(operations.count) opération(s) \(dryRun ? "à faire" : "faites"), \(findings.count) constat(s), \(failures.count) échec(s)."]
        lines.append("  Quotas : \(quotas.reason.french).")
        for op in operations { lines.append("  \(op.french)") }
        for w in waiting { lines.append("  ⏸ \(w.french)") }
        for a in archives {
            lines.append("  archive \(a.archive) : \(a.files) fichier(s), \(SpaceQuotas.format(a.bytes)), gardée jusqu'au \(a.purgeOn)\(a.reused ? " (faite par une exécution précédente)" : "")")
        }
        for f in findings { lines.append("  ! \(f.french)") }
        for f in failures { lines.append("  ✗ \(f.operation) \(f.path) : \(f.error)") }
        return lines.joined(separator: "\n")
    }
}

/// One space as `bascule spaces` shows it: who owns it, who may use it, its quota and its use.
public struct SpaceUsageRow: Sendable, Encodable {
    public var key: String
    public var kind: SpaceKind
    public var name: String
    public var path: String
    public var owner: String
    public var ownerUid: Int
    public var group: String
    public var gid: Int
    public var access: [SpaceAccess]
    public var quota: Int64?
    /// Allocated bytes (hard links once); nil when the folder does not exist.
    public var used: Int64?
    /// Sum of file sizes (larger than `used` for sparse files).
    public var apparentSize: Int64?
    public var files: Int?
    public var overQuota: Bool
    /// The filesystem enforces this quota now (else it is only measured).
    public var quotaEnforced: Bool
    /// `present`, `absent` (to create), `conflict` (a foreign folder is there), `to-remove`.
    public var state: String
}

public struct SpacesUsageReport: Sendable, Encodable {
    public var uai: UAI
    public var root: String
    public var quotas: QuotaSupport
    public var spaces: [SpaceUsageRow]
    public var findings: [SpaceFinding]
    /// Operations `bascule spaces sync` would run now.
    public var pendingOperations: Int

    public var french: String {
        var lines = ["Espaces de \(uai) sous \(root) — quotas : \(quotas.reason.french)."]
        let over = spaces.filter(\.overQuota)
        lines.append("\(spaces.count) espace(s), \(over.count) au-dessus de leur quota\(pendingOperations > 0 ? ", \(pendingOperations) opération(s) en attente (bascule spaces sync)" : "").")
        for s in spaces {
            let used = s.used.map { SpaceQuotas.format($0) } ?? "—"
            let quota = s.quota.map { SpaceQuotas.format($0) } ?? "—"
            let flag = s.overQuota ? "  ⚠ AU-DESSUS DU QUOTA" : ""
            let enforced = s.quota == nil ? "" : (s.quotaEnforced ? " (appliqué)" : " (non appliqué)")
            let state = s.state == "present" ? "" : "  [\(Self.stateFrench(s.state))]"
            let who = s.access.map { "\($0.name) \($0.rights)" }.joined(separator: ", ")
            lines.append("  \(s.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(s.path)  \(used) / \(quota)\(enforced), \(s.files ?? 0) fichier(s) ; \(who)\(flag)\(state)")
        }
        for f in findings { lines.append("  ! \(f.french)") }
        return lines.joined(separator: "\n")
    }

    static func stateFrench(_ s: String) -> String {
        switch s {
        case "absent": "pas encore créé"
        case "conflict": "place prise par un dossier étranger"
        case "to-remove": "à archiver puis supprimer"
        default: s
        }
    }
}

/// A shared space the school cleans itself, described for it.
public struct SpaceListing: Sendable, Encodable {
    public var space: String
    public var path: String
    public var used: Int64
    public var apparentSize: Int64
    public var files: Int
    public var oldest: String?
    public var newest: String?
    /// The largest entries directly in the space, largest first.
    public var biggest: [Item]

    public struct Item: Sendable, Encodable {
        public var name: String
        public var bytes: Int64
    }

    public var french: String {
        var lines = ["  \(space) (\(path)) : \(SpaceQuotas.format(used)) sur le disque, \(files) fichier(s)"
            + (oldest.map { ", le plus ancien du \($0)" } ?? "") + (newest.map { ", le plus récent du \($0)" } ?? "")]
        if !biggest.isEmpty {
            lines.append("    les plus gros : " + biggest.map { "\($0.name) (\(SpaceQuotas.format($0.bytes)))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// What `spaces clean` did on a day: archives purged, a calendar window's clean-up, listings.
public struct SpacesCleanReport: Sendable, Encodable {
    public struct Window: Sendable, Encodable {
        public var entry: String
        public var label: String
        public var actor: CalendarActor
        public var from: CivilDate?
        public var until: CivilDate?
        /// `open`, `done`, `upcoming`, `past`.
        public var state: String
        public var doneOn: CivilDate?
        public var french: String
    }

    public struct Emptied: Sendable, Encodable {
        public var space: String
        public var path: String
        public var files: Int
        public var bytes: Int64
        public var archive: String?
    }

    public var uai: UAI
    public var date: CivilDate
    public var dryRun: Bool
    public var windows: [Window]
    public var emptied: [Emptied]
    public var listings: [SpaceListing]
    public var purged: [SpaceArchiveRow]
    public var failures: [SpaceFailure]

    public var french: String {
        var lines = ["Nettoyage des espaces de \(uai) au \(date)\(dryRun ? " (simulation : rien n'est modifié)" : "") :"]
        for w in windows { lines.append("  \(w.french)") }
        let verb = dryRun ? "à archiver puis vider" : "archivé puis vidé"
        for e in emptied {
            lines.append("  \(e.path) : \(verb) (\(e.files) fichier(s), \(SpaceQuotas.format(e.bytes)))\(e.archive.map { " → \($0)" } ?? "")")
        }
        if !listings.isEmpty {
            lines.append("  À l'attention de l'établissement, qui fait ce nettoyage lui-même :")
            lines += listings.map(\.french)
        }
        for p in purged {
            lines.append("  archive \(dryRun ? "à purger" : "purgée") : \(p.archivePath) (faite le \(p.createdOn), à garder jusqu'au \(p.purgeOn))")
        }
        for f in failures { lines.append("  ✗ \(f.operation) \(f.path) : \(f.error)") }
        return lines.joined(separator: "\n")
    }
}

/// Brings a school's file spaces to what its directory says, measures them, and cleans them
/// as the calendar says. Every change is audited (`espaces-*`); a run stopped anywhere is
/// finished by the next, since each starts by reading the tree again.
public struct SpacesService: Sendable {
    public let store: Store
    public let settings: SpacesSettings
    public let firstPosixNumber: Int

    public init(store: Store, settings: SpacesSettings, firstPosixNumber: Int = 100_000) {
        self.store = store
        self.settings = settings
        self.firstPosixNumber = firstPosixNumber
    }

    public var files: SpaceFiles { SpaceFiles(root: settings.root) }

    struct Context {
        var school: SchoolDirectory
        var desired: DesiredSpaces
        var records: [SpaceRecord]
        var support: QuotaSupport
        var accounts: [String: Account]
    }

    func context(uai: UAI, assignNumbers: Bool) async throws -> Context {
        let school = try await DirectorySyncService.school(store: store, uai: uai, firstPosixNumber: firstPosixNumber,
                                                            assignNumbers: assignNumbers)
        let support = QuotaTool.detect(root: settings.root)
        let referents = Set(try await store.rights(uai: uai).filter { $0.right == .rupn }.map(\.personID))
        var projects: [String: Int] = [:]
        if support.project {
            // Project ids come from the same never-reused numbers as uid and gid: unique on the host.
            let probe = DesiredSpaces(school: school, settings: settings)
            let keys = probe.folders.filter { $0.quota != nil && $0.kind != .container && $0.kind != .personal && !$0.kind.isInsideSpace }
                .map { "projet:\($0.key)" }
            let numbers = assignNumbers
                ? try await store.assignPosixNumbers(uai: uai, keys: keys, first: firstPosixNumber)
                : try await store.posixNumbers(uai: uai)
            for k in keys { if let n = numbers[k] { projects[String(k.dropFirst("projet:".count))] = n } }
        }
        let desired = DesiredSpaces(school: school, settings: settings, projectIDs: projects, referents: referents)
        let records = try await store.spaces(uai: uai).map { SpaceRecord(key: $0.key, path: $0.path, movingFrom: $0.movingFrom) }
        let accounts = Dictionary(school.accounts.map { ($0.account.personID, $0.account) }, uniquingKeysWith: { a, _ in a })
        return Context(school: school, desired: desired, records: records, support: support, accounts: accounts)
    }

    func plan(_ c: Context, uai: UAI) throws -> SpacePlan {
        let observed = try files.read(uai: uai, desired: c.desired.folders, records: c.records)
        return SpaceConvergence.plan(desired: c.desired, observed: observed, records: c.records, accounts: c.accounts,
                                     quotas: QuotaTool.state(c.support))
    }

    // MARK: - Read back, for bascule verify

    /// Every folder in the school's personal, class, group and subject containers, as
    /// `bascule verify` compares them with the exports: the owner on disk and the live account
    /// that uid was given to (a personal space), the groups its ACL names, and whether Bascule
    /// created it (the `spaces` table) or someone else did.
    public func observedSpaces(uai: UAI) async throws -> [ObservedSpace] {
        let c = try await context(uai: uai, assignNumbers: false)
        let recorded = Set(c.records.map(\.path))
        var loginByUID: [Int: String] = [:]
        for a in c.school.accounts where a.account.status != .deleted { loginByUID[a.uidNumber] = a.account.login }
        let containers: [(String, ObservedSpace.Kind)] = [(SpaceTree.personal, .personal), (SpaceTree.classes, .division),
                                                          (SpaceTree.groups, .group), (SpaceTree.subjects, .subject)]
        var found: [(relative: String, kind: ObservedSpace.Kind, name: String, folder: ObservedFolder)] = []
        for (container, kind) in containers {
            let parent = "\(uai.code)/\(container)"
            guard FileTree.stat(files.absolute(parent))?.type == .directory else { continue }
            for name in FileTree.names(in: files.absolute(parent)).sorted() {
                let relative = parent + "/" + name
                guard let folder = FileTree.stat(files.absolute(relative)) else { continue }
                // A subject's folder is named by its code; the verifier knows the subject by its group.
                found.append((relative, kind, kind == .subject ? DesiredSpaces.subjectPrefix + name : name, folder))
            }
        }
        let acls = try ACLTool.read(found.filter { $0.folder.type == .directory }.map { files.absolute($0.relative) })
        return found.map { f in
            let named = acls[files.absolute(f.relative)]?.entries.filter { $0.tag == .group && !$0.isDefault }.compactMap(\.id) ?? []
            return ObservedSpace(kind: f.kind, name: f.name, path: files.absolute(f.relative), ownerUID: f.folder.uid,
                                 ownerLogin: loginByUID[f.folder.uid], groupIDs: [f.folder.gid] + named,
                                 createdByBascule: recorded.contains(f.relative))
        }
    }

    // MARK: - Sync

    /// The referents' space alone (and the structure folders it stands in): made if missing, its
    /// readers and its sheets' readers set to the RUPNs of the day. What `bascule sheets` and
    /// `bascule rights grant|revoke` run, so that the sheets land in a folder only the RUPNs read,
    /// and a right granted or revoked opens or closes it at once.
    public func syncReferents(uai: UAI, date: CivilDate, actor: String = PlanningService.defaultActor,
                              now: @Sendable () -> Date = { Date() }) async throws -> SpacesSyncReport {
        try await sync(uai: uai, date: date, actor: actor, now: now, only: [SpaceKind.referents.rawValue])
    }

    /// The referents' space of a school: where the sheets go when spaces are configured.
    public func referentsFolder(uai: UAI) -> String { files.absolute("\(uai.code)/\(SpaceTree.referents)") }

    /// The referents' space brought in step (``syncReferents(uai:date:actor:now:)``), and where
    /// and with which ACL a sheet is written there. Nil folder when the space could not be made
    /// (the report says why): no sheet must then be written.
    public func referentsSpace(uai: UAI, date: CivilDate, actor: String = PlanningService.defaultActor,
                               now: @Sendable () -> Date = { Date() }) async throws -> (report: SpacesSyncReport, folder: SheetsService.SpaceFolder?) {
        let report = try await syncReferents(uai: uai, date: date, actor: actor, now: now)
        let c = try await context(uai: uai, assignNumbers: false)
        guard report.failures.isEmpty, let f = c.desired.folders.first(where: { $0.kind == .referents }),
              FileTree.stat(files.absolute(f.path))?.type == .directory,
              try await store.spaces(uai: uai).contains(where: { $0.key == f.key && $0.path == f.path }) else {
            return (report, nil)
        }
        return (report, SheetsService.SpaceFolder(path: files.absolute(f.path), fileACL: DesiredSpaces.fileACL(in: f)))
    }

    /// - Parameters:
    ///   - removals: whether the spaces of groups gone may go today (the calendar's clean-up
    ///     window); held when no calendar says.
    ///   - deletions: the mass-change guard on removals no applied plan decided.
    ///   - only: the spaces (keys) to bring in step, with the structure folders; nil for all.
    public func sync(uai: UAI, date: CivilDate, dryRun: Bool = false, removals: SharedSpaceRemovals = .held,
                     deletions: SyncDeletionGuard = .init(), actor: String = PlanningService.defaultActor,
                     now: @Sendable () -> Date = { Date() }, only: Set<String>? = nil) async throws -> SpacesSyncReport {
        try await SyncDeletionGuard.requireKnown(uai, store: store, target: settings.root)
        let c = try await context(uai: uai, assignNumbers: !dryRun)
        if !dryRun { try files.ensureRoot() }
        let whole = try plan(c, uai: uai)
        var (plan, waiting) = whole.holding(removals)
        if let only {
            let paths = c.desired.folders.filter { only.contains($0.key) }.map(\.path)
            plan.operations = plan.operations.filter { only.contains($0.key) || $0.spaceKind == .container }
            plan.findings = plan.findings.filter { f in paths.contains { f.path == $0 || f.path.hasPrefix($0 + "/") } }
            waiting = []
        }
        var report = SpacesSyncReport(uai: uai, root: settings.root, dryRun: dryRun, quotas: c.support,
                                      operations: plan.operations, findings: plan.findings, archives: [], failures: [],
                                      waiting: waiting)
        if dryRun { return report }
        if let confirmed = try await checkRemovals(plan, c, uai: uai, deletions: deletions, actor: actor, at: now()) {
            try await store.audit([confirmed])
        }
        func entry(_ event: String, _ target: String, _ reason: Reason, _ more: (String, String)? = nil) -> AuditEntry {
            AuditEntry(at: now().formatted(.iso8601), day: date, actor: actor, uai: uai, event: "espaces-\(event)", target: target,
                       french: reason.french + (more.map { " ; " + $0.0 } ?? ""), english: reason.english + (more.map { "; " + $0.1 } ?? ""),
                       planHash: nil)
        }
        // A space's creation is audited with its record, before the folder is made; one a stopped
        // run recorded and audited is made now without a second entry. Every other operation is
        // audited as soon as it is done, so a stopped run loses no more than the one under way.
        let creating = Set(try await store.spaces(uai: uai).filter(\.creating).map(\.key))
        var made: [String] = []
        for op in plan.operations {
            do {
                var more: (String, String)?
                switch op.kind {
                case .create:
                    if op.spaceKind == .container {
                        try files.create(op.folder!)
                    } else {
                        if !creating.contains(op.key) {
                            try await store.recordSpace(uai: uai, key: op.key, path: op.path, on: date, creating: true,
                                                        audit: [entry(op.kind.rawValue, op.path, op.reason)])
                        }
                        try files.create(op.folder!)
                        made.append(op.key)
                        continue
                    }
                case .move:
                    try await store.recordSpace(uai: uai, key: op.key, path: op.path, movingFrom: op.from, on: date)
                    try files.move(from: op.from!, to: op.path)
                    try await store.recordSpace(uai: uai, key: op.key, path: op.path, on: date)
                case .fixOwner:
                    try files.setOwner(op.folder!)
                case .fixPermissions:
                    try files.setPermissions(op.folder!)
                case .setQuota:
                    let f = op.folder!
                    try QuotaTool.apply(f.quotaSubject!, bytes: f.quota!, path: files.absolute(f.path), support: c.support)
                case .archiveRemove:
                    if let a = try await archive(uai: uai, key: op.key, kind: op.spaceKind, path: op.path, reason: op.reason,
                                                 date: date, now: now(), actor: actor) {
                        report.archives.append(a)
                        more = ("archive \(a.archive) (\(a.files) fichier(s), manifeste SHA-256 \(a.manifestSHA256.prefix(12)))",
                                "archive \(a.archive) (\(a.files) file(s))")
                    }
                    try files.remove(op.path)
                    try await store.forgetSpace(uai: uai, key: op.key)
                case .forget:
                    try await store.forgetSpace(uai: uai, key: op.key)
                }
                try await store.audit([entry(op.kind.rawValue, op.path, op.reason, more)])
            } catch let error as SpacesError {
                report.failures.append(SpaceFailure(operation: op.kind.rawValue, path: op.path, error: error.french))
            }
        }
        // Spaces a stopped run recorded and made: their folder stands, their creation is over.
        let standing = creating.filter { key in !whole.operations.contains { $0.key == key && $0.kind == .create } }
        try await store.spacesMade(uai: uai, keys: made + standing.sorted())
        try await store.audit(plan.findings.filter { $0.kind != .foreign }.map { entry($0.kind.rawValue, $0.path, $0.reason) })
        return report
    }


    /// The mass-change guard: a personal space goes with an account the store records as
    /// deleted, a group's with a group a plan deleted; anything else removed counts, and past
    /// 10 % of the spaces Bascule made, a person must confirm. What lies inside a space removed
    /// goes with it and is not counted again.
    func checkRemovals(_ plan: SpacePlan, _ c: Context, uai: UAI, deletions: SyncDeletionGuard, actor: String,
                       at: Date) async throws -> AuditEntry? {
        let removed = plan.operations.filter { $0.kind == .archiveRemove }
        guard !removed.isEmpty else { return nil }
        let planned = try await SyncDeletionGuard.planned(uai, store: store)
        let known = Set(c.accounts.keys)
        let unexplained = removed.filter { op in
            if removed.contains(where: { op.path.hasPrefix($0.path + "/") }) { return false }
            let name = String(op.key.split(separator: ":", maxSplits: 1).last ?? "")
            switch op.spaceKind {
            case .personal: return !planned.persons.contains(name)
            case .classSpace, .group, .subject: return !planned.groups.contains(name)
            case .studentWork:
                // A student's folder in a space goes when the account is deleted, or when a plan
                // took them out of the group: the store knows them either way.
                let person = String(op.key.split(separator: ":").last ?? "")
                return !(planned.persons.contains(person) || known.contains(person))
            default: return true
            }
        }
        // Counted in spaces, as people see them: the students' folders inside a space are part of it.
        let spaces = c.records.filter { r in !SpaceKind.allCases.contains { $0.isInsideSpace && r.key.hasPrefix($0.rawValue + ":") } }.count
        return try deletions.check(uai: uai, target: settings.root, unexplained: unexplained.filter { !$0.spaceKind.isInsideSpace }.map(\.path),
                                   total: spaces,
                                   event: "espaces-suppressions-confirmees", actor: actor, at: at)
    }

    /// Archives a space before it is removed or emptied. An archive an earlier run made of this
    /// space, which still holds every entry the folder holds (same size and date), is used again:
    /// a run stopped between archiving and removing does not archive twice.
    func archive(uai: UAI, key: String, kind: SpaceKind, path: String, reason: Reason, date: CivilDate, now: Date,
                 actor: String) async throws -> SpaceArchiveInfo? {
        let folder = files.absolute(path)
        try FileTree.checkNoSymlink(root: settings.root, relative: path)
        let current = try Archiver.inventory(folder, hashing: false)
        // Folders without a file or a link in them (a class's empty `Travaux_eleves`) keep nothing.
        guard current.contains(where: { $0.type != .directory }) else { return nil }
        for row in try await store.archives(uai: uai).reversed() where row.spaceKey == key && row.spacePath == folder {
            guard FileManager.default.fileExists(atPath: row.archivePath),
                  let data = FileManager.default.contents(atPath: row.manifestPath),
                  Archiver.sha256Hex(data) == row.manifestSHA256,
                  let manifest = try? JSONDecoder().decode(ArchiveManifest.self, from: data) else { continue }
            let held = Set(manifest.entries.map { Stamp($0) })
            if current.allSatisfy({ held.contains(Stamp($0)) }) {
                return SpaceArchiveInfo(space: key, folder: folder, archive: row.archivePath, manifest: row.manifestPath,
                                        manifestSHA256: row.manifestSHA256, files: row.fileCount, bytes: row.byteCount,
                                        purgeOn: row.purgeOn, reused: true)
            }
        }
        let name = "\(date)_\(kind.rawValue)-\(Self.fileSafe(String(path.split(separator: "/").last ?? "")))"
        guard let made = try Archiver.archive(folder: folder, into: "\(settings.archiveDirectory)/\(uai.code)", name: name, uai: uai,
                                              key: key, kind: kind, reason: reason, on: date, at: now) else { return nil }
        let purgeOn = date.adding(days: kind == .personal ? settings.personalArchiveRetentionDays : settings.archiveRetentionDays)
        try await store.recordArchive(SpaceArchiveRow(
            id: UUID().uuidString, uai: uai.code, spaceKey: key, spacePath: folder, reason: reason.french,
            archivePath: made.archivePath, manifestPath: made.manifestPath, manifestSHA256: made.manifestSHA256,
            fileCount: made.fileCount, byteCount: made.byteCount, createdOn: date, purgeOn: purgeOn))
        return SpaceArchiveInfo(space: key, folder: folder, archive: made.archivePath, manifest: made.manifestPath,
                                manifestSHA256: made.manifestSHA256, files: made.fileCount, bytes: made.byteCount,
                                purgeOn: purgeOn, reused: false)
    }

    /// What identifies an entry without reading it: path, type, size, date.
    struct Stamp: Hashable {
        var path: String, type: TreeEntry.Kind, size: Int64, mtime: String
        init(_ e: ArchiveManifest.Entry) { (path, type, size, mtime) = (e.pathBase64 ?? e.path, e.type, e.size, e.mtime) }
    }

    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    // MARK: - Report

    // MARK: - Report

    /// Every space the school must have, with its rights, quota and measured use.
    public func report(uai: UAI) async throws -> SpacesUsageReport {
        let c = try await context(uai: uai, assignNumbers: false)
        let observed = try files.read(uai: uai, desired: c.desired.folders, records: c.records)
        let quotaState = QuotaTool.state(c.support)
        let plan = SpaceConvergence.plan(desired: c.desired, observed: observed, records: c.records, accounts: c.accounts, quotas: quotaState)
        let conflicts = Set(plan.findings.filter { $0.kind == .conflict }.map(\.path))
        let recorded = Dictionary(c.records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let groupNames = Dictionary(c.school.groups.map { ($0.gidNumber, $0.group.name) }, uniquingKeysWith: { a, _ in a })
        let logins = Dictionary(c.school.accounts.map { ($0.uidNumber, $0.account.login) }, uniquingKeysWith: { a, _ in a })
        var rows: [SpaceUsageRow] = []
        // A student's folder is part of its space: measured with it, not listed on its own.
        for f in c.desired.folders where f.kind != .container && !f.kind.isInsideSpace {
            let ours = recorded[f.key]?.path == f.path
            let exists = observed.folders[f.path]?.type == .directory
            let usage = exists && ours ? try? files.measure(f.path) : nil
            let state = conflicts.contains(f.path) || (exists && !ours) ? "conflict" : (exists ? "present" : "absent")
            let enforced = state == "present" && f.quotaSubject.map { quotaState.enforceable($0) && quotaState.limit($0) == f.quota } == true
            rows.append(SpaceUsageRow(
                key: f.key, kind: f.kind, name: f.name, path: files.absolute(f.path), owner: f.uid == 0 ? "root" : (logins[f.uid] ?? String(f.uid)),
                ownerUid: f.uid, group: groupNames[f.gid] ?? String(f.gid), gid: f.gid, access: f.access, quota: f.quota,
                used: usage?.allocated, apparentSize: usage?.apparent, files: usage?.files,
                overQuota: (usage?.allocated ?? 0) > (f.quota ?? .max), quotaEnforced: enforced, state: state))
        }
        for op in plan.operations where op.kind == .archiveRemove && !op.spaceKind.isInsideSpace {
            let usage = try? files.measure(op.path)
            rows.append(SpaceUsageRow(
                key: op.key, kind: op.spaceKind, name: String(op.path.split(separator: "/").last ?? ""), path: files.absolute(op.path),
                owner: "", ownerUid: observed.folders[op.path]?.uid ?? 0, group: "", gid: observed.folders[op.path]?.gid ?? 0, access: [],
                quota: nil, used: usage?.allocated, apparentSize: usage?.apparent, files: usage?.files, overQuota: false,
                quotaEnforced: false, state: "to-remove"))
        }
        return SpacesUsageReport(uai: uai, root: settings.root, quotas: c.support, spaces: rows, findings: plan.findings,
                                 pendingOperations: plan.operations.count)
    }

    // MARK: - Clean

    /// Kinds the department empties in its window (classes, options, Commun), after archiving them.
    public static let departmentCleaned: Set<SpaceKind> = [.classSpace, .group, .common]
    /// Kinds the school cleans itself: Bascule only describes them.
    public static let schoolCleaned: [SpaceKind] = [.staffRoom, .mediaprof]
    /// The calendar entries that are the spaces' (by id, which calendar files keep from year to
    /// year; other `nettoyage` entries, such as the old import files', belong to other commands).
    public static let departmentCleanupEntry = "nettoyage-classes-commun"
    public static let schoolCleanupEntry = "nettoyage-salle-des-profs-mediaprof"

    /// Purges archives past their retention; in the department's clean-up window
    /// (`nettoyage-classes-commun`, once per school year), archives then empties class, group
    /// and Commun spaces; in the school's (`nettoyage-salle-des-profs-mediaprof`), describes the
    /// staff room and Mediaprof for it. Outside a window, says when.
    /// - Parameter following: the next rollover's calendar, to say when a window already past
    ///   comes again.
    public func clean(uai: UAI, date: CivilDate, calendar: SchoolCalendar, following: SchoolCalendar? = nil, dryRun: Bool = false,
                      actor: String = PlanningService.defaultActor, now: @Sendable () -> Date = { Date() }) async throws -> SpacesCleanReport {
        var report = SpacesCleanReport(uai: uai, date: date, dryRun: dryRun, windows: [], emptied: [], listings: [], purged: [], failures: [])
        var audit: [AuditEntry] = []
        func entry(_ event: String, _ target: String, _ french: String, _ english: String) -> AuditEntry {
            AuditEntry(at: now().formatted(.iso8601), day: date, actor: actor, uai: uai, event: "espaces-\(event)", target: target,
                       french: french, english: english, planHash: nil)
        }
        // Archives past their retention.
        for row in try await store.archives(uai: uai) where row.purgeOn <= date {
            report.purged.append(row)
            if dryRun { continue }
            do {
                try Archiver.purge(archivePath: row.archivePath, manifestPath: row.manifestPath)
                try await store.markArchivePurged(id: row.id, on: date)
                audit.append(entry("purge-archive", row.archivePath,
                                   "archive de \(row.spacePath) faite le \(row.createdOn), conservation terminée le \(row.purgeOn) : supprimée",
                                   "archive of \(row.spacePath) made on \(row.createdOn), kept until \(row.purgeOn): removed"))
            } catch let error as SpacesError {
                report.failures.append(SpaceFailure(operation: "purge-archive", path: row.archivePath, error: error.french))
            }
        }

        let records = try await store.spaces(uai: uai)
        for e in calendar.entries where [Self.departmentCleanupEntry, Self.schoolCleanupEntry].contains(e.id) {
            let open = e.isInForce(on: date)
            let doneOn = try await store.cleanupDone(uai: uai, entry: e.id, year: calendar.year)
            let span = "du \(e.from?.description ?? "…") au \(e.until?.description ?? "…")"
            var window = SpacesCleanReport.Window(entry: e.id, label: e.labelFrench, actor: e.actor, from: e.from, until: e.until,
                                                  state: open ? "open" : (e.window.startsAfter(date) ? "upcoming" : "past"),
                                                  doneOn: doneOn, french: "")
            let schoolsOwn = e.id == Self.schoolCleanupEntry
            let what = schoolsOwn ? "liste pour l'établissement le contenu de la salle des professeurs et de Mediaprof"
                                  : "archive puis vide les espaces classes, groupes et Commun"
            switch (open, doneOn) {
            case (_, let done?) where !schoolsOwn:
                window.state = "done"
                window.french = "\(e.labelFrench) (\(span)) : fait le \(done) pour \(calendar.year)."
            case (true, _):
                window.french = "\(e.labelFrench) (\(span), \(e.actor.label)) : fenêtre ouverte, Bascule \(what)."
            case (false, _) where e.window.startsAfter(date):
                window.french = "\(e.labelFrench) : prévu \(span) (dans \(e.from!.dayNumber - date.dayNumber) jour(s)) ; Bascule \(what)."
            default:
                let next = following?.entry(e.id).flatMap { n in n.from.map { "du \($0) au \(n.until?.description ?? "…")" } }
                window.french = "\(e.labelFrench) : fenêtre passée (\(span))\(schoolsOwn ? "" : ", pas faite pour \(calendar.year)")"
                    + (next.map { " ; prochaine fenêtre \($0), Bascule \(what) alors." } ?? ".")
            }
            report.windows.append(window)
            guard open else { continue }

            if schoolsOwn {
                let described = Self.schoolCleaned.flatMap { kind in records.filter { SpaceConvergence.spaceKind(ofKey: $0.key) == kind } }
                for r in described {
                    guard FileTree.stat(files.absolute(r.path))?.type == .directory, let u = try? files.measure(r.path) else { continue }
                    let format = { (t: Int64?) in t.map { CivilDate.from(epoch: $0).description } }
                    report.listings.append(SpaceListing(
                        space: SpaceConvergence.spaceKind(ofKey: r.key).french, path: files.absolute(r.path), used: u.allocated,
                        apparentSize: u.apparent, files: u.files, oldest: format(u.oldest), newest: format(u.newest),
                        biggest: u.topLevel.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
                            .map { SpaceListing.Item(name: $0.key, bytes: $0.value) }))
                }
                continue
            }
            guard doneOn == nil else { continue }
            var failed = false
            // The students' folders Bascule keeps in a space (`Travaux_eleves/<login>`): emptied
            // with it, then made again at once, so that the space keeps its shape and its rights.
            var structure: [DesiredFolder]?
            for r in records where Self.departmentCleaned.contains(SpaceConvergence.spaceKind(ofKey: r.key)) {
                guard FileTree.stat(files.absolute(r.path))?.type == .directory else { continue }
                let kind = SpaceConvergence.spaceKind(ofKey: r.key)
                let inside = records.filter { $0.path.hasPrefix(r.path + "/") }.count
                do {
                    let usage = try files.measure(r.path)
                    guard usage.files + usage.symlinks > 0 || usage.directories > inside else { continue }
                    if dryRun {
                        report.emptied.append(.init(space: r.key, path: files.absolute(r.path), files: usage.files, bytes: usage.allocated, archive: nil))
                        continue
                    }
                    let reason = Reason("\(e.labelFrench) (\(e.id), \(calendar.year)) : archivé puis vidé",
                                        "\(e.labelEnglish) (\(e.id), \(calendar.year)): archived then emptied")
                    let a = try await archive(uai: uai, key: r.key, kind: kind, path: r.path, reason: reason, date: date, now: now(), actor: actor)
                    try files.empty(r.path)
                    if inside > 0 {
                        if structure == nil { structure = try await context(uai: uai, assignNumbers: false).desired.folders }
                        let kept = Set(records.map(\.key))
                        for f in structure! where f.kind.isInsideSpace && f.path.hasPrefix(r.path + "/") && kept.contains(f.key) {
                            try files.create(f)
                        }
                    }
                    report.emptied.append(.init(space: r.key, path: files.absolute(r.path), files: usage.files, bytes: usage.allocated,
                                                archive: a?.archive))
                    audit.append(entry("archive-empty", r.path, reason.french + (a.map { " ; archive \($0.archive)" } ?? ""),
                                       reason.english + (a.map { "; archive \($0.archive)" } ?? "")))
                } catch let error as SpacesError {
                    failed = true
                    report.failures.append(SpaceFailure(operation: "archive-empty", path: files.absolute(r.path), error: error.french))
                }
            }
            // Done once: only when every space was archived and emptied; a failure is retried the next day.
            if !dryRun && !failed {
                try await store.recordCleanup(uai: uai, entry: e.id, year: calendar.year, on: date)
                audit.append(entry("cleanup", e.id, "\(e.labelFrench) fait pour \(calendar.year) : \(report.emptied.count) espace(s) archivé(s) puis vidé(s)",
                                   "\(e.labelEnglish) done for \(calendar.year): \(report.emptied.count) space(s) archived then emptied"))
            }
        }
        try await store.audit(audit)
        return report
    }
}

extension CivilDate {
    /// The UTC day of a Unix time.
    static func from(epoch seconds: Int64) -> CivilDate {
        CivilDate(dayNumber: CivilDate(year: 1970, month: 1, day: 1)!.dayNumber + Int(seconds.dividedFloor(by: 86_400)))
    }
}

extension Int64 {
    fileprivate func dividedFloor(by d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
}


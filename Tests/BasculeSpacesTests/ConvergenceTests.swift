import BasculeDomain
import BasculeLDAP
@testable import BasculeSpaces
import Foundation
import Testing

@Suite("What a sync does, from what the tree holds (pure)")
struct ConvergenceTests {
    let desired = DesiredSpaces(school: Tiny.school, settings: Tiny.settings)

    /// The tree exactly as Bascule wants it, every space recorded.
    var converged: (ObservedTree, [SpaceRecord]) {
        var tree = ObservedTree()
        for f in desired.folders {
            tree.folders[f.path] = ObservedFolder(type: .directory, uid: f.uid, gid: f.gid, mode: f.mode, acl: f.acl)
        }
        for c in desired.folders where c.kind == .container {
            tree.listings[c.path] = desired.folders.filter { ($0.path as NSString).deletingLastPathComponent == c.path }
                .map { ($0.path as NSString).lastPathComponent }
        }
        let records = desired.folders.filter { $0.kind != .container }.map { SpaceRecord(key: $0.key, path: $0.path) }
        return (tree, records)
    }

    @Test("An empty tree: containers first, then every space created")
    func fromNothing() {
        let accounts = Dictionary(Tiny.school.accounts.map { ($0.account.personID, $0.account) }, uniquingKeysWith: { a, _ in a })
        let plan = SpaceConvergence.plan(desired: desired, observed: ObservedTree(), records: [], accounts: accounts)
        #expect(plan.operations.allSatisfy { $0.kind == .create })
        #expect(plan.operations.count == desired.folders.count)
        #expect(plan.operations.prefix(5).allSatisfy { $0.spaceKind == .container })
        #expect(plan.operations.first { $0.path.hasSuffix("perso/alice") }?.reason.french == "espace personnel de alice (élève)")
        #expect(plan.findings.isEmpty)
    }

    @Test("A converged tree: nothing to do; an ACL, a mode or an owner changed by hand is set back")
    func drift() {
        let (tree, records) = converged
        #expect(SpaceConvergence.plan(desired: desired, observed: tree, records: records).operations.isEmpty)
        var edited = tree
        edited.folders["0860001X/classes/6A"]!.acl = Tiny.acl("user::rwx,group::rwx,group:2003:rwx,group:9999:rwx,mask::rwx,other::r-x")
        edited.folders["0860001X/perso/bob"]!.uid = 0
        edited.folders["0860001X/Commun"]!.mode = 0o770
        let ops = SpaceConvergence.plan(desired: desired, observed: edited, records: records).operations
        #expect(Set(ops.map { "\($0.kind.rawValue) \($0.path)" })
                == ["fix-permissions 0860001X/classes/6A", "fix-owner 0860001X/perso/bob", "fix-permissions 0860001X/Commun"])
        let acl = ops.first { $0.path.hasSuffix("6A") }!.reason.french
        #expect(acl.contains("−group:9999:rwx") && acl.contains("+default:group:2003:rwx") && acl.contains("−other::r-x"))
        #expect(ops.first { $0.path.hasSuffix("Commun") }!.reason.french.contains("mode 770 → 2770"))
    }

    @Test("Students' folders: one that left the class is archived then removed; those inside a removed space are only forgotten; nothing is made inside a folder Bascule did not create")
    func studentFolders() {
        let (tree, records) = converged
        var school = Tiny.school
        // bob leaves 6ESP1; 6B is gone.
        school.groups = school.groups.compactMap { g in
            if g.group.name == "6B" || g.group.name == "equipe-6B" { return nil }
            var g = g
            if g.group.name == "6ESP1" { g.group.members.remove("bob") }
            return g
        }
        let accounts = Dictionary(school.accounts.map { ($0.account.personID, $0.account) }, uniquingKeysWith: { a, _ in a })
        let after = DesiredSpaces(school: school, settings: Tiny.settings)
        let plan = SpaceConvergence.plan(desired: after, observed: tree, records: records, accounts: accounts)
        let ops = Set(plan.operations.map { "\($0.kind.rawValue) \($0.path)" })
        #expect(ops == ["archive-remove 0860001X/groupes/6ESP1/Travaux_eleves/bob", "archive-remove 0860001X/classes/6B",
                        "forget 0860001X/classes/6B/Travaux_eleves", "forget 0860001X/classes/6B/Travaux_eleves/bob"], "\(ops)")
        #expect(plan.operations.first { $0.path.hasSuffix("6ESP1/Travaux_eleves/bob") }?.reason.french
                == "bob n'est plus membre de 6ESP1 : son dossier de travaux est archivé, l'archive vérifiée, puis supprimé")

        // A class folder someone else made: a conflict, and nothing created inside it.
        var foreignClass = tree
        let unrecorded = records.filter { !$0.path.hasPrefix("0860001X/classes/6A") }
        for path in foreignClass.folders.keys where path.hasPrefix("0860001X/classes/6A/") { foreignClass.folders[path] = nil }
        let blocked = SpaceConvergence.plan(desired: desired, observed: foreignClass, records: unrecorded)
        #expect(blocked.operations.isEmpty, "\(blocked.operations.map(\.french))")
        #expect(blocked.findings.map { "\($0.kind.rawValue) \($0.path)" } == ["conflict 0860001X/classes/6A"])
    }

    @Test("Folders Bascule did not create are reported, and one standing where a space must be blocks it")
    func foreign() {
        var (tree, records) = converged
        tree.listings["0860001X/classes", default: []].append("ancienne-5C")
        tree.listings["0860001X", default: []].append("scripts")
        records.removeAll { $0.path == "0860001X/perso/bob" }
        let plan = SpaceConvergence.plan(desired: desired, observed: tree, records: records)
        #expect(plan.operations.isEmpty, "nothing done to any of them")
        #expect(Set(plan.findings.map { "\($0.kind.rawValue) \($0.path)" })
                == ["foreign 0860001X/classes/ancienne-5C", "foreign 0860001X/scripts", "conflict 0860001X/perso/bob"])
    }

    @Test("A renamed login moves its folder; an unfinished move is finished; a moved-to place already taken is reported")
    func moves() {
        var (tree, records) = converged
        tree.folders["0860001X/perso/alice-old"] = tree.folders.removeValue(forKey: "0860001X/perso/alice")
        records = records.map { $0.key == "perso:p1" ? SpaceRecord(key: "perso:p1", path: "0860001X/perso/alice-old") : $0 }
        let plan = SpaceConvergence.plan(desired: desired, observed: tree, records: records)
        #expect(plan.operations.map(\.kind) == [.move])
        #expect(plan.operations[0].from == "0860001X/perso/alice-old" && plan.operations[0].path == "0860001X/perso/alice")
        #expect(plan.operations[0].reason.french.contains("alice-old → alice") && plan.findings.isEmpty)

        let resumed = records.map { $0.key == "perso:p1" ? SpaceRecord(key: "perso:p1", path: "0860001X/perso/alice", movingFrom: "0860001X/perso/alice-old") : $0 }
        #expect(SpaceConvergence.plan(desired: desired, observed: tree, records: resumed).operations.map(\.kind) == [.move])

        tree.folders["0860001X/perso/alice"] = ObservedFolder(type: .directory)
        let taken = SpaceConvergence.plan(desired: desired, observed: tree, records: records)
        #expect(taken.operations.isEmpty && taken.findings.map(\.kind) == [.conflict])
    }

    @Test("A deleted account's space is archived then removed, before a new space takes its place; a space already gone is forgotten")
    func removals() {
        var (tree, records) = converged
        tree.folders["0860001X/perso/gone"] = ObservedFolder(type: .directory, uid: 1005)
        records.append(SpaceRecord(key: "perso:p5", path: "0860001X/perso/gone"))
        records.append(SpaceRecord(key: "classe:5Z", path: "0860001X/classes/5Z"))
        // A newcomer given the login `alice` again, years later, where the old space still stands.
        records = records.map { $0.key == "perso:p1" ? SpaceRecord(key: "perso:p0", path: $0.path) : $0 }
        let accounts = Dictionary(Tiny.school.accounts.map { ($0.account.personID, $0.account) }, uniquingKeysWith: { a, _ in a })
        let plan = SpaceConvergence.plan(desired: desired, observed: tree, records: records, accounts: accounts)
        #expect(plan.operations.map { "\($0.kind.rawValue) \($0.path)" } == [
            "forget 0860001X/classes/5Z", "archive-remove 0860001X/perso/alice", "archive-remove 0860001X/perso/gone",
            "create 0860001X/perso/alice",
        ])
        #expect(plan.operations[2].reason.french == "compte gone supprimé le 2026-09-03 : espace personnel archivé, archive vérifiée, puis supprimé")
        #expect(plan.operations[1].reason.french.hasPrefix("compte absent de l'annuaire"))
    }

    @Test("A symbolic link is never followed: nothing is done beneath it")
    func symlinks() {
        var (tree, records) = converged
        tree.folders["0860001X/classes"] = ObservedFolder(type: .symlink)
        tree.folders["0860001X/perso/bob"] = ObservedFolder(type: .symlink)
        let plan = SpaceConvergence.plan(desired: desired, observed: tree, records: records)
        #expect(plan.operations.isEmpty, "\(plan.operations.map(\.french))")
        #expect(Set(plan.findings.map { "\($0.kind.rawValue) \($0.path)" }) == ["symlink 0860001X/classes", "symlink 0860001X/perso/bob"])
        records.append(SpaceRecord(key: "perso:p5", path: "0860001X/perso/gone"))
        tree.folders["0860001X/perso/gone"] = ObservedFolder(type: .symlink)
        #expect(!SpaceConvergence.plan(desired: desired, observed: tree, records: records).operations.contains { $0.kind == .archiveRemove })
    }

    @Test("Quotas are set only where the filesystem enforces them, and only when they differ")
    func quotas() {
        let (tree, records) = converged
        let support = QuotaSupport(user: true, project: false, mountPoint: "/srv", filesystem: "ext4", reason: Reason("", ""))
        let plan = SpaceConvergence.plan(desired: desired, observed: tree, records: records,
                                         quotas: QuotaState(support: support, userLimits: [1001: 1 << 30, 1002: 1 << 20]))
        #expect(Set(plan.operations.map { "\($0.kind.rawValue) \($0.path)" })
                == ["set-quota 0860001X/perso/bob", "set-quota 0860001X/perso/prof", "set-quota 0860001X/perso/secr"])
        #expect(SpaceConvergence.plan(desired: desired, observed: tree, records: records).operations.isEmpty, "unsupported: none")
    }

    @Test("GNU tar's escaped names read back byte for byte")
    func tarNames() {
        #expect(Archiver.unescapeTar(Array("a\\\\b\\nc\\303\\251".utf8)) == Array("a\\b\nc\u{e9}".utf8))
    }
}

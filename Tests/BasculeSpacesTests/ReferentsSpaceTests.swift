import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("ReferentsInformatique: the credential sheets, for the RUPNs alone, checked by the kernel",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct ReferentsSpaceTests {
    @Test("A sheet in ReferentsInformatique is read by the RUPN's uid, not by a student's, another teacher's or the head's; a new RUPN reads the sheets already there; after revoke, the former RUPN reads nothing")
    func readByTheRUPNsAlone() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        #expect(try await rig.sync().failures.isEmpty)
        let school = try await rig.school()
        let people = try await PeopleQuery(store: rig.store).people(uai: rig.uai)
        let live = school.accounts.filter { $0.account.status == .active }
        func account(_ id: String?) -> ProvisionedAccount? { live.first { $0.account.personID == id } }
        let head = try #require(account(people.first { $0.function == "DIR" }?.id), "the generator's school has a head")
        let teachers = live.filter { $0.account.kind == .teacher }.sorted { $0.account.login < $1.account.login }
        let (rupn, other) = (teachers[0], teachers[1])
        let student = try #require(live.first { $0.account.kind == .student })
        let folder = rig.path(SpaceTree.referents)

        // Before anyone holds the right: root's alone.
        #expect(owner(folder) == Owner(uid: 0, gid: 0, mode: 0o700))
        #expect(try getfacl(folder) == ["user::rwx", "group::---", "other::---", "default:user::rwx", "default:group::---", "default:other::---"])

        let rights = RightsService(store: rig.store)
        try await rights.grant(uai: rig.uai, right: .rupn, to: rupn.account.login, by: head.account.login, on: rentree2025)
        let space = try await rig.service.referentsSpace(uai: rig.uai, date: rentree2025, actor: "test")
        #expect(space.report.operations.map { "\($0.kind.rawValue) \($0.path)" } == ["fix-permissions \(rig.uai.code)/\(SpaceTree.referents)"])
        let target = try #require(space.folder)
        #expect(target.path == folder)
        #expect(owner(folder) == Owner(uid: 0, gid: 0, mode: 0o750))
        #expect(try getfacl(folder) == ["user::rwx", "user:\(rupn.uidNumber):r-x", "group::---", "mask::r-x", "other::---",
                                        "default:user::rwx", "default:user:\(rupn.uidNumber):r-x", "default:group::---",
                                        "default:mask::r-x", "default:other::---"])

        let vault = try SheetVault(dataDirectory: rig.dir.path)
        let written = try await SheetsService(store: rig.store, vault: vault, dataDirectory: rig.dir.path)
            .write(uai: rig.uai, selection: .staff, since: nil, into: target)
        #expect(written.html.path == folder + "/fiches-personnels.html" && written.csv.path == folder + "/fiches-personnels.csv")
        #expect(try getfacl(written.csv.path) == ["user::rw-", "user:\(rupn.uidNumber):r--", "group::---", "mask::r--", "other::---"])
        #expect(!FileManager.default.fileExists(atPath: rig.dir.path + "/schools"), "nothing in the data folder")

        func read(_ p: ProvisionedAccount, _ path: String) -> Access {
            asUser(uid: p.uidNumber, gid: p.gidNumber, groups: gids(of: p.account.login, in: school), ["/usr/bin/cat", path])
        }
        for sheet in [written.html.path, written.csv.path] {
            #expect(read(rupn, sheet) == .allowed)
            #expect(read(student, sheet) == .denied)
            #expect(read(other, sheet) == .denied)
            #expect(read(head, sheet) == .denied, "the head reads the sheets once they give themselves the right, not by office")
        }
        #expect(asUser(uid: student.uidNumber, gid: student.gidNumber, groups: gids(of: student.account.login, in: school),
                       ["/usr/bin/ls", folder]) == .denied)

        // A second RUPN reads the sheets written before they got the right; then the first loses it.
        try await rights.grant(uai: rig.uai, right: .rupn, to: other.account.login, by: head.account.login, on: rentree2025)
        let granted = try await rig.service.syncReferents(uai: rig.uai, date: rentree2025, actor: "test")
        #expect(Set(granted.operations.map(\.path)) == ["\(rig.uai.code)/\(SpaceTree.referents)",
                                                        "\(rig.uai.code)/\(SpaceTree.referents)/fiches-personnels.csv",
                                                        "\(rig.uai.code)/\(SpaceTree.referents)/fiches-personnels.html"])
        #expect(read(other, written.csv.path) == .allowed)
        try await rights.revoke(uai: rig.uai, right: .rupn, from: rupn.account.login, by: head.account.login, on: rentree2025)
        let revoked = try await rig.service.syncReferents(uai: rig.uai, date: rentree2025, actor: "test")
        #expect(revoked.failures.isEmpty)
        for sheet in [written.html.path, written.csv.path] {
            #expect(read(rupn, sheet) == .denied, "a former RUPN reads nothing")
            #expect(read(other, sheet) == .allowed)
            #expect(!(try getfacl(sheet)).contains { $0.contains(":\(rupn.uidNumber):") }, "no entry left for the former RUPN")
        }
        let audited = try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-fix-permissions"))
        #expect(audited.contains { $0.target == "\(rig.uai.code)/\(SpaceTree.referents)/fiches-personnels.csv" })

        // A whole sync agrees: nothing left to do.
        let again = try await rig.sync()
        #expect(again.operations.isEmpty, "\(again.operations.map(\.french))")
    }

    @Test("A RUPN whose account is disabled (a right acts only from an active account) is no reader of the space")
    func disabledRUPNReadsNothing() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        try await rig.sync() // the numbers
        let school = try await rig.school()
        let teacher = try #require(school.accounts.first { $0.account.kind == .teacher && $0.account.status == .active })
        func desired(_ s: SchoolDirectory) throws -> DesiredFolder {
            try #require(DesiredSpaces(school: s, settings: rig.settings, referents: [teacher.account.personID]).folders
                .first { $0.kind == .referents })
        }
        #expect(try desired(school).acl.access.contains(ACLEntry(.user, teacher.uidNumber, .read)))
        var disabled = school
        disabled.accounts = school.accounts.map { p in
            var p = p
            if p.account.personID == teacher.account.personID { p.account.status = .disabled }
            return p
        }
        #expect(try desired(disabled).acl == ACL.make(owner: .all, group: .none, inherited: true))
    }
}

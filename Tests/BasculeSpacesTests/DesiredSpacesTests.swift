import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import Foundation
import Testing

/// A small school by hand: two classes with their teams, a language group with its team, a
/// subject group, the three role groups, a student per class, a teacher, an administrative
/// staff member, a deleted student.
enum Tiny {
    static let uai = UAI("0860001X")!
    static let day = CivilDate(year: 2026, month: 9, day: 3)!

    static func account(_ id: String, _ kind: PersonKind, _ login: String, _ status: AccountStatus = .active) -> Account {
        Account(personID: id, kind: kind, login: login, entLogin: login, name: PersonName(familyName: login, usageName: nil, firstName: "x"),
                status: status, statusSince: day)
    }

    static let groups: [(String, GroupKind, Set<String>, Int)] = [
        ("6A", .division, ["alice"], 2001), ("6B", .division, ["bob"], 2002),
        ("equipe-6A", .classTeam, ["prof"], 2003), ("equipe-6B", .classTeam, [], 2004),
        ("6ESP1", .group, ["alice", "bob"], 2005), ("equipe-6ESP1", .classTeam, ["prof"], 2006),
        ("matiere-MATHS", .subject, ["prof"], 2007),
        ("eleves", .role, ["alice", "bob"], 2010), ("profs", .role, ["prof"], 2011), ("administratifs", .role, ["secr"], 2012),
    ]

    static var school: SchoolDirectory {
        let accounts = [
            ProvisionedAccount(account: account("p1", .student, "alice"), uidNumber: 1001, gidNumber: 2010),
            ProvisionedAccount(account: account("p2", .student, "bob"), uidNumber: 1002, gidNumber: 2010),
            ProvisionedAccount(account: account("p3", .teacher, "prof"), uidNumber: 1003, gidNumber: 2011),
            ProvisionedAccount(account: account("p4", .staff, "secr"), uidNumber: 1004, gidNumber: 2012),
            ProvisionedAccount(account: account("p5", .student, "gone", .deleted), uidNumber: 1005, gidNumber: 2010),
        ]
        return SchoolDirectory(uai: uai, accounts: accounts,
                               groups: groups.map { ProvisionedGroup(group: DirectoryGroup(name: $0.0, kind: $0.1, members: $0.2), gidNumber: $0.3) })
    }

    static var settings: SpacesSettings { try! SpacesSettings(root: "/srv/espaces/", archiveDirectory: "/srv/archives") }

    static func acl(_ text: String) -> ACL { ACL.parse(getfacl: text.split(separator: ",").map { Substring($0) })! }
}

@Suite("The spaces a school must have, and their rights (pure)")
struct DesiredSpacesTests {
    let desired = DesiredSpaces(school: Tiny.school, settings: Tiny.settings)
    func folder(_ path: String) -> DesiredFolder? { desired.folders.first { $0.path == "0860001X/" + path || $0.path == path } }

    @Test("The ACL table: personal owner only; class and group: the team's, students read and each writes in their own folder; subject: its teachers; staff room: teachers and administrative staff; Mediaprof: teachers, students read; Commun: the staff's, students read, each writes in their own folder that all students read")
    func table() throws {
        let alice = try #require(folder("perso/alice"))
        #expect((alice.uid, alice.gid, alice.mode) == (1001, 2010, 0o700))
        #expect(alice.acl == Tiny.acl("user::rwx,group::---,other::---,default:user::rwx,default:group::---,default:other::---"))
        #expect(alice.quota == SpaceQuotas.gigabyte && alice.quotaSubject == .user(1001))
        #expect(folder("perso/prof")?.quota == 6 * SpaceQuotas.gigabyte)
        #expect(folder("perso/secr")?.quota == 6 * SpaceQuotas.gigabyte)
        #expect(folder("perso/gone") == nil, "a deleted account has no space")

        let c6A = try #require(folder("classes/6A"))
        #expect((c6A.uid, c6A.gid, c6A.mode) == (0, 2001, 0o2770))
        #expect(c6A.acl == Tiny.acl("user::rwx,group::r-x,group:2003:rwx,mask::rwx,other::---,default:user::rwx,default:group::r-x,default:group:2003:rwx,default:mask::rwx,default:other::---"))
        #expect(c6A.quota == 20 * SpaceQuotas.gigabyte)
        #expect(c6A.access.map(\.name) == ["6A", "equipe-6A"])
        let works = try #require(folder("classes/6A/Travaux_eleves"))
        #expect((works.kind, works.uid, works.gid, works.mode, works.quota) == (.studentsFolder, 0, 2001, 0o2770, nil))
        #expect(works.acl == c6A.acl, "students list it, the team writes")
        let aliceWork = try #require(folder("classes/6A/Travaux_eleves/alice"))
        #expect((aliceWork.kind, aliceWork.uid, aliceWork.gid, aliceWork.mode) == (.studentWork, 0, 2001, 0o2770))
        #expect(aliceWork.key == "travail-eleve:classe:6A:p1")
        #expect(aliceWork.acl == Tiny.acl("user::rwx,user:1001:rwx,group::---,group:2003:rwx,mask::rwx,other::---,default:user::rwx,default:user:1001:rwx,default:group::---,default:group:2003:rwx,default:mask::rwx,default:other::---"),
                "alice and the team; her classmates nothing")
        #expect(folder("classes/6B/Travaux_eleves/alice") == nil && folder("classes/6B/Travaux_eleves/bob") != nil)
        #expect(folder("groupes/6ESP1/Travaux_eleves/alice")?.acl.entries.contains(ACLEntry(.group, 2006, .all)) == true)
        #expect(folder("classes/6A/Travaux_eleves/prof") == nil && folder("matieres/MATHS/Travaux_eleves") == nil)

        let g = try #require(folder("groupes/6ESP1"))
        #expect(g.gid == 2005 && g.acl.entries.contains(ACLEntry(.group, 2006, .all)) && g.quota == 10 * SpaceQuotas.gigabyte)
        let maths = try #require(folder("matieres/MATHS"))
        #expect(maths.gid == 2007 && maths.acl.entries.filter { $0.id != nil }.isEmpty, "the subject's teachers only")

        let staffRoom = try #require(folder("Salle_des_profs"))
        #expect(staffRoom.gid == 2011 && staffRoom.acl.entries.contains(ACLEntry(.group, 2012, .all)))
        #expect(!staffRoom.acl.entries.contains { $0.id == 2010 }, "students have nothing in the staff room")
        let media = try #require(folder("Mediaprof"))
        #expect(media.gid == 2011 && media.acl.entries.contains(ACLEntry(.group, 2010, .read))
                && media.acl.entries.contains(ACLEntry(default: true, .group, 2010, .read)))
        let commun = try #require(folder("Commun"))
        #expect(commun.gid == 2010 && Set(commun.acl.access.compactMap(\.id)) == [2011, 2012])
        #expect(commun.acl.access.contains(ACLEntry(.group, nil, .read)), "students read the staff's documents")
        let bobCommun = try #require(folder("Commun/Travaux_eleves/bob"))
        #expect(bobCommun.acl == Tiny.acl("user::rwx,user:1002:rwx,group::r-x,group:2011:rwx,group:2012:rwx,mask::rwx,other::---,default:user::rwx,default:user:1002:rwx,default:group::r-x,default:group:2011:rwx,default:group:2012:rwx,default:mask::rwx,default:other::---"),
                "every student reads it, bob and the staff write")
        #expect(folder("Commun/Travaux_eleves/gone") == nil, "a deleted account has no folder")
        for f in desired.folders { #expect(f.acl.entries.contains(ACLEntry(.other, nil, .none)), "\(f.path): other has nothing") }
    }

    @Test("Containers: the school's folder is readable by its people only; perso/ lets them through without listing; matieres/ is the staff's")
    func containers() throws {
        let school = try #require(folder("0860001X"))
        #expect(school.kind == .container && school.uid == 0 && school.mode == 0o750)
        #expect(Set(school.acl.access.compactMap(\.id)) == [2010, 2011, 2012] && school.acl.defaults.isEmpty)
        let perso = try #require(folder("perso"))
        #expect(perso.acl.access.filter { $0.id != nil }.allSatisfy { $0.permissions == .traverse })
        let subjects = try #require(folder("matieres"))
        #expect(Set(subjects.acl.access.compactMap(\.id)) == [2011, 2012])
        #expect(desired.folders.prefix(5).allSatisfy { $0.kind == .container }, "containers first")
        #expect(Tiny.settings.root == "/srv/espaces")
    }

    @Test("A name that cannot be a folder, or a group without its number yet, is reported, not made")
    func unusable() {
        var school = Tiny.school
        school.groups.append(ProvisionedGroup(group: DirectoryGroup(name: "..", kind: .division), gidNumber: 2020))
        school.groups.append(ProvisionedGroup(group: DirectoryGroup(name: "3/1", kind: .division), gidNumber: 2021))
        school.groups.append(ProvisionedGroup(group: DirectoryGroup(name: "5C", kind: .division), gidNumber: 0))
        let d = DesiredSpaces(school: school, settings: Tiny.settings)
        #expect(d.findings.filter { $0.kind == .unusableName }.map(\.path).sorted() == ["0860001X/classes/..", "0860001X/classes/3/1"])
        #expect(d.findings.filter { $0.kind == .missingNumber }.map(\.path) == ["0860001X/classes/5C"])
        #expect(!d.folders.contains { $0.path.hasSuffix("/..") || $0.path.hasSuffix("5C") })
    }

    @Test("A class or group named like a role, a system group, or an option or a path for the system tools gets no folder")
    func hostileCodes() {
        var school = Tiny.school
        let hostile: [(String, GroupKind)] = [("-rf", .division), ("sudo", .division), ("Profs", .group), ("equipe-6A", .group),
                                              (".cache", .group), ("6A\nB", .division), ("matiere-..", .subject),
                                              (String(repeating: "6", count: 40), .division)]
        for (i, (name, kind)) in hostile.enumerated() {
            school.groups.append(ProvisionedGroup(group: DirectoryGroup(name: name, kind: kind, members: ["alice"]), gidNumber: 3000 + i))
        }
        let d = DesiredSpaces(school: school, settings: Tiny.settings)
        let refused = d.findings.filter { $0.kind == .unusableName }
        #expect(refused.count == hostile.count, "\(refused.map(\.path))")
        for (name, _) in hostile {
            let code = name.hasPrefix("matiere-") ? ".." : name
            #expect(!d.folders.contains { $0.name == code || $0.key.hasSuffix(":\(name)") }, "\(name) made a folder")
        }
        #expect(refused.contains { $0.path == "0860001X/classes/sudo" && $0.reason.french.contains("groupe du système") })
        #expect(refused.contains { $0.path == "0860001X/classes/-rf" && $0.reason.french.contains("tiret") })
        // The school's own spaces are still there.
        #expect(d.folders.contains { $0.path == "0860001X/classes/6A" } && d.folders.contains { $0.path == "0860001X/Salle_des_profs" })
    }

    @Test("The root must be absolute and not /, and the archives outside it")
    func roots() {
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "/", archiveDirectory: "/a") }
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "///", archiveDirectory: "/a") }
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "espaces", archiveDirectory: "/a") }
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "/srv/../etc", archiveDirectory: "/a") }
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "/srv/e", archiveDirectory: "/srv/e/archives") }
        #expect(throws: SpacesError.self) { try SpacesSettings(root: "/srv/e", archiveDirectory: "/a", archiveRetentionDays: 0) }
        #expect((try? SpacesSettings(root: "/srv/e", archiveDirectory: "/srv/e2")) != nil)
        #expect(SpacesError.unsafeRoot("/", "x").french.contains("Racine des espaces refusée (/)"))
    }

    @Test("The directory's homeDirectory is the personal space")
    func home() {
        let layout = DirectoryLayout(base: "dc=x", homeRoot: "/srv/espaces/")
        #expect(layout.home(login: "commun", uai: Tiny.uai) == "/srv/espaces/0860001X/perso/commun")
        #expect(Tiny.settings.absolute(folder("perso/alice")!.path) == layout.home(login: "alice", uai: Tiny.uai))
    }
}

@Suite("Sizes, ACL text and the quota tools' language (pure)")
struct QuotaAndACLTextTests {
    @Test("Sizes in Go and Mo, binary as setquota counts them")
    func sizes() {
        #expect(SpaceQuotas.parseSize("1Go") == 1 << 30)
        #expect(SpaceQuotas.parseSize(" 1,5 Go ") == 3 << 29)
        #expect(SpaceQuotas.parseSize("500Mo") == 500 << 20)
        #expect(SpaceQuotas.parseSize("2G") == 2 << 30 && SpaceQuotas.parseSize("750M") == 750 << 20)
        for bad in ["", "Go", "-1Go", "1To", "douze Go", "0Mo", "0,0000000001Go", "0,5Mo"] { #expect(SpaceQuotas.parseSize(bad) == nil, "\(bad)") }
        #expect(SpaceQuotas.format(20 << 30) == "20 Go" && SpaceQuotas.format(3 << 29) == "1,5 Go" && SpaceQuotas.format(4096) == "4 Ko")
        #expect(SpaceQuotas.memo.studentPersonal == 1 << 30 && SpaceQuotas.memo.teacherPersonal == 6 << 30)
        #expect([SpaceQuotas.memo.classSpace, SpaceQuotas.memo.subject, SpaceQuotas.memo.staffRoom].allSatisfy { $0 == 20 << 30 })
    }

    @Test("setquota is given 1 KiB blocks, soft = hard, no file limit, on the mount point")
    func setquotaArguments() {
        #expect(QuotaTool.setArguments(.user(100042), bytes: 1 << 30, mountPoint: "/srv")
                == ["-u", "100042", "1048576", "1048576", "0", "0", "/srv"])
        #expect(QuotaTool.setArguments(.project(100900), bytes: 1500, mountPoint: "/")
                == ["-P", "100900", "2", "2", "0", "0", "/"])
        #expect(QuotaTool.projectArguments(100900, path: "/srv/e/X/Commun") == ["-R", "-p", "100900", "+P", "/srv/e/X/Commun"])
    }

    @Test("repquota -n -p: hard block limits by id")
    func repquota() {
        let text = """
            *** Report for user quotas on device /dev/sdb1
            Block grace time: 7days; Inode grace time: 7days
                                    Block limits                File limits
            User            used    soft    hard  grace    used  soft  hard  grace
            ----------------------------------------------------------------------
            #0        --      20       0       0      0       2     0     0      0
            #100042   +-    2048 1048576 1048576 1788000000  10     0     0      0
            """
        #expect(QuotaTool.parseReport(text) == [100042: 1 << 30])
    }

    @Test("Quota support is decided from the mount options and quotaon, and said when missing")
    func support() {
        let plain = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n40 27 0:50 / /srv/e rw - tmpfs tmpfs rw\n"
        let none = QuotaSupport.decide(path: "/srv/data/espaces", mountinfo: plain, quotaonUser: "", quotaonProject: "")
        #expect(!none.user && !none.project && none.mountPoint == "/")
        #expect(none.reason.french.contains("quotas non appliqués") && none.reason.french.contains("usrquota"))
        let tmpfs = QuotaSupport.decide(path: "/srv/e/0860001X", mountinfo: plain, quotaonUser: "", quotaonProject: "")
        #expect(tmpfs.mountPoint == "/srv/e" && tmpfs.filesystem == "tmpfs")

        let quota = "27 1 254:0 / / rw - ext4 /dev/vda rw\n41 27 8:17 / /srv rw,relatime - ext4 /dev/sdb1 rw,usrquota,prjquota\n"
        let on = QuotaSupport.decide(path: "/srv/espaces", mountinfo: quota,
                                     quotaonUser: "user quota on /srv (/dev/sdb1) is on\n",
                                     quotaonProject: "project quota on /srv (/dev/sdb1) is off\n")
        #expect(on.user && !on.project && on.mountPoint == "/srv")
        #expect(on.reason.french.contains("espaces partagés : mesurés seulement"))
        let off = QuotaSupport.decide(path: "/srv/espaces", mountinfo: quota, quotaonUser: "user quota on /srv (/dev/sdb1) is off",
                                      quotaonProject: nil)
        #expect(!off.user && off.reason.french.contains("pas en service"))
        let noTools = QuotaSupport.decide(path: "/srv/espaces", mountinfo: quota, quotaonUser: nil, quotaonProject: nil)
        #expect(!noTools.user && noTools.reason.french.contains("paquet Debian quota"))
        let xfs = "27 1 254:0 / / rw - ext4 /dev/vda rw\n42 27 8:18 / /home\\040école rw - xfs /dev/sdc rw,attr2,usrquota,prjquota\n"
        let both = QuotaSupport.decide(path: "/home école/espaces", mountinfo: xfs, quotaonUser: "user quota on /home école (/dev/sdc) is on",
                                       quotaonProject: "project quota on /home école (/dev/sdc) is on")
        #expect(both.user && both.project && both.mountPoint == "/home école")
    }

    @Test("getfacl output is read block by block, names unescaped, effective-rights comments ignored")
    func getfaclParsing() {
        let text = """
            # file: /srv/e/X/classes/3e\\0401
            # owner: 0
            # group: 2001
            # flags: -s-
            user::rwx
            group::rwx
            group:2003:rwx\t#effective:r-x
            mask::rwx
            other::---
            default:user::rwx

            # file: /srv/e/X/perso/a\\\\b
            user::rwx
            group::---
            other::---

            """
        let acls = ACLTool.parse(text)
        #expect(acls.keys.sorted() == ["/srv/e/X/classes/3e 1", "/srv/e/X/perso/a\\b"])
        #expect(acls["/srv/e/X/classes/3e 1"]?.entries.count == 6)
        #expect(acls["/srv/e/X/classes/3e 1"]?.modeBits == 0o770)
        #expect(ACL.make(owner: .all, group: .none, inherited: false).description == "user::rwx,group::---,other::---")
        #expect(ACLTool.setArguments(ACL.make(owner: .all, group: .read, inherited: false), path: "/p")
                == ["--physical", "--remove-default", "--set", "user::rwx,group::r-x,other::---", "--", "/p"])
    }
}

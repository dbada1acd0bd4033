import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("A generated collège's spaces on a real folder tree, with setfacl, getfacl and tar",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct SpacesTests {
    @Test("The first sync creates every space with its owner and ACL; a class's students and team work in it, another class's students cannot, students never reach the staff room; a second sync does nothing")
    func created() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        let report = try await rig.sync()
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.findings.isEmpty, "\(report.findings.map(\.french))")
        #expect(report.operations.allSatisfy { $0.kind == .create })
        let school = try await rig.school()
        let live = school.accounts.filter { $0.account.status != .deleted }
        #expect(live.count > 100)
        for p in live {
            #expect(owner(rig.path("perso/\(p.account.login)")) == Owner(uid: p.uidNumber, gid: p.gidNumber, mode: 0o700), "\(p.account.login)")
        }
        let divisions = school.groups.filter { $0.group.kind == .division }.sorted { $0.group.name < $1.group.name }
        let (a, b) = (divisions[0], divisions[1])
        let team = try #require(school.groups.first { $0.group.name == "equipe-\(a.group.name)" })
        let classA = rig.path("classes/\(a.group.name)")
        #expect(owner(classA) == Owner(uid: 0, gid: a.gidNumber, mode: 0o2770))
        #expect(try getfacl(classA) == ["user::rwx", "group::r-x", "group:\(team.gidNumber):rwx", "mask::rwx", "other::---",
                                        "default:user::rwx", "default:group::r-x", "default:group:\(team.gidNumber):rwx",
                                        "default:mask::rwx", "default:other::---"])
        let pupil = try #require(live.first { a.group.members.contains($0.account.login) })
        let teacher = try #require(live.first { team.group.members.contains($0.account.login) })
        let other = try #require(live.first { b.group.members.contains($0.account.login) })
        #expect(try getfacl(rig.path("perso/\(pupil.account.login)"))
                == ["user::rwx", "group::---", "other::---", "default:user::rwx", "default:group::---", "default:other::---"])

        // The kernel checks the ACLs against the people's numbers: the host need not know them.
        func run(_ p: ProvisionedAccount, _ command: String...) -> Access {
            asUser(uid: p.uidNumber, gid: p.gidNumber, groups: gids(of: p.account.login, in: school), command)
        }
        let work = classA + "/Travaux_eleves/\(pupil.account.login)"
        #expect(run(pupil, "/usr/bin/touch", work + "/devoir.txt") == .allowed)
        #expect(run(teacher, "/bin/sh", "-c", "echo corrigé >> '\(work)/devoir.txt'") == .allowed, "a new file inherits the team's rights")
        #expect(run(other, "/usr/bin/ls", classA) == .denied, "another class's student cannot even list it")
        #expect(run(other, "/usr/bin/cat", work + "/devoir.txt") == .denied)
        #expect(run(pupil, "/usr/bin/ls", rig.path("Salle_des_profs")) == .denied)
        #expect(run(teacher, "/usr/bin/touch", rig.path("Salle_des_profs/compte-rendu.txt")) == .allowed)
        #expect(run(pupil, "/usr/bin/ls", rig.path("Mediaprof")) == .allowed && run(pupil, "/usr/bin/touch", rig.path("Mediaprof/x")) == .denied)
        #expect(run(teacher, "/usr/bin/touch", rig.path("Mediaprof/video.mp4")) == .allowed)
        #expect(run(pupil, "/usr/bin/touch", rig.path("Commun/Travaux_eleves/\(pupil.account.login)/affiche.txt")) == .allowed)
        #expect(run(teacher, "/usr/bin/touch", rig.path("Commun/b")) == .allowed)
        #expect(run(pupil, "/usr/bin/touch", rig.path("perso/\(pupil.account.login)/brouillon.txt")) == .allowed)
        #expect(run(other, "/usr/bin/ls", rig.path("perso/\(pupil.account.login)")) == .denied, "a personal space is its owner's alone")
        #expect(run(pupil, "/usr/bin/ls", rig.path("perso")) == .denied, "perso/ lets one through, not list everyone")
        #expect(run(pupil, "/usr/bin/ls", rig.path("matieres")) == .denied)
        #expect(asUser(uid: 4242, gid: 4242, groups: [], ["/usr/bin/ls", rig.path("")]) == .denied, "someone of another school sees nothing")

        // A subject's space: its teachers', nobody else's.
        let subject = try #require(school.groups.filter { $0.group.kind == .subject }.max { $0.group.members.count < $1.group.members.count })
        let code = String(subject.group.name.dropFirst("matiere-".count))
        let subjectSpace = rig.path("matieres/\(code)")
        #expect(owner(subjectSpace) == Owner(uid: 0, gid: subject.gidNumber, mode: 0o2770))
        let subjectTeacher = try #require(live.first { subject.group.members.contains($0.account.login) })
        let otherTeacher = try #require(live.first { $0.account.kind == .teacher && !subject.group.members.contains($0.account.login) })
        #expect(run(subjectTeacher, "/usr/bin/touch", subjectSpace + "/progression.odt") == .allowed)
        #expect(run(otherTeacher, "/usr/bin/ls", subjectSpace) == .denied && run(pupil, "/usr/bin/ls", subjectSpace) == .denied)
        #expect(run(otherTeacher, "/usr/bin/ls", rig.path("matieres")) == .allowed, "teachers see which subjects have a space")

        let audited = try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-create"))
        #expect(audited.count == report.operations.count)
        #expect(audited.contains { $0.target == "\(rig.uai.code)/classes/\(a.group.name)" && $0.french == "L'espace de la classe \(a.group.name)" })

        let again = try await rig.sync()
        #expect(again.operations.isEmpty, "\(again.operations.map(\.french))")
        #expect(again.findings.isEmpty && again.failures.isEmpty)
    }

    @Test("An ACL or owner changed by hand is put back and audited; a folder Bascule did not create is reported and left as it is")
    func drift() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        // A folder already standing where a space will go: never Bascule's.
        let school = try await rig.school()
        let squatted = try #require(school.accounts.first { $0.account.kind == .teacher }).account.login
        try FileManager.default.createDirectory(atPath: rig.path("perso/\(squatted)"), withIntermediateDirectories: true)
        try write(rig.path("perso/\(squatted)/ancien.txt"), bytes: 10)
        let first = try await rig.sync()
        #expect(first.findings.map { "\($0.kind.rawValue) \($0.path)" } == ["conflict \(rig.uai.code)/perso/\(squatted)"])
        let squattedACL = try getfacl(rig.path("perso/\(squatted)"))
        #expect(owner(rig.path("perso/\(squatted)"))?.uid == 0 && squattedACL.count == 3)

        let synced = try await rig.school()
        let division = try #require(synced.groups.first { $0.group.kind == .division }).group.name
        let classA = rig.path("classes/\(division)")
        let expected = try getfacl(classA)
        try ChildProcess.run("/usr/bin/setfacl", ["-m", "group:4242:rwx,other::r-x", classA])
        let student = try #require(synced.accounts.first { $0.account.kind == .student })
        let perso = rig.path("perso/\(student.account.login)")
        chown(perso, 0, 0)
        let foreign = rig.path("classes/ancienne-5C")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false)
        try write(foreign + "/notes.txt", bytes: 100)
        try ChildProcess.run("/usr/bin/setfacl", ["-m", "user:99:rwx", foreign])
        let foreignACL = try getfacl(foreign)
        try FileManager.default.createDirectory(atPath: rig.path("scripts"), withIntermediateDirectories: false)

        let report = try await rig.sync()
        #expect(Set(report.operations.map { "\($0.kind.rawValue) \($0.path)" })
                == ["fix-permissions \(rig.uai.code)/classes/\(division)", "fix-owner \(rig.uai.code)/perso/\(student.account.login)"])
        #expect(try getfacl(classA) == expected)
        #expect(owner(perso) == Owner(uid: student.uidNumber, gid: student.gidNumber, mode: 0o700))
        #expect(Set(report.findings.map { "\($0.kind.rawValue) \($0.path)" }) == [
            "foreign \(rig.uai.code)/classes/ancienne-5C", "foreign \(rig.uai.code)/scripts", "conflict \(rig.uai.code)/perso/\(squatted)",
        ])
        #expect(try getfacl(foreign) == foreignACL && FileManager.default.fileExists(atPath: foreign + "/notes.txt"))
        // The first sync also closed the containers the hand-made folder had created with it.
        let fixed = try await rig.store.auditEntries(AuditFilter(uai: rig.uai, target: "\(rig.uai.code)/classes/\(division)",
                                                                 event: "espaces-fix-permissions"))
        #expect(fixed.count == 1 && fixed.first?.french.contains("−group:4242:rwx") == true, "\(fixed.map(\.french))")
        #expect(try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-conflict")).count == 2, "once per run")

        let again = try await rig.sync()
        #expect(again.operations.isEmpty && again.findings.count == 3)
    }

    @Test("Use is measured on disk against the quota: a sparse file counts what it takes, a hard link once, a space over its quota is flagged; quotas are reported not applied on this filesystem")
    func usage() async throws {
        var quotas = SpaceQuotas.memo
        quotas.studentPersonal = 3 * SpaceQuotas.megabyte
        let rig = try await Rig.firstYear(quotas: quotas)
        defer { Task { await rig.close() } }
        try await rig.sync()
        let school = try await rig.school()
        let students = school.accounts.filter { $0.account.kind == .student }.map(\.account.login).sorted()
        let (heavy, light) = (students[0], students[1])
        let big = rig.path("perso/\(heavy)/video.mp4")
        try write(big, bytes: 4 * 1_048_576)
        #expect(link(big, rig.path("perso/\(heavy)/copie.mp4")) == 0)
        let sparse = rig.path("perso/\(heavy)/disque.img")
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
        #expect(truncate(sparse, 1 << 30) == 0)
        try write(rig.path("perso/\(light)/expose.odt"), bytes: 1_048_576)
        // A link out of the space is never followed.
        #expect(symlink("/usr", rig.path("perso/\(light)/usr")) == 0)

        let report = try await rig.service.report(uai: rig.uai)
        let h = try #require(report.spaces.first { $0.name == heavy && $0.kind == .personal })
        #expect(h.quota == 3 * SpaceQuotas.megabyte)
        #expect((4 * 1_048_576...4 * 1_048_576 + 65_536).contains(h.used ?? 0), "\(h.used ?? 0): blocks once, the sparse file's none")
        let apparent: Int64 = 4 * 1_048_576 + (1 << 30)
        #expect(h.apparentSize == apparent)
        #expect(h.files == 3 && h.overQuota && !h.quotaEnforced)
        let l = try #require(report.spaces.first { $0.name == light && $0.kind == .personal })
        #expect(!l.overQuota && (l.used ?? 0) < 2 * 1_048_576 && l.files == 1)
        #expect(report.spaces.filter(\.overQuota).map(\.name) == [heavy])
        #expect(!report.quotas.user && report.quotas.reason.french.contains("non appliqués"))
        #expect(report.french.contains("AU-DESSUS DU QUOTA") && report.french.contains("(non appliqué)"))
        #expect(report.pendingOperations == 0)
        let common = try #require(report.spaces.first { $0.kind == .common })
        #expect(common.quota == 20 * SpaceQuotas.gigabyte && common.access.map(\.name) == ["eleves", "profs", "administratifs"])
    }

    @Test("A deleted account's personal space is archived (manifest and archive checked), then removed; an archive that cannot be made removes nothing; the archive is purged after its retention")
    func deletedAccounts() async throws {
        // The general retention left at its default (365 days): the 90 days below are the
        // personal archives' own default (ENT decree, art. 6), not a setting of the test's.
        let rig = try await Rig.firstYear()
        #expect(rig.settings.archiveRetentionDays == 365 && rig.settings.personalArchiveRetentionDays == 90)
        defer { Task { await rig.close() } }
        try await rig.sync()
        let before = try await rig.school()
        let outside = rig.dir.path + "/dehors.txt"
        try write(outside, bytes: 5)
        for p in before.accounts where p.account.kind == .student {
            let home = rig.path("perso/\(p.account.login)")
            try "travail de \(p.account.login)\n".write(toFile: home + "/travail.txt", atomically: false, encoding: .utf8)
            chown(home + "/travail.txt", uid_t(p.uidNumber), gid_t(p.gidNumber))
            try FileManager.default.createDirectory(atPath: home + "/cours", withIntermediateDirectories: false)
            symlink(outside, home + "/cours/lien")
        }
        try await rig.importYear(2026, on: CivilDate(year: 2026, month: 8, day: 24)!)
        let rentree = CivilDate(year: 2026, month: 8, day: 28)!
        try await rig.apply(rentree)
        #expect(try await rig.sync(rentree).failures.isEmpty)
        // The deletion day, in the September window; the archives folder is blocked first: nothing may be removed.
        let deletion = CivilDate(year: 2026, month: 9, day: 29)!
        try await rig.apply(deletion)
        let after = try await rig.school()
        let deleted = after.accounts.filter { $0.account.status == .deleted && $0.account.kind == .student }
        #expect(deleted.count > 10, "the 3e leavers")
        try FileManager.default.createDirectory(atPath: rig.settings.archiveDirectory, withIntermediateDirectories: true)
        try write(rig.settings.archiveDirectory + "/" + rig.uai.code, bytes: 1)
        let blocked = try await rig.sync(deletion)
        #expect(blocked.failures.filter { $0.path.contains("/perso/") }.count == deleted.count)
        #expect(blocked.failures.allSatisfy { $0.operation == "archive-remove" })
        for p in deleted { #expect(FileManager.default.fileExists(atPath: rig.path("perso/\(p.account.login)/travail.txt"))) }
        #expect(try await rig.store.archives(uai: rig.uai).isEmpty)

        unlink(rig.settings.archiveDirectory + "/" + rig.uai.code)
        let report = try await rig.sync(deletion)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.archives.filter { $0.space.hasPrefix("perso:") }.count == deleted.count && report.archives.allSatisfy { !$0.reused })
        let archives = try await rig.store.archives(uai: rig.uai)
        for p in deleted {
            let login = p.account.login
            #expect(!FileManager.default.fileExists(atPath: rig.path("perso/\(login)")))
            let row = try #require(archives.first { $0.spaceKey == "perso:\(p.account.personID)" })
            #expect(row.archivePath == "\(rig.settings.archiveDirectory)/\(rig.uai.code)/2026-09-29_perso-\(login).tar.gz")
            #expect(row.purgeOn == deletion.adding(days: 90) && row.fileCount == 1)
            #expect(owner(row.archivePath)?.mode == 0o600 && owner(row.manifestPath)?.mode == 0o600, "students' files: root's alone")
            let data = try #require(FileManager.default.contents(atPath: row.manifestPath))
            #expect(Archiver.sha256Hex(data) == row.manifestSHA256)
            let manifest = try JSONDecoder().decode(ArchiveManifest.self, from: data)
            #expect(manifest.uai == rig.uai.code && manifest.space == row.spaceKey && manifest.createdOn == deletion)
            #expect(manifest.reason.french.contains("compte \(login) supprimé le 2026-09-29"))
            let content = Array("travail de \(login)\n".utf8)
            let file = try #require(manifest.entries.first { $0.path == "travail.txt" })
            #expect(file.size == Int64(content.count) && file.uid == p.uidNumber && file.type == .file)
            #expect(file.sha256 == Archiver.sha256Hex(Data(content)))
            #expect(manifest.entries.first { $0.path == "cours/lien" }.map { $0.type == .symlink && $0.target == outside } == true)
            let listed = try ChildProcess.run("/usr/bin/tar", ["-tzf", row.archivePath]).split(separator: "\n")
            #expect(listed == ["cours/", "cours/lien", "travail.txt"])
            #expect(try ChildProcess.run("/usr/bin/tar", ["-xzOf", row.archivePath, "travail.txt"]) == "travail de \(login)\n")
        }
        #expect(FileManager.default.fileExists(atPath: outside), "a link's target is never touched")
        let audited = try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-archive-remove"))
        let students = Set(deleted.map { "\(rig.uai.code)/perso/\($0.account.login)" })
        #expect(audited.filter { students.contains($0.target ?? "") }.count == deleted.count)
        #expect(audited.filter { students.contains($0.target ?? "") }.allSatisfy { $0.french.contains("archive ") && $0.french.contains("manifeste SHA-256") })
        #expect(try await rig.sync(deletion).operations.isEmpty)

        // Purged after its retention, not a day before.
        let calendars = CalendarStore(dataDirectory: nil)
        func clean(_ day: CivilDate) async throws -> SpacesCleanReport {
            let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day)).calendar
            return try await rig.service.clean(uai: rig.uai, date: day, calendar: calendar, actor: "test")
        }
        #expect(try await clean(deletion.adding(days: 89)).purged.isEmpty)
        let purged = try await clean(deletion.adding(days: 90))
        #expect(purged.purged.count == archives.count && purged.failures.isEmpty)
        for row in purged.purged {
            #expect(!FileManager.default.fileExists(atPath: row.archivePath) && !FileManager.default.fileExists(atPath: row.manifestPath))
        }
        #expect(try await rig.store.archives(uai: rig.uai).isEmpty)
        #expect(try await rig.store.archives(uai: rig.uai, includePurged: true).allSatisfy { $0.purgedOn == deletion.adding(days: 90) })
        #expect(try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-purge-archive")).count == archives.count)
    }

    @Test("The calendar's clean-up: in the department's window class, group and Commun spaces are archived then emptied once per school year; outside it nothing; the staff room and Mediaprof are only listed for the school")
    func cleanup() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        try await rig.sync()
        let school = try await rig.school()
        let division = try #require(school.groups.first { $0.group.kind == .division }).group.name
        let group = try #require(school.groups.first { $0.group.kind == .group }).group.name
        try write(rig.path("classes/\(division)/cours.txt"), bytes: 1000)
        try FileManager.default.createDirectory(atPath: rig.path("groupes/\(group)/audio"), withIntermediateDirectories: false)
        try write(rig.path("groupes/\(group)/audio/dialogue.ogg"), bytes: 20_000)
        try write(rig.path("Commun/affiche.txt"), bytes: 300)
        try FileManager.default.createDirectory(atPath: rig.path("Salle_des_profs/conseils"), withIntermediateDirectories: false)
        try write(rig.path("Salle_des_profs/conseils/pv.odt"), bytes: 50_000)
        try write(rig.path("Salle_des_profs/note.txt"), bytes: 10)
        try write(rig.path("Mediaprof/video.mp4"), bytes: 100_000)
        let calendars = CalendarStore(dataDirectory: nil)
        func clean(_ day: CivilDate, dryRun: Bool = false) async throws -> SpacesCleanReport {
            let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day)).calendar
            return try await rig.service.clean(uai: rig.uai, date: day, calendar: calendar, dryRun: dryRun, actor: "test")
        }

        // 1 July 2026: the school's window, the department's is ahead.
        let july1 = try await clean(CivilDate(year: 2026, month: 7, day: 1)!)
        #expect(july1.emptied.isEmpty && july1.failures.isEmpty)
        #expect(july1.windows.map(\.state) == ["upcoming", "open"])
        #expect(july1.windows[0].french.contains("prévu du 2026-07-15 au 2026-08-31 (dans 14 jour(s))"))
        #expect(Set(july1.listings.map(\.space)) == ["salle des professeurs", "Mediaprof"])
        let staff = try #require(july1.listings.first { $0.space == "salle des professeurs" })
        #expect(staff.files == 2 && staff.biggest.first?.name == "conseils" && staff.apparentSize == 50_010)
        #expect(july1.french.contains("À l'attention de l'établissement"))
        #expect(FileManager.default.fileExists(atPath: rig.path("classes/\(division)/cours.txt")))

        // 20 July: archived then emptied, once; a dry run first changes nothing.
        let july20 = CivilDate(year: 2026, month: 7, day: 20)!
        let preview = try await clean(july20, dryRun: true)
        #expect(Set(preview.emptied.map(\.path)) == Set(["classes/\(division)", "groupes/\(group)", "Commun"].map(rig.path)))
        #expect(FileManager.default.fileExists(atPath: rig.path("Commun/affiche.txt")))
        let classACL = try getfacl(rig.path("classes/\(division)"))
        let done = try await clean(july20)
        #expect(done.failures.isEmpty, "\(done.failures)")
        #expect(Set(done.emptied.map(\.path)) == Set(preview.emptied.map(\.path)) && done.emptied.allSatisfy { $0.archive != nil })
        #expect(done.listings.isEmpty, "the school's window is over")
        for path in ["classes/\(division)", "groupes/\(group)", "Commun"] {
            // Emptied; the students' folders, Bascule's, made again at once, empty.
            #expect(try FileManager.default.contentsOfDirectory(atPath: rig.path(path)) == ["Travaux_eleves"], "\(path) emptied")
            let students = try FileManager.default.contentsOfDirectory(atPath: rig.path(path + "/Travaux_eleves"))
            #expect(!students.isEmpty)
            #expect(try students.allSatisfy { try FileManager.default.contentsOfDirectory(atPath: rig.path("\(path)/Travaux_eleves/\($0)")).isEmpty })
        }
        #expect(try await rig.sync(july20).operations.isEmpty, "nothing left for the next sync to make again")
        #expect(try getfacl(rig.path("classes/\(division)")) == classACL, "the space and its rights stay")
        #expect(FileManager.default.fileExists(atPath: rig.path("Salle_des_profs/note.txt")) && FileManager.default.fileExists(atPath: rig.path("Mediaprof/video.mp4")))
        let archives = try await rig.store.archives(uai: rig.uai)
        let groupArchive = try #require(archives.first { $0.spaceKey == "groupe:\(group)" })
        let manifest = try JSONDecoder().decode(ArchiveManifest.self, from: try #require(FileManager.default.contents(atPath: groupArchive.manifestPath)))
        #expect(manifest.entries.map(\.path).filter { !$0.hasPrefix("Travaux_eleves") } == ["audio", "audio/dialogue.ogg"])
        #expect(manifest.reason.french.contains("nettoyage-classes-commun, 2026-2027"))
        #expect(try await rig.store.cleanupDone(uai: rig.uai, entry: "nettoyage-classes-commun", year: SchoolYear(startYear: 2026)) == july20)

        // Later in the same window: done already, new files stay.
        try write(rig.path("classes/\(division)/rentree.txt"), bytes: 10)
        let july25 = try await clean(CivilDate(year: 2026, month: 7, day: 25)!)
        #expect(july25.emptied.isEmpty && july25.windows[0].state == "done" && july25.windows[0].french.contains("fait le 2026-07-20"))
        #expect(FileManager.default.fileExists(atPath: rig.path("classes/\(division)/rentree.txt")))
        // Outside any window: nothing either.
        #expect(try await clean(CivilDate(year: 2026, month: 10, day: 5)!).emptied.isEmpty)
        // The next school year's window cleans again.
        let next = try await clean(CivilDate(year: 2027, month: 7, day: 16)!)
        #expect(next.emptied.map(\.path) == [rig.path("classes/\(division)")])
        #expect(try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-cleanup")).count == 2)
    }

    @Test("A renamed login's folder follows it, files and owner kept; a move stopped half way is finished by the next sync")
    func renames() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        try await rig.sync()
        let before = try await rig.school()
        for p in before.accounts where p.account.kind == .student {
            try write(rig.path("perso/\(p.account.login)/a-moi.txt"), bytes: 42, uid: p.uidNumber)
        }
        let day = CivilDate(year: 2026, month: 8, day: 28)!
        try await rig.importYear(2026, on: CivilDate(year: 2026, month: 8, day: 24)!)
        try await rig.apply(day)
        try await rig.sync(day)
        let waiting = try await rig.planning.plan(uai: rig.uai, date: day).plan.actions.filter { $0.kind == .proposeRename }
        #expect(waiting.count == 2)
        let renames = RenameService(planning: rig.planning)
        let first = waiting[0], second = waiting[1]
        let head = try #require(try await PeopleQuery(store: rig.store).people(uai: rig.uai).first { $0.function == "DIR" })
        let principal = try #require(before.accounts.first { $0.account.personID == head.id }?.account.login)
        _ = try await renames.accept(uai: rig.uai, login: first.login!, date: day, by: principal)
        let person = try #require(before.accounts.first { $0.account.personID == first.personID })

        let report = try await rig.sync(day)
        // The personal space and the student's folders in the spaces of their class, groups and Commun.
        #expect(report.operations.allSatisfy { $0.kind == .move && $0.from?.hasSuffix("/\(first.login!)") == true })
        #expect(report.operations.map { "\($0.kind.rawValue) \($0.from ?? "") → \($0.path)" }
                    .contains("move \(rig.uai.code)/perso/\(first.login!) → \(rig.uai.code)/perso/\(first.newLogin!)"))
        #expect(report.operations.contains { $0.spaceKind == .studentWork && $0.path.hasSuffix("/Commun/Travaux_eleves/\(first.newLogin!)") })
        let moved = rig.path("perso/\(first.newLogin!)")
        #expect(owner(moved) == Owner(uid: person.uidNumber, gid: person.gidNumber, mode: 0o700))
        #expect(owner(moved + "/a-moi.txt")?.uid == person.uidNumber)
        #expect(!FileManager.default.fileExists(atPath: rig.path("perso/\(first.login!)")))
        #expect(try await rig.store.spaces(uai: rig.uai).first { $0.key == "perso:\(first.personID!)" }.map { $0.path == "\(rig.uai.code)/perso/\(first.newLogin!)" && $0.movingFrom == nil } == true)
        #expect(try await rig.store.auditEntries(AuditFilter(uai: rig.uai, event: "espaces-move")).first?.french.contains("\(first.login!) → \(first.newLogin!)") == true)

        // The second: the move recorded, the process stopped before the folder moved.
        _ = try await renames.accept(uai: rig.uai, login: second.login!, date: day, by: principal)
        try await rig.store.recordSpace(uai: rig.uai, key: "perso:\(second.personID!)", path: "\(rig.uai.code)/perso/\(second.newLogin!)",
                                        movingFrom: "\(rig.uai.code)/perso/\(second.login!)", on: day)
        let resumed = try await rig.sync(day)
        #expect(resumed.operations.allSatisfy { $0.kind == .move } && resumed.findings.isEmpty && resumed.failures.isEmpty)
        #expect(resumed.operations.filter { $0.spaceKind == .personal }.count == 1)
        #expect(FileManager.default.fileExists(atPath: rig.path("perso/\(second.newLogin!)/a-moi.txt")))
        let resumedRecord = try #require(try await rig.store.spaces(uai: rig.uai).first { $0.key == "perso:\(second.personID!)" })
        #expect(resumedRecord.path == "\(rig.uai.code)/perso/\(second.newLogin!)" && resumedRecord.movingFrom == nil)
        #expect(try await rig.sync(day).operations.isEmpty)
    }

    @Test("A symbolic link planted in place of a space is reported and never followed; what it points to is untouched")
    func plantedSymlink() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        try await rig.sync()
        let school = try await rig.school()
        let division = try #require(school.groups.first { $0.group.kind == .division }).group.name
        let target = rig.dir.path + "/cible"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        chmod(target, 0o700)
        let targetACL = try getfacl(target)
        try FileManager.default.removeItem(atPath: rig.path("classes/\(division)"))
        #expect(symlink(target, rig.path("classes/\(division)")) == 0)
        let report = try await rig.sync()
        #expect(report.operations.isEmpty, "\(report.operations.map(\.french))")
        #expect(report.findings.map { "\($0.kind.rawValue) \($0.path)" } == ["symlink \(rig.uai.code)/classes/\(division)"])
        #expect(try getfacl(target) == targetACL && owner(target) == Owner(uid: 0, gid: 0, mode: 0o700))
        // The clean-up does not follow it either.
        let calendar = try CalendarStore(dataDirectory: nil).calendar(for: SchoolYear(startYear: 2026)).calendar
        try write(target + "/garde.txt", bytes: 3)
        let cleaned = try await rig.service.clean(uai: rig.uai, date: CivilDate(year: 2026, month: 7, day: 20)!, calendar: calendar, actor: "test")
        #expect(!cleaned.emptied.contains { $0.path.hasSuffix("/\(division)") })
        #expect(FileManager.default.fileExists(atPath: target + "/garde.txt"))
    }

    @Test("An archive that does not match its manifest is refused")
    func tamperedArchive() throws {
        let dir = try TemporaryDirectory(prefix: "bascule-archive")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/espace/sous dossier", withIntermediateDirectories: true)
        try write(dir.path + "/espace/a.txt", bytes: 10)
        try write(dir.path + "/espace/sous dossier/é\nb.txt", bytes: 3000)
        try write(dir.path + "/espace/vide", bytes: 0)
        let made = try #require(try Archiver.archive(folder: dir.path + "/espace", into: dir.path + "/archives", name: "essai",
                                                     uai: Tiny.uai, key: "commun", kind: .common, reason: Reason("essai", "test"),
                                                     on: Tiny.day))
        #expect(made.fileCount == 3 && made.byteCount == 3010)
        try Archiver.verify(archive: made.archivePath, manifest: made.manifest)
        var wrongContent = made.manifest
        wrongContent.entries[0].sha256 = String(repeating: "0", count: 64)
        #expect(throws: SpacesError.self) { try Archiver.verify(archive: made.archivePath, manifest: wrongContent) }
        var extraFolder = made.manifest
        var folder = try #require(made.manifest.entries.first { $0.type == .directory })
        folder.path = "dossier-absent"
        extraFolder.entries.append(folder)
        #expect { try Archiver.verify(archive: made.archivePath, manifest: extraFolder) } throws: {
            ($0 as? SpacesError)?.french.contains("absente : dossier-absent") == true
        }
        var missing = made.manifest
        missing.entries.append(missing.entries[0])
        missing.entries[missing.entries.count - 1].path = "absent.txt"
        #expect { try Archiver.verify(archive: made.archivePath, manifest: missing) } throws: {
            ($0 as? SpacesError)?.french.contains("absent.txt") == true && ($0 as? SpacesError)?.french.contains("rien n'a été supprimé") == true
        }
        try FileManager.default.createDirectory(atPath: dir.path + "/vide", withIntermediateDirectories: false)
        #expect(try Archiver.archive(folder: dir.path + "/vide", into: dir.path + "/archives", name: "vide", uai: Tiny.uai,
                                     key: "k", kind: .common, reason: Reason("", ""), on: Tiny.day) == nil, "nothing to keep")
    }
}

import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeTesting
import Foundation
import Testing

/// What the kernel answers a person, the ACLs as `spaces sync` set them: done, or refused with
/// EACCES / EPERM. Any other failure (a missing folder, a typo) is neither, so that a refusal is
/// never mistaken for one.
enum KernelAnswer: Equatable {
    case done
    case refused
    case failed(String)
}

/// Runs `command` as `uid` with exactly `groups`, in the C locale so that the tools' messages are
/// the errno's (`Permission denied` is EACCES, `Operation not permitted` EPERM).
func kernel(uid: Int, gid: Int, groups: [Int], _ command: [String]) -> KernelAnswer {
    let args = ["--reuid=\(uid)", "--regid=\(gid)", "--groups=\(Set(groups + [gid]).sorted().map(String.init).joined(separator: ","))", "--"] + command
    do {
        _ = try ChildProcess.run("/usr/bin/setpriv", args, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
        return .done
    } catch let failure as ChildProcess.Failure {
        let text = failure.message
        return text.contains("Permission denied") || text.contains("Operation not permitted") ? .refused : .failed(text)
    } catch {
        return .failed("\(error)")
    }
}

@Suite("Class, group and Commun spaces: the kernel keeps teachers' documents and each student's work from other students",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct SharedSpacesTests {
    @Test("A student cannot change, delete or rename a teacher's document, nor write beside it; a student's work is out of reach of other students; the team's teachers change and delete both")
    func teachersAndStudents() async throws {
        let rig = try await Rig.firstYear()
        defer { Task { await rig.close() } }
        let report = try await rig.sync()
        #expect(report.failures.isEmpty && report.findings.isEmpty, "\(report.failures) \(report.findings.map(\.french))")
        let school = try await rig.school()
        let live = school.accounts.filter { $0.account.status != .deleted }
        func does(_ p: ProvisionedAccount, _ command: String...) -> KernelAnswer {
            kernel(uid: p.uidNumber, gid: p.gidNumber, groups: gids(of: p.account.login, in: school), command)
        }
        func members(_ group: String) -> [ProvisionedAccount] {
            let names = school.groups.first { $0.group.name == group }?.group.members ?? []
            return live.filter { names.contains($0.account.login) }.sorted { $0.account.login < $1.account.login }
        }

        // A class with two students and two teachers of its team; a teaching group with two
        // students (its team may be one teacher: then that teacher is the colleague too).
        func named(_ kind: GroupKind, teachers: Int) -> String? {
            school.groups.filter { $0.group.kind == kind }.map(\.group.name).sorted()
                .first { members($0).count >= 2 && members("equipe-\($0)").count >= teachers }
        }
        let division = try #require(named(.division, teachers: 2))
        let group = try #require(named(.group, teachers: 1))
        for (name, folder) in [(division, "classes/\(division)"), (group, "groupes/\(group)")] {
            let space = rig.path(folder)
            let (pupil, classmate) = (members(name)[0], members(name)[1])
            let team = members("equipe-\(name)")
            let (teacher, colleague) = (team[0], team[team.count > 1 ? 1 : 0])
            let outsider = try #require(live.first { $0.account.kind == .student && !members(name).contains($0) })
            let doc = space + "/cours.txt"
            let work = space + "/Travaux_eleves/\(pupil.account.login)"

            // The teacher's document: students read it, never change, delete or rename it.
            #expect(does(teacher, "/bin/sh", "-c", "echo leçon > '\(doc)'") == .done, "\(name)")
            #expect(does(pupil, "/bin/cat", doc) == .done)
            #expect(does(pupil, "/bin/sh", "-c", "echo graffiti >> '\(doc)'") == .refused, "\(name): a student changes a teacher's document")
            #expect(does(pupil, "/bin/rm", "-f", doc) == .refused, "\(name): a student deletes a teacher's document")
            #expect(does(pupil, "/bin/mv", doc, space + "/autre.txt") == .refused)
            #expect(does(pupil, "/usr/bin/touch", space + "/a-cote.txt") == .refused, "students write in their own folder only")
            #expect(does(pupil, "/bin/rm", "-rf", space + "/Travaux_eleves") == .refused)
            #expect(does(outsider, "/bin/cat", doc) == .refused, "another class's student reads nothing")

            // The student's work: theirs, the team's; not a classmate's.
            #expect(does(pupil, "/bin/sh", "-c", "echo copie > '\(work)/devoir.txt'") == .done)
            #expect(does(classmate, "/bin/rm", "-f", work + "/devoir.txt") == .refused, "\(name): a classmate deletes a student's work")
            #expect(does(classmate, "/bin/sh", "-c", "echo triche >> '\(work)/devoir.txt'") == .refused)
            #expect(does(classmate, "/bin/cat", work + "/devoir.txt") == .refused)
            #expect(does(classmate, "/bin/mv", work, space + "/Travaux_eleves/vole") == .refused)
            #expect(does(classmate, "/bin/rm", "-rf", work) == .refused)
            #expect(does(pupil, "/bin/rm", "-rf", space + "/Travaux_eleves/\(classmate.account.login)") == .refused)

            // The team manages both: another teacher of the team annotates and deletes either.
            #expect(does(colleague, "/bin/sh", "-c", "echo 'vu' >> '\(work)/devoir.txt'") == .done)
            #expect(does(colleague, "/bin/rm", work + "/devoir.txt") == .done)
            #expect(does(colleague, "/bin/sh", "-c", "echo corrigé >> '\(doc)'") == .done)
            #expect(does(colleague, "/bin/rm", doc) == .done)
            #expect(does(teacher, "/bin/mkdir", space + "/Sortie") == .done)
            #expect(does(pupil, "/bin/ls", space + "/Sortie") == .done, "a teacher's new folder: students read it too")
            #expect(does(pupil, "/usr/bin/touch", space + "/Sortie/x") == .refused)
        }

        // Commun: the staff's documents, read by every student; each student's folder read by all,
        // changed by its owner and the staff only.
        let students = live.filter { $0.account.kind == .student }.sorted { $0.account.login < $1.account.login }
        let (pupil, other) = (students[0], students[students.count - 1])
        let teacher = try #require(live.first { $0.account.kind == .teacher })
        let staff = try #require(live.first { $0.account.kind == .staff })
        let affiche = rig.path("Commun/affiche.txt")
        let mine = rig.path("Commun/Travaux_eleves/\(pupil.account.login)")
        #expect(does(staff, "/bin/sh", "-c", "echo fête > '\(affiche)'") == .done)
        #expect(does(other, "/bin/cat", affiche) == .done)
        #expect(does(other, "/bin/rm", "-f", affiche) == .refused, "a student deletes the staff's notice in Commun")
        #expect(does(other, "/bin/sh", "-c", "echo x >> '\(affiche)'") == .refused)
        #expect(does(pupil, "/bin/sh", "-c", "echo exposé > '\(mine)/expose.txt'") == .done)
        #expect(does(other, "/bin/cat", mine + "/expose.txt") == .done, "Commun is shown to all")
        #expect(does(other, "/bin/rm", "-f", mine + "/expose.txt") == .refused, "a student deletes another's work in Commun")
        #expect(does(other, "/bin/sh", "-c", "echo x >> '\(mine)/expose.txt'") == .refused)
        #expect(does(teacher, "/bin/rm", mine + "/expose.txt") == .done)
        #expect(does(teacher, "/bin/rm", affiche) == .done)

        // Nothing above changed what Bascule set: the next sync has nothing to do.
        let again = try await rig.sync()
        #expect(again.operations.isEmpty, "\(again.operations.map(\.french))")
    }
}

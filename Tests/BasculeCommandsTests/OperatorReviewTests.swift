@testable import BasculeApp
@testable import BasculeCommands
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

private let paris = TimeZone(identifier: "Europe/Paris")!

private func day(_ text: String) -> CivilDate { CivilDate(parsing: text)! }

private func journal(_ data: String, _ uai: String) async throws -> [String] {
    let store = try await Store.open(.embedded(dataDirectory: data), creating: false)
    let runs = try await store.dailyRuns(uai: UAI(uai)!)
    await store.close()
    return runs.map { "\($0.day) \($0.state)" }
}

/// The other process's day, held until the test lets it go.
private final class HeldLock: @unchecked Sendable {
    private let lock = NSLock()
    private var held: DailyRunLock?
    init(_ held: DailyRunLock?) { self.held = held }
    func release() { lock.withLock { held = nil } }
}

@Suite("Running Bascule all year as an operator would (review of 1 December): one day at a time, never ahead, never back, the service's user, the clock changes")
struct OperatorReviewTests {
    @Test("A day is run by one process at a time on a data folder: a bascule run beside the service's day is refused (exit 4, nothing done), the service's loop tries again half an hour later")
    func oneRunAtATime() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.configure("service: { heure: \"06:30\", fuseau: Europe/Paris }\n")
        try department.drop(uai, year: 2026)
        // Another process (bascule serve) is in the middle of its day on this folder.
        let other = HeldLock(try #require(try DailyRunLock.acquire(dataDirectory: department.data)))
        let clock = TestClock("2026-09-03T07:00:00+02:00")
        await #expect(throws: DailyRunBusy.self) { try await department.scheduler(clock: clock).runDay(day("2026-09-03")) }
        let cli = await bascule(["run", "--data", department.data, "--date", "2026-09-03", "--password-rounds", "10000"])
        #expect(cli.exitCode == 4 && cli.errors.contains("une autre exécution quotidienne"), "\(cli.exitCode) \(cli.output) \(cli.errors)")
        #expect(!FileManager.default.fileExists(atPath: department.data + "/bascule.sqlite"), "nothing was run, not even the store made")
        #expect(try FileManager.default.contentsOfDirectory(atPath: department.data + "/depot/" + uai).count >= 3, "the dropped files wait")

        // The service's own loop: refused, it waits half an hour (not a day), then runs the day.
        let sleeps = Sleeps()
        do {
            try await department.scheduler(clock: clock).serve(sleep: { d in
                if sleeps.add(d) == 2 { throw CancellationError() }
                other.release()
                clock.advance(d)
            })
        } catch is CancellationError {}
        #expect(sleeps.all == [.seconds(1800), .seconds(82_800)], "\(sleeps.all)")
        #expect(try await journal(department.data, uai) == ["2026-09-03 done"])
    }

    @Test("By hand, apply, spaces sync and spaces clean wait for no day: while the service's day holds the data folder, refused (exit 4), nothing done")
    func handCommandsBesideTheDay() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        let data = ["--data", department.data]
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03"] + department.files(uai, year: 2026)).exitCode == 0)
        let root = department.dir.file("espaces").path
        try department.configure("espaces:\n  racine: \(root)\n")
        let other = HeldLock(try #require(try DailyRunLock.acquire(dataDirectory: department.data)))
        for command in [["apply", "--date", "2026-09-03", "--yes", "--password-rounds", "10000"], ["spaces", "sync", "--date", "2026-09-03"],
                        ["spaces", "clean", "--date", "2026-09-03", "--yes"]] {
            let refused = await bascule(command + data)
            #expect(refused.exitCode == 4 && refused.errors.contains("une autre exécution quotidienne"), "\(command): \(refused.exitCode) \(refused.errors)")
        }
        #expect(try jsonArray(await bascule(["accounts"] + data + ["--json"]).output).isEmpty, "nothing applied")
        #expect(await bascule(["plan"] + data + ["--date", "2026-09-03"]).exitCode == 0, "looking needs no lock")
        other.release()
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
    }

    @Test("bascule run --date after today is refused (exit 2): the days up to it would be journaled done and skipped when they come")
    func futureDateRefused() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.drop(uai, year: 2026)
        let ahead = await bascule(["run", "--data", department.data, "--date", "2026-09-20", "--password-rounds", "10000"], today: day("2026-09-03"))
        #expect(ahead.exitCode == 2 && ahead.errors.contains("après aujourd'hui (2026-09-03)"), "\(ahead.exitCode) \(ahead.errors)")
        #expect(!FileManager.default.fileExists(atPath: department.data + "/bascule.sqlite"), "nothing run")
        let today = await bascule(["run", "--data", department.data, "--date", "2026-09-03", "--password-rounds", "10000"], today: day("2026-09-03"))
        #expect(today.exitCode == 0, "\(today.errors)")
        #expect(try await journal(department.data, uai) == ["2026-09-03 done"])
    }

    @Test("apply, audit purge, spaces sync and spaces clean with a --date after today (a year typed wrong) are refused (exit 2) and change nothing; their previews stay open")
    func nothingDoneAhead() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        let data = ["--data", department.data]
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03"] + department.files(uai, year: 2026)).exitCode == 0)
        let today = day("2026-09-03")
        let ahead = ["--date", "2062-09-03"]
        let apply = await bascule(["apply"] + data + ahead + ["--yes", "--password-rounds", "10000"], today: today)
        #expect(apply.exitCode == 2 && apply.errors.contains("--date 2062-09-03 est après aujourd'hui (2026-09-03)"), "\(apply.exitCode) \(apply.errors)")
        #expect(try jsonArray(await bascule(["accounts"] + data + ["--json"]).output).isEmpty, "nothing applied")
        #expect(await bascule(["plan"] + data + ahead, today: today).exitCode == 0, "the plan of a day to come may be looked at")
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"], today: today).exitCode == 0)
        let entries = try jsonArray(await bascule(["audit"] + data + ["--json"]).output).count
        #expect(entries > 0)
        let purge = await bascule(["audit", "purge"] + data + ahead, today: today)
        #expect(purge.exitCode == 2, "\(purge.exitCode) \(purge.errors)")
        #expect(await bascule(["audit", "purge"] + data + ahead + ["--dry-run"], today: today).exitCode == 0)
        #expect(try jsonArray(await bascule(["audit"] + data + ["--json"]).output).count == entries, "the audit kept whole")

        let root = department.dir.file("espaces").path
        try department.configure("espaces:\n  racine: \(root)\n")
        for command in [["spaces", "sync"], ["spaces", "clean", "--yes"]] {
            let refused = await bascule(command + data + ahead, today: today)
            #expect(refused.exitCode == 2 && refused.errors.contains("après aujourd'hui"), "\(command): \(refused.exitCode) \(refused.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/" + uai), "no folder made ahead")
    }

    @Test("A folder the system refuses (--data under a file, a folder it may not write) is said in French with its path and exit 2; an error Bascule has no message for exits 70, never 1, the code of a plan not confirmed")
    func systemRefusalsNamed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.url.appendingPathComponent("pas-un-dossier").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let wrong = await bascule(["demo", "--data", file + "/donnees", "--students", "30"])
        #expect(wrong.exitCode == 2, "\(wrong.exitCode) \(wrong.errors)")
        #expect(wrong.errors.contains("« \(file)/donnees »") && wrong.errors.contains("n'est pas un dossier"), "\(wrong.errors)")
        #expect(!wrong.errors.contains("NSCocoaErrorDomain") && !wrong.errors.contains("Error Domain"), "\(wrong.errors)")

        struct Unforeseen: Error {}
        #expect(UnexpectedFailure(Unforeseen()).exitCode == 70)
        #expect(UnexpectedFailure(Unforeseen()).french.hasPrefix("Erreur inattendue (Unforeseen)"))
        #expect(UnexpectedFailure(CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/srv/x"])).french
            .contains("« /srv/x » : plus de place sur le disque"))
    }

    @Test("A day before the last day done is never run after it (a --date in the past, the clock set back): skipped and said, not journaled")
    func neverBackwards() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.drop(uai, year: 2026)
        let clock = TestClock("2026-09-05T07:00:00+02:00")
        let first = try await department.scheduler(clock: clock).runDay(day("2026-09-05"))
        #expect(first.schools.first?.reports.map(\.skipped) == [false])
        // The clock set back to 1 September: the service's run of what it thinks is due.
        clock.set("2026-09-01T07:00:00+02:00")
        let back = try await department.scheduler(clock: clock).runDue()
        #expect(back.schools.first?.reports.map(\.skipped) == [true], "\(back.schools.map { $0.reports.map(\.steps) })")
        let cli = await bascule(["run", "--data", department.data, "--date", "2026-09-02", "--password-rounds", "10000"])
        #expect(cli.exitCode == 0 && cli.output.contains("2026-09-02 : pas exécuté : antérieur au dernier jour fait (2026-09-05)"), "\(cli.output) \(cli.errors)")
        #expect(try await journal(department.data, uai) == ["2026-09-05 done"])
    }

    @Test("bascule run and bascule serve as root on the service user's data folder are refused (exit 4): what they made would be root's and unreadable by the service",
          .enabled(if: geteuid() == 0, "the refusal is root's: run as root, as in CI"))
    func rootOnServiceFolder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.file("data").path
        try FileManager.default.createDirectory(atPath: data + "/depot", withIntermediateDirectories: true)
        #expect(chown(data, 65534, 65534) == 0)
        let run = await bascule(["run", "--data", data, "--date", "2026-09-03"])
        #expect(run.exitCode == 4 && run.errors.contains("runuser -u"), "\(run.exitCode) \(run.output) \(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: data + "/bascule.sqlite"), "no root-owned store")
        // A bascule.yml it would refuse next: without the check, serve stops there (exit 2), never listens.
        try "service: { heure: midi }\n".write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        let serve = await bascule(["serve", "--data", data, "--port", "1"])
        #expect(serve.exitCode == 4 && serve.errors.contains("runuser -u"), "\(serve.exitCode) \(serve.errors)")
        // Root on its own folder goes on.
        #expect(chown(data, 0, 0) == 0)
        try FileManager.default.removeItem(atPath: data + "/bascule.yml")
        #expect(await bascule(["run", "--data", data, "--date", "2026-09-03"]).exitCode == 0)
    }

    @Test("The hour 02:30 in Europe/Paris: on the spring-forward day it does not exist and the day runs at 03:00; in autumn it comes twice and the day runs at the first; the next run is always ahead and the day due never goes back")
    func daylightSaving() {
        let s = DailySchedule(hour: 2, minute: 30, timeZone: paris)
        func at(_ text: String) -> Date { TestClock.date(text) }
        #expect(s.nextRun(after: at("2026-03-28T02:30:00+01:00")) == at("2026-03-29T03:00:00+02:00"))
        #expect(s.dueDay(at: at("2026-03-29T01:59:59+01:00")) == day("2026-03-28"))
        #expect(s.dueDay(at: at("2026-03-29T03:00:00+02:00")) == day("2026-03-29"))
        #expect(s.nextRun(after: at("2026-03-29T03:00:00+02:00")) == at("2026-03-30T02:30:00+02:00"))
        #expect(s.nextRun(after: at("2026-10-24T02:30:00+02:00")) == at("2026-10-25T02:30:00+02:00"))
        #expect(s.nextRun(after: at("2026-10-25T02:30:00+02:00")) == at("2026-10-26T02:30:00+01:00"), "not the second 02:30 of the same night")
        #expect(s.dueDay(at: at("2026-10-25T02:10:00+01:00")) == day("2026-10-25"), "02:10 the second time: after the day's 02:30")
        #expect(s.dueDay(at: at("2026-10-25T02:30:00+01:00")) == day("2026-10-25"))
        for start in ["2026-03-28T00:00:00+01:00", "2026-10-24T00:00:00+02:00"] {
            var previous = s.dueDay(at: at(start))
            for step in 0..<(72 * 6) {
                let t = at(start).addingTimeInterval(Double(step) * 600)
                let next = s.nextRun(after: t)
                #expect(next > t && next.timeIntervalSince(t) <= 90_000, "\(t) → \(next)")
                let due = s.dueDay(at: t)
                #expect(due >= previous, "\(t)")
                previous = due
            }
        }
    }

    @Test("The service across the spring-forward night with the hour 02:30: every day run once, the sleeps 23 h then 23 h 30")
    func serveAcrossSpringForward() async throws {
        let department = try await GeneratedDepartment(schools: 1, firstYear: 2025)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.configure("service: { heure: \"02:30\", fuseau: Europe/Paris }\n")
        try department.drop(uai, year: 2025)
        let clock = TestClock("2026-03-28T03:00:00+01:00")
        let sleeps = Sleeps()
        do {
            try await department.scheduler(clock: clock).serve(sleep: { d in
                if sleeps.add(d) == 3 { throw CancellationError() }
                clock.advance(d)
            })
        } catch is CancellationError {}
        #expect(sleeps.all == [.seconds(82_800), .seconds(84_600), .seconds(86_400)], "\(sleeps.all)")
        #expect(try await journal(department.data, uai) == ["2026-03-28 done", "2026-03-29 done", "2026-03-30 done"])
    }

    @Test("A dropped file is checked and read through one open file: a link is never followed, a FIFO never waited on, a folder left, a file gone skipped, a plain file copied whole, owner-only, never over an existing name")
    func dropFolderReadsWhatItChecks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (depot, staging) = (dir.file("depot").path, dir.file("lecture").path)
        for folder in [depot, staging] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let secret = dir.file("secret.xml").path
        try Data("<secret/>".utf8).write(to: URL(fileURLWithPath: secret))
        try FileManager.default.createSymbolicLink(atPath: depot + "/lien.xml", withDestinationPath: secret)
        #expect(mkfifo(depot + "/tube.xml", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: depot + "/dossier.xml", withIntermediateDirectories: false)
        let content = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try content.write(to: URL(fileURLWithPath: depot + "/eleves.xml"))

        #expect(DropFolderFile.copy(depot + "/lien.xml", to: staging + "/lien.xml") == .notPlain)
        #expect(DropFolderFile.copy(depot + "/tube.xml", to: staging + "/tube.xml") == .notPlain)
        #expect(DropFolderFile.copy(depot + "/dossier.xml", to: staging + "/dossier.xml") == .directory)
        #expect(DropFolderFile.copy(depot + "/parti.xml", to: staging + "/parti.xml") == .vanished)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging).isEmpty, "nothing of the link, the FIFO or the folder read")
        #expect(DropFolderFile.copy(depot + "/eleves.xml", to: staging + "/eleves.xml") == .copied)
        #expect(FileManager.default.contents(atPath: staging + "/eleves.xml") == content)
        #expect(((try FileManager.default.attributesOfItem(atPath: staging + "/eleves.xml"))[.posixPermissions] as? Int) == 0o600)
        // A name already there (a link planted in the service's folder) is never written through.
        try FileManager.default.createSymbolicLink(atPath: staging + "/planté.xml", withDestinationPath: secret)
        #expect(DropFolderFile.copy(depot + "/eleves.xml", to: staging + "/planté.xml") == .notPlain)
        #expect(FileManager.default.contents(atPath: secret) == Data("<secret/>".utf8))
    }

    @Test("A day killed while it read the drop folder leaves its private copies behind: the next run clears them first, imports the drop once and leaves no copy")
    func dropCopiesOfAKilledDay() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.drop(uai, year: 2026)
        let depot = department.data + "/depot/" + uai
        // What a run killed between its copy and its import leaves: the copy folder, holding the
        // names of today's files (here a link, as anything could be there).
        let staging = department.data + "/.depot-en-lecture-" + uai
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: depot) {
            try FileManager.default.createSymbolicLink(atPath: staging + "/" + name, withDestinationPath: "/etc/passwd")
        }
        let done = try await department.scheduler(clock: TestClock("2026-09-03T07:00:00+02:00")).runDay(day("2026-09-03"))
        let report = try #require(done.schools.first?.reports.first)
        #expect(report.steps.contains { $0.contains("importé(s)") } && report.todos.allSatisfy { $0.kind != .importRefused }, "\(report.steps) \(report.todos)")
        #expect(!FileManager.default.fileExists(atPath: staging), "no copy left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: depot).allSatisfy { $0 == "refuses" }, "the drop imported and removed")
    }

    @Test("The drop folder, written by another account: a symbolic link is never followed; it is set aside with a to-do, the plain files imported")
    func dropFolderLinks() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.drop(uai, year: 2026)
        let depot = department.data + "/depot/" + uai
        try FileManager.default.createSymbolicLink(atPath: depot + "/autre.xml", withDestinationPath: "/etc/passwd")
        let done = try await department.scheduler(clock: TestClock("2026-09-03T07:00:00+02:00")).runDay(day("2026-09-03"))
        let report = try #require(done.schools.first?.reports.first)
        #expect(report.steps.contains { $0.contains("importé(s)") } && !report.steps.contains("dépôt : import refusé"), "\(report.steps)")
        #expect(report.todos.contains { $0.kind == .importRefused && $0.reason.french.contains("autre.xml n'est pas un fichier ordinaire") }, "\(report.todos)")
        var st = stat()
        #expect(lstat(depot + "/refuses/2026-09-03/autre.xml", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK, "the link set aside, as it is")
        #expect(FileManager.default.fileExists(atPath: "/etc/passwd"))
    }
}

import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

private let paris = TimeZone(identifier: "Europe/Paris")!

private func day(_ text: String) -> CivilDate { CivilDate(parsing: text)! }

@Suite("When the department's day runs: the hour, the day due, the next run")
struct DailyScheduleTests {
    @Test("The day due is today once the hour has come, yesterday before it, in the schedule's time zone")
    func dueDay() {
        let s = DailySchedule(hour: 6, minute: 30, timeZone: paris)
        #expect(s.dueDay(at: TestClock.date("2026-09-01T06:29:59+02:00")) == day("2026-08-31"))
        #expect(s.dueDay(at: TestClock.date("2026-09-01T06:30:00+02:00")) == day("2026-09-01"))
        #expect(s.dueDay(at: TestClock.date("2026-09-01T04:45:00Z")) == day("2026-09-01"), "06:45 in Paris")
        #expect(s.dueDay(at: TestClock.date("2026-08-31T23:30:00Z")) == day("2026-08-31"), "01:30 on 1 September in Paris: before the hour")
    }

    @Test("The next run comes at the hour: later the same day, 24 hours on, 25 or 23 when the clocks change")
    func nextRun() {
        let s = DailySchedule(hour: 6, minute: 30, timeZone: paris)
        func gap(_ from: String) -> Double { s.nextRun(after: TestClock.date(from)).timeIntervalSince(TestClock.date(from)) }
        #expect(gap("2026-09-01T05:00:00+02:00") == 5400)
        #expect(gap("2026-09-01T06:30:00+02:00") == 86_400)
        #expect(gap("2026-10-24T06:30:00+02:00") == 90_000, "the night of 24 to 25 October 2026 lasts an hour more")
        #expect(gap("2026-03-28T06:30:00+01:00") == 82_800, "the night of 28 to 29 March 2026 an hour less")
    }

    @Test("The hour as bascule.yml gives it", arguments: [
        ("06:30", true), ("6:30", true), ("06h30", true), ("23:59", true), ("00:00", true),
        ("24:00", false), ("06:60", false), ("6", false), ("06:3", false), ("six heures", false), ("", false), ("-1:30", false),
    ])
    func parse(_ text: String, _ valid: Bool) {
        #expect((DailySchedule.parseTime(text) != nil) == valid, "\(text)")
    }

    @Test("service: and courriel: are checked before anything runs, each mistake named (exit 2)", arguments: [
        ("service: { heure: \"25:00\" }", "service.heure"),
        ("service: { heure: midi }", "service.heure"),
        ("service: { fuseau: Europe/Lutece }", "service.fuseau"),
        ("service: { rattrapage: 0 }", "service.rattrapage"),
        ("service: { rattrapage: 45 }", "service.rattrapage"),
        ("courriel: { relais: \"smtp.exemple.fr:25\", expediteur: bascule@exemple.fr, departement: [dsi@exemple.fr] }", "STARTTLS"),
        ("courriel: { relais: \"127.0.0.1:25\", expediteur: \"bascule\", departement: [dsi@exemple.fr] }", "courriel.expediteur"),
        ("courriel: { relais: \"127.0.0.1:25\", expediteur: bascule@exemple.fr }", "courriel.departement"),
        ("courriel: { relais: \"127.0.0.1:25\", expediteur: bascule@exemple.fr, departement: [\"a@b.fr>\\r\\nRCPT TO:<c@d.fr\"] }", "courriel.departement"),
        ("courriel: { relais: \"127.0.0.1:99999\", expediteur: bascule@exemple.fr, departement: [dsi@exemple.fr] }", "courriel.relais"),
        ("courriel: { relais: \"127.0.0.1:25\", expediteur: bascule@exemple.fr, departement: [dsi@exemple.fr], tls: oui }", "courriel.tls"),
        ("courriel: { relais: \"127.0.0.1:25\", expediteur: bascule@exemple.fr, departement: [dsi@exemple.fr], ca: /nulle/part.pem, starttls: true }", "courriel.ca"),
    ])
    func configuration(_ yaml: String, _ named: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try yaml.write(toFile: dir.file("bascule.yml").path, atomically: true, encoding: .utf8)
        let r = await bascule(["run", "--data", dir.path, "--date", "2026-09-01"])
        #expect(r.exitCode == 2 && r.errors.contains(named), "\(r.exitCode) \(r.errors)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("bascule.sqlite").path))
    }

    @Test("A remote relay without STARTTLS is accepted only with tls: non-sécurisé, and then every run says so")
    func insecureRelay() throws {
        let yaml = "courriel: { relais: \"smtp.exemple.fr:25\", expediteur: bascule@exemple.fr, departement: [dsi@exemple.fr], tls: non-sécurisé }"
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try yaml.write(toFile: dir.file("bascule.yml").path, atomically: true, encoding: .utf8)
        let mail = try #require(try Configuration.load(dir.file("bascule.yml").path)?.mailSettings())
        #expect(mail.relay.verdict == .cleartextAllowed(host: "smtp.exemple.fr"))
        let warnings = Warnings()
        _ = try DailyScheduler.configured(dataDirectory: dir.path, configuration: try #require(try Configuration.load(dir.file("bascule.yml").path)),
                                          variables: { _ in nil }, stores: LocationStoreProvider(location: .embedded(dataDirectory: dir.path)),
                                          clock: { TestClock.date("2026-09-01T06:30:00+02:00") }, passwordRounds: 10_000, actor: "test",
                                          warn: { warnings.add($0) })
        #expect(warnings.all.contains { $0.contains("relais de courriel smtp.exemple.fr sans STARTTLS") }, "\(warnings.all)")
    }
}

final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

final class Sleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Duration] = []
    func add(_ d: Duration) -> Int { lock.withLock { list.append(d); return list.count } }
    var all: [Duration] { lock.withLock { list } }
}

@Suite("The scheduler: every school each day, catching up, in parallel on PostgreSQL, one failure holding up no one")
struct DailySchedulerTests {
    @Test("serve: what is due at start (yesterday before the hour), then each day at the hour; the clock and the sleep are the test's")
    func serve() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.configure("service: { heure: \"06:30\", fuseau: Europe/Paris }\n")
        try department.drop(uai, year: 2026)
        let clock = TestClock("2026-09-01T05:00:00+02:00")
        let scheduler = try department.scheduler(clock: clock)
        let sleeps = Sleeps()
        do {
            try await scheduler.serve(sleep: { d in
                if sleeps.add(d) == 3 { throw CancellationError() }
                clock.advance(d)
            })
        } catch is CancellationError {}
        #expect(sleeps.all == [.seconds(5400), .seconds(86_400), .seconds(86_400)], "\(sleeps.all)")
        let store = try await Store.open(.embedded(dataDirectory: department.data), creating: false)
        let runs = try await store.dailyRuns(uai: UAI(uai)!)
        await store.close()
        #expect(runs.map(\.day.description) == ["2026-08-31", "2026-09-01", "2026-09-02"] && runs.allSatisfy { $0.state == "done" })
    }

    @Test("A school whose day fails (any error) holds up no other: a to-do for the department, logged; the next run starts that day again and closes it")
    func failureIsolated() async throws {
        let department = try await GeneratedDepartment(schools: 2)
        defer { department.remove() }
        let (broken, fine) = (department.schools[0], department.schools[1])
        try department.configure("service: { heure: \"06:30\", fuseau: Europe/Paris }\n")
        for uai in department.schools { try department.drop(uai, year: 2026) }
        // The first school in order gets a calendar its run cannot read.
        let calendar = department.data + "/calendriers/\(broken)/2026-2027.yml"
        try FileManager.default.createDirectory(atPath: department.data + "/calendriers/\(broken)", withIntermediateDirectories: true)
        try "annee: 2026-2027\nentrees: [[[\n".write(toFile: calendar, atomically: true, encoding: .utf8)
        let clock = TestClock("2026-09-03T07:00:00+02:00")
        let done = try await department.scheduler(clock: clock).runDay(day("2026-09-03"))
        let failed = try #require(done.schools.first { $0.uai.code == broken })
        #expect(failed.failure != nil && failed.reports.isEmpty)
        let ran = try #require(done.schools.first { $0.uai.code == fine })
        #expect(ran.failure == nil && ran.reports.count == 1 && ran.reports[0].steps.contains { $0.contains("appliqué") }, "\(ran.reports.map(\.steps))")
        let todos = try await openToDos(department.data)
        #expect(todos.count == 1 && todos[0]["kind"] as? String == "run-failed" && todos[0]["role"] as? String == "departement"
                && todos[0]["uai"] as? String == broken, "\(todos)")
        #expect((todos.first?["reason"] as? [String: Any])?["french"].map { "\($0)" }?.contains("2026-2027.yml") == true, "\(todos)")

        // The CLI: the same, and it ends as the error says (a calendar file: 2).
        let cli = await bascule(["run", "--data", department.data, "--date", "2026-09-04", "--password-rounds", "10000"])
        #expect(cli.exitCode == 2 && cli.output.contains("== \(fine) au 2026-09-04 =="), "\(cli.output) \(cli.errors)")
        #expect(try await openToDos(department.data).count == 1, "the same to-do, not one a day")

        // Fixed: the next run does 3 and 4 September (and 5), and the to-do closes.
        try FileManager.default.removeItem(atPath: calendar)
        clock.set("2026-09-05T07:00:00+02:00")
        let again = try await department.scheduler(clock: clock).runDue()
        let caughtUp = try #require(again.schools.first { $0.uai.code == broken })
        #expect(caughtUp.failure == nil && caughtUp.reports.map(\.day.description) == ["2026-09-03", "2026-09-04", "2026-09-05"],
                "\(caughtUp.reports.map { "\($0.day) \($0.skipped)" })")
        #expect(try await openToDos(department.data).isEmpty)
    }

    @Test("On PostgreSQL, schools run side by side on connections of their own (up to the cores); their writes never collide")
    func parallelOnPostgres() async throws {
        let department = try await GeneratedDepartment(schools: 3)
        defer { department.remove() }
        for uai in department.schools { try department.drop(uai, year: 2026) }
        let count = ConnectionCount(barrier: 3)
        let stores = CountingStores(inner: LocationStoreProvider(location: .postgres(url: try PostgresServer.freshDatabaseURL()), creating: true),
                                    count: count)
        let scheduler = try department.scheduler(clock: TestClock("2026-09-03T07:00:00+02:00"), stores: stores, parallelism: 3)
        #expect(scheduler.parallelism == 3)
        let done = try await scheduler.runDay(day("2026-09-03"), only: department.schools.map { UAI($0)! })
        #expect(await count.most == 3, "three schools at once, each on its own connection")
        #expect(done.schools.allSatisfy { $0.failure == nil && $0.reports.count == 1 }, "\(done.schools.map { $0.failure?.french ?? "ok" })")
        #expect(done.schools.allSatisfy { $0.reports.first?.steps.contains { $0.contains("appliqué") } == true })
        // The cores by default.
        let byDefault = try department.scheduler(clock: TestClock("2026-09-03T07:00:00+02:00"), stores: stores)
        #expect(byDefault.parallelism == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("On SQLite, one school after the other (one writer at a time)")
    func sequentialOnSQLite() async throws {
        let department = try await GeneratedDepartment(schools: 2)
        defer { department.remove() }
        for uai in department.schools { try department.drop(uai, year: 2026) }
        let count = ConnectionCount()
        let stores = CountingStores(inner: LocationStoreProvider(location: .embedded(dataDirectory: department.data), creating: true), count: count)
        let scheduler = try department.scheduler(clock: TestClock("2026-09-03T07:00:00+02:00"), stores: stores, parallelism: 8)
        #expect(scheduler.parallelism == 1)
        let done = try await scheduler.runDay(day("2026-09-03"))
        #expect(await count.most == 1)
        #expect(done.schools.count == 2 && done.schools.allSatisfy { $0.failure == nil })
    }
}

import BasculeTesting
import Foundation
import Testing

@Suite("A killed apply leaves all or nothing, and the next apply finishes the job once")
struct CrashTests {
    @Test("bascule apply killed inside its write transaction (seen holding SQLite's write lock), then run again")
    func killedApply() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "no bascule executable next to the tests: \(exe)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        _ = await bascule(["generate", "--students", "300", "--years", "1", "--first-year", "2026", "--seed", "9", "--out", exports])
        let files = FileManager.default.enumerator(atPath: exports)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".zip") }.map { exports + "/" + $0 }
        let data = dir.file("data").path
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + files).exitCode == 0)
        let planned = await bascule(["plan", "--data", data, "--date", "2026-09-03", "--json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planned.output.utf8)) as? [[String: Any]])
        let actions = try #require(plan.first?["actions"] as? [Any]).count
        let created = try #require((plan.first?["summary"] as? [String: Int])?["accountsCreated"])
        func accounts(_ data: String) async -> Int {
            let listed = await bascule(["accounts", "--data", data, "--json"])
            return (try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [Any])?.count ?? -1
        }

        // Each run works on a copy of the imported store, is killed once it is seen writing, after a
        // further pause that grows from run to run, so the kills fall at different points of the
        // transaction. No clock decides whether a kill landed inside: the lock, read just before the
        // kill, does. The watching runs on a thread of its own, not in the tests' busy task pool.
        var outcomes: [String] = []
        var killedInside: [String] = []
        for pause in [0, 1, 3, 6, 10, 15, 25, 40] {
            let copy = dir.file("essai-\(pause)").path
            try ChildProcess.run("/bin/cp", ["-a", data, copy])
            let child = try ChildProcess.start(exe, ["apply", "--data", copy, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
            let moment = await KillWatch.kill(child, whileWriting: copy + "/bascule.sqlite", after: pause)
            let count = await accounts(copy)
            // Whatever the moment, the directory holds no account or all of them, never a part.
            #expect(count == 0 || count == created, "after a kill \(moment): \(count) accounts")
            if moment == .inside && count == 0 { killedInside.append(copy) }
            outcomes.append("+\(pause)ms:\(moment):\(count)")
        }
        print("kills: \(outcomes)")
        let resumed = try #require(killedInside.first, "no kill landed while apply held the write lock: \(outcomes)")

        let finish = await bascule(["apply", "--data", resumed, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(finish.exitCode == 0, "\(finish.errors)")
        #expect(await accounts(resumed) == created)
        // Exactly once: each action of the plan is in the audit once, under one applied plan.
        let audit = await bascule(["audit", "--data", resumed, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(entries.filter { $0["event"] as? String == "apply" }.count == 1, "\(outcomes)")
        #expect(entries.count == actions + 1)
        #expect(await bascule(["plan", "--data", resumed, "--date", "2026-09-03"]).output.contains("Rien à changer."))
    }
}

@Suite("A department's day killed (SIGKILL, a power cut) at any point: the next run finishes it once")
struct KilledDayTests {
    @Test("bascule run killed while it writes (the drop folder's import, the apply, the day's journal), at growing pauses; each copy run again: the same accounts as a day never killed, each school applied once, then « déjà fait »")
    func killedDailyRun() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "no bascule executable next to the tests: \(exe)")
        let department = try await GeneratedDepartment(schools: 2, students: 60)
        defer { department.remove() }
        for uai in department.schools { try department.drop(uai, year: 2026) }
        let day = ["--date", "2026-09-03", "--password-rounds", "10000"]
        func accounts(_ data: String) async throws -> [String] {
            try jsonArray(await bascule(["accounts", "--data", data, "--json"]).output).map { "\($0["login"] ?? "") \($0["status"] ?? "")" }.sorted()
        }
        func applies(_ data: String) async throws -> [String] {
            try jsonArray(await bascule(["audit", "--data", data, "--json"]).output).filter { $0["event"] as? String == "apply" }
                .map { "\($0["uai"] ?? "")" }.sorted()
        }

        // The day never killed, on a copy: what every killed copy must come to.
        let reference = department.dir.file("reference").path
        try ChildProcess.run("/bin/cp", ["-a", department.data, reference])
        let whole = await bascule(["run", "--data", reference] + day)
        #expect(whole.exitCode == 0, "\(whole.errors)")
        let expected = try await accounts(reference)
        #expect(expected.count > 100)
        #expect(try await applies(reference) == department.schools)

        // Each copy is killed in its n-th write transaction (as the watcher sees them): the first
        // school's import and apply, the day's journal, the second school's. No clock decides where.
        var outcomes: [String] = []
        var inside = 0
        for write in 1...10 {
            let copy = department.dir.file("essai-\(write)").path
            try ChildProcess.run("/bin/cp", ["-a", department.data, copy])
            let child = try ChildProcess.start(exe, ["run", "--data", copy] + day)
            let moment = await KillWatch.kill(child, whileWriting: copy + "/bascule.sqlite", after: (write - 1) % 3, atWrite: write)
            if moment == .inside { inside += 1 }
            let label = "écriture \(write) : \(moment)"
            let again = await bascule(["run", "--data", copy] + day)
            #expect(again.exitCode == 0, "killed at \(label), run again: \(again.output) \(again.errors)")
            #expect(try await accounts(copy) == expected, "killed at \(label)")
            #expect(try await applies(copy) == department.schools, "each school applied once, killed at \(label)")
            let third = await bascule(["run", "--data", copy] + day)
            #expect(department.schools.allSatisfy { third.output.contains("\($0) 2026-09-03 : déjà fait.") }, "\(third.output)")
            outcomes.append(label)
        }
        print("kills: \(outcomes)")
        #expect(inside >= 1, "no kill landed while the run held the write lock: \(outcomes)")
    }
}

/// Kills a child at a point of its work, watched from a thread of its own: the tests' task pool
/// can be too busy to look often enough.
enum KillWatch {
    /// Kills `child` as soon as `condition` holds; false when the child ended first.
    static func kill(_ child: ChildProcess, once condition: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var killed = false
                while !child.hasExited() {
                    if condition() {
                        child.kill()
                        child.wait()
                        killed = true
                        break
                    }
                    usleep(200)
                }
                continuation.resume(returning: killed)
            }
        }
    }

    enum Moment: String, CustomStringConvertible, Sendable {
        case inside, after, neverWrote = "never wrote"
        var description: String { rawValue }
    }

    /// Kills `child` in the `atWrite`-th write transaction it is seen holding `database`'s lock
    /// in, `pause` milliseconds after seeing it: `inside` when it still held the lock then.
    static func kill(_ child: ChildProcess, whileWriting database: String, after pause: Int, atWrite: Int = 1) async -> Moment {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var moment = Moment.neverWrote
                var exited = false
                var seen = 0, holding = false
                while !exited {
                    let held = SQLiteWriteLock.holder(database: database) == child.pid
                    if held && !holding { seen += 1 }
                    holding = held
                    if held && seen >= atWrite {
                        usleep(useconds_t(pause * 1_000))
                        moment = SQLiteWriteLock.holder(database: database) == child.pid ? .inside : .after
                        child.kill()
                        break
                    }
                    exited = child.hasExited()
                    usleep(200)
                }
                if !exited { child.wait() }
                continuation.resume(returning: moment)
            }
        }
    }
}

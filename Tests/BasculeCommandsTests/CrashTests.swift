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
        let database = dir.file("bascule.sqlite").path
        _ = await bascule(["generate", "--students", "300", "--years", "1", "--first-year", "2026", "--seed", "9", "--out", exports])
        let files = FileManager.default.enumerator(atPath: exports)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".zip") }.map { exports + "/" + $0 }
        #expect(await bascule(["import", "--data", dir.path, "--date", "2026-09-03"] + files).exitCode == 0)
        let planned = await bascule(["plan", "--data", dir.path, "--date", "2026-09-03", "--json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planned.output.utf8)) as? [[String: Any]])
        let actions = try #require(plan.first?["actions"] as? [Any]).count
        let created = try #require((plan.first?["summary"] as? [String: Int])?["accountsCreated"])
        func accounts() async -> Int {
            let listed = await bascule(["accounts", "--data", dir.path, "--json"])
            return (try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [Any])?.count ?? -1
        }

        // Each run is killed once it is seen writing, after a further pause that grows from run to
        // run, so the kills fall at different points of the transaction. No clock decides whether a
        // kill landed inside: the lock, read just before the kill, does.
        var outcomes: [String] = []
        var insideTransaction = 0
        for pause in [0, 1, 3, 6, 10, 15, 25, 40] {
            let child = try ChildProcess.start(exe, ["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
            var writing = false
            for _ in 0..<120_000 where !writing {
                if SQLiteWriteLock.holder(database: database) == child.pid { writing = true; break }
                if child.hasExited() { break }
                try await Task.sleep(nanoseconds: 500_000)
            }
            guard writing else {
                outcomes.append("+\(pause)ms:ended before writing")
                child.wait()
                break
            }
            try await Task.sleep(nanoseconds: UInt64(pause) * 1_000_000)
            let stillWriting = SQLiteWriteLock.holder(database: database) == child.pid
            child.kill()
            child.wait()
            // Whatever the moment, the directory holds no account or all of them, never a part.
            let count = await accounts()
            #expect(count == 0 || count == created, "after a kill \(pause) ms into a write: \(count) accounts")
            if stillWriting && count == 0 { insideTransaction += 1 }
            outcomes.append("+\(pause)ms:\(stillWriting ? "inside" : "after"):\(count)")
            if count == created { break }
        }
        print("kills: \(outcomes)")
        #expect(insideTransaction > 0, "no kill landed while apply held the write lock: \(outcomes)")

        let finish = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(finish.exitCode == 0, "\(finish.errors)")
        #expect(await accounts() == created)
        // Exactly once: each action of the plan is in the audit once, under one applied plan.
        let audit = await bascule(["audit", "--data", dir.path, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(entries.filter { $0["event"] as? String == "apply" }.count == 1, "\(outcomes)")
        #expect(entries.count == actions + 1)
        #expect(await bascule(["plan", "--data", dir.path, "--date", "2026-09-03"]).output.contains("Rien à changer."))
    }
}

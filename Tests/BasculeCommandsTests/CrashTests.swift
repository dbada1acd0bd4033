import BasculeTesting
import Foundation
import Testing

@Suite("A killed apply leaves all or nothing, and the next apply finishes the job once")
struct CrashTests {
    @Test("bascule apply killed at various moments, then run again")
    func killedApply() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        _ = await bascule(["generate", "--students", "300", "--years", "1", "--first-year", "2026", "--seed", "9", "--out", exports])
        let files = FileManager.default.enumerator(atPath: exports)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".zip") }.map { exports + "/" + $0 }
        #expect(await bascule(["import", "--data", dir.path, "--date", "2026-09-03"] + files).exitCode == 0)
        let planned = await bascule(["plan", "--data", dir.path, "--date", "2026-09-03", "--json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planned.output.utf8)) as? [[String: Any]])
        let actions = try #require(plan.first?["actions"] as? [Any]).count
        let created = try #require((plan.first?["summary"] as? [String: Int])?["accountsCreated"])

        var outcomes: [String] = []
        // Kills sweep the whole run in small steps, so that some land inside the write itself.
        for delay in stride(from: 0.05, through: 6.0, by: 0.07) {
            let child = try ChildProcess.start(exe, ["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            child.kill()
            let code = child.wait()
            // Whatever the moment, the directory holds no account or all of them, never a part.
            let accounts = await bascule(["accounts", "--data", dir.path, "--json"])
            let count = (try JSONSerialization.jsonObject(with: Data(accounts.output.utf8)) as? [Any])?.count ?? -1
            #expect(count == 0 || count == created, "after a kill at \(delay) s: \(count) accounts")
            outcomes.append("\(String(format: "%.2f", delay))s:\(code.map(String.init) ?? "killed"):\(count)")
            if count == created { break }
        }
        print("kills: \(outcomes)")
        let finish = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(finish.exitCode == 0, "\(finish.errors)")
        let accounts = await bascule(["accounts", "--data", dir.path, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(accounts.output.utf8)) as? [Any])?.count == created)
        // Exactly once: each action of the plan is in the audit once, under one applied plan.
        let audit = await bascule(["audit", "--data", dir.path, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(entries.filter { $0["event"] as? String == "apply" }.count == 1, "\(outcomes)")
        #expect(entries.count == actions + 1)
        #expect(await bascule(["plan", "--data", dir.path, "--date", "2026-09-03"]).output.contains("Rien à changer."))
    }
}

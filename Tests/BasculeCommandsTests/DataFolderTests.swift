import BasculeTesting
import Foundation
import Testing

/// Every path under `root` (itself included) whose mode lets group or other in.
private func openToOthers(_ root: String) -> [String] {
    var out: [String] = []
    var st = stat()
    if lstat(root, &st) == 0, st.st_mode & 0o077 != 0, (st.st_mode & S_IFMT) != S_IFLNK { out.append("\(root) \(String(st.st_mode & 0o7777, radix: 8))") }
    for name in FileManager.default.subpaths(atPath: root) ?? [] {
        let p = root + "/" + name
        if lstat(p, &st) == 0, st.st_mode & 0o077 != 0, (st.st_mode & S_IFMT) != S_IFLNK {
            out.append("\(p) \(String(st.st_mode & 0o7777, radix: 8))")
        }
    }
    return out
}

/// The real executable, run by `/bin/sh` with the umask most accounts have (022), so that what
/// Bascule makes is owner-only because Bascule says so, not because the test process's umask does.
private func basculeWithUmask022(_ args: [String], tmp: String? = nil) throws -> ChildProcess.Ended {
    let quoted = ([ChildProcess.basculeExecutable] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    var environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
    if let tmp { environment["TMPDIR"] = tmp }
    return try ChildProcess.outcome("/bin/sh", ["-c", "umask 022; exec " + quoted.joined(separator: " ")], environment: environment)
}

@Suite("Personal data readable by its owner only: the data folder, the store, the exports read from a ZIP", .serialized)
struct DataFolderTests {
    @Test("A new data folder and its store are owner-only whatever the umask; one an older version left open (0755, 0644) is closed at the next run; a folder holding other things is only warned about")
    func ownerOnly() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ChildProcess.basculeExecutable), "build the bascule executable first (swift build)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "40", "--years", "1", "--first-year", "2026", "--seed", "2", "--out", exports]).exitCode == 0)
        let files = generatedFiles(exports, year: 2026)

        let imported = try basculeWithUmask022(["import", "--data", data, "--date", "2026-09-03"] + files)
        #expect(imported.code == 0, "\(imported.output)")
        #expect(FileManager.default.fileExists(atPath: data + "/bascule.sqlite"))
        #expect(openToOthers(data).isEmpty, "\(openToOthers(data))")

        // As Bascule before this version left it.
        for name in ["", "/bascule.sqlite", "/bascule.sqlite-wal", "/bascule.sqlite-shm"] where FileManager.default.fileExists(atPath: data + name) {
            chmod(data + name, name.isEmpty ? 0o755 : 0o644)
        }
        #expect(!openToOthers(data).isEmpty)
        let listed = try basculeWithUmask022(["people", "--data", data])
        #expect(listed.code == 0, "\(listed.output)")
        #expect(openToOthers(data).isEmpty, "\(openToOthers(data))")
        #expect(!listed.output.contains("ATTENTION"))

        // A folder that holds something else is not Bascule's to change: said, left as it is.
        let shared = dir.file("partage").path
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o755)
        try "à moi".write(toFile: shared + "/notes.txt", atomically: true, encoding: .utf8)
        let warned = await bascule(["import", "--data", shared, "--date", "2026-09-03"] + files)
        #expect(warned.exitCode == 0, "\(warned.errors)")
        #expect(warned.errors.contains("ATTENTION : le dossier de données \(shared) est accessible à d'autres utilisateurs (mode 755)"), "\(warned.errors)")
        var st = stat()
        #expect(stat(shared, &st) == 0 && st.st_mode & 0o777 == 0o755)
        #expect(stat(shared + "/bascule.sqlite", &st) == 0 && st.st_mode & 0o777 == 0o600, "the store itself is still owner-only")
    }

    @Test("An export read from a ZIP is extracted in a private folder (0700): killed at any moment, nothing is left readable by others, and the next run removes what a killed run left; stopped by SIGTERM or SIGINT, nothing is left at all")
    func zipScratch() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "1500", "--years", "1", "--first-year", "2026", "--seed", "2", "--out", exports]).exitCode == 0)
        let zip = try #require(generatedFiles(exports, year: 2026).first { $0.hasSuffix(".zip") })
        // The temporary folder, as /tmp is: anyone may look in it.
        let tmp = dir.file("tmp").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        chmod(tmp, 0o1777)
        let arguments = ["import", "--data", data, "--date", "2026-09-03", zip]
        func start() throws -> ChildProcess {
            let quoted = ([exe] + arguments).map { "'\($0)'" }.joined(separator: " ")
            return try ChildProcess.start("/bin/sh", ["-c", "umask 022; exec \(quoted)"],
                                          environment: ["PATH": "/usr/bin:/bin", "TMPDIR": tmp, "LC_ALL": "C.UTF-8"])
        }
        func left() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] }

        // How long a whole read takes here (the second time, caches warm), so that the stops spread over it.
        var length = 0.0
        for _ in 0..<2 {
            let began = Date()
            let whole = try start()
            #expect(whole.wait() == 0)
            length = max(Date().timeIntervalSince(began), 0.1)
            #expect(left().isEmpty, "a run that ends leaves nothing: \(left())")
            try FileManager.default.removeItem(atPath: data)
        }

        var caught = 0
        for step in 0..<16 {
            let delay = length * Double(step) / 16
            let child = try start()
            await ChildProcess.pause(seconds: delay)
            child.kill()
            child.wait()
            caught += left().isEmpty ? 0 : 1
            // What is left is a folder only its owner may enter: nothing in it is within anyone else's reach.
            let reachable = left().filter { name in
                var st = stat()
                return lstat(tmp + "/" + name, &st) != 0 || (st.st_mode & S_IFMT) != S_IFDIR || st.st_mode & 0o077 != 0
            }
            #expect(reachable.isEmpty, "after a kill at \(delay) s: \(openToOthers(tmp))")
        }
        print("SIGKILL: \(caught) of 16 kills left a private folder behind")
        let next = try ChildProcess.outcome(exe, ["imports", "--data", data], environment: ["PATH": "/usr/bin:/bin", "TMPDIR": tmp])
        #expect(next.code == 0, "\(next.output)")
        #expect(left().isEmpty, "the next run removes what killed runs left: \(left())")

        var stopped = 0, reading = 0
        for step in 0..<12 {
            let delay = length * Double(step) / 12
            let child = try start()
            await ChildProcess.pause(seconds: delay)
            reading += left().isEmpty ? 0 : 1
            child.kill(step % 2 == 0 ? SIGTERM : SIGINT)
            if child.wait() == nil { stopped += 1 }
            #expect(left().isEmpty, "after a stop at \(delay) s: \(left())")
        }
        print("SIGTERM/SIGINT: \(stopped) of 12 runs stopped before their end, \(reading) while reading the ZIP (whole run \(length) s)")
    }
}

import Foundation

/// A private PostgreSQL server for the tests: Debian's own binaries, a cluster in a temporary
/// folder, listening on loopback only, started once per test process and stopped when it exits.
///
/// `BASCULE_TEST_POSTGRES_URL` points the tests at an existing server instead. Without either,
/// the tests that need PostgreSQL fail with a message saying what to install: a backend that is
/// not tested is not silently skipped.
public enum PostgresServer {
    public enum LaunchError: Error, Sendable, CustomStringConvertible {
        case notInstalled
        case failed(String)

        public var description: String {
            switch self {
            case .notInstalled:
                "PostgreSQL n'est pas installé (apt-get install postgresql) et BASCULE_TEST_POSTGRES_URL n'est pas défini."
            case .failed(let why): "PostgreSQL n'a pas démarré : \(why)"
            }
        }
    }

    private static let shared: Result<String, LaunchError> = launch()

    /// A URL for a new, empty database on the shared server.
    public static func freshDatabaseURL() throws -> String {
        let base = try shared.get()
        let name = "bascule_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try psql(base, "CREATE DATABASE \(name)")
        return base + "/" + name
    }

    /// Writes `pg_dump`'s plain SQL dump of the database at `url` (from ``freshDatabaseURL()``)
    /// to `file`: everything the database holds, as a person with a copy of it would see it.
    public static func dump(_ url: String, to file: String) throws {
        let pgDump = (binDirectory().map { $0 + "/pg_dump" }).flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
            ?? "/usr/bin/pg_dump"
        try ChildProcess.run(pgDump, ["--no-owner", "--file=\(file)", "--dbname=\(url)"])
    }

    /// Base URL without a database: `postgres://user:pw@127.0.0.1:port`.
    private static func launch() -> Result<String, LaunchError> {
        if let url = ProcessInfo.processInfo.environment["BASCULE_TEST_POSTGRES_URL"], !url.isEmpty {
            return .success(url.hasSuffix("/") ? String(url.dropLast()) : url)
        }
        guard let bin = binDirectory() else { return .failure(.notInstalled) }
        do {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-pg-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let data = dir.appendingPathComponent("data").path
            let asRoot = getuid() == 0
            // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user then.
            if asRoot { try ChildProcess.run("/bin/chown", ["-R", "postgres", dir.path]) }
            let pwfile = dir.appendingPathComponent("pw").path
            try "bascule".write(toFile: pwfile, atomically: true, encoding: .utf8)
            if asRoot { try ChildProcess.run("/bin/chown", ["postgres", pwfile]) }
            try runAs(asRoot, bin + "/initdb", ["-D", data, "-U", "bascule", "--pwfile=\(pwfile)", "-A", "scram-sha-256",
                                               "-E", "UTF8", "--no-locale"])
            // A port free when chosen may be taken before the server binds it: pg_ctl then fails (the
            // postmaster cannot bind, and pg_ctl -w watches its own server's pid file, never the port),
            // and the server is started again on another.
            var port = 0
            for attempt in 1...5 {
                port = SlapdServer.freePort()
                do {
                    try runAs(asRoot, bin + "/pg_ctl", ["-D", data, "-l", dir.appendingPathComponent("log").path, "-w",
                                                       "-o", "-h 127.0.0.1 -p \(port) -k \(dir.path) -F", "start"])
                    break
                } catch where attempt < 5 {
                    continue
                }
            }
            atexit_paths.append((bin + "/pg_ctl", dir.path, asRoot))
            atexit { PostgresServer.stopAll() }
            return .success("postgres://bascule:bascule@127.0.0.1:\(port)")
        } catch {
            return .failure(.failed("\(error)"))
        }
    }

    nonisolated(unsafe) private static var atexit_paths: [(String, String, Bool)] = []

    private static func stopAll() {
        for (pgctl, dir, asRoot) in atexit_paths {
            try? runAs(asRoot, pgctl, ["-D", dir + "/data", "-m", "immediate", "stop"])
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    static func binDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(v)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        return nil
    }

    /// A port the kernel just had free on loopback; a launch still retries when it is taken meanwhile.
    static func freePort() -> Int { SlapdServer.freePort() }

    static func runAs(_ asRoot: Bool, _ tool: String, _ args: [String]) throws {
        if asRoot {
            try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + args)
        } else {
            try ChildProcess.run(tool, args)
        }
    }

    static func psql(_ base: String, _ sql: String) throws {
        let psql = (binDirectory().map { $0 + "/psql" }).flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
            ?? "/usr/bin/psql"
        try ChildProcess.run(psql, [base + "/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }
}

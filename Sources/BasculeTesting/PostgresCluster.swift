import Foundation

/// A PostgreSQL server of its own for one test, listening on loopback and on `host` (an address
/// of this machine that is not loopback), with TLS (a certificate for both, signed by a test CA)
/// and every connection logged with its TLS state: what travels between Bascule and a database on
/// another machine. Stopped and removed when the value goes away.
public final class PostgresCluster: @unchecked Sendable {
    public let host: String
    public let port: Int
    public let user = "bascule"
    /// Random: never the shared server's.
    public let password = "pg-" + UUID().uuidString
    /// The CA that signed the server's certificate.
    public let caFile: String
    private let directory: URL
    private let bin: String
    private let asRoot = getuid() == 0

    public init(alsoListenOn host: String) throws {
        guard let bin = PostgresServer.binDirectory() else { throw PostgresServer.LaunchError.notInstalled }
        self.bin = bin
        self.host = host
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-pgtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certs = try SlapdServer.makeCertificates(in: directory.appendingPathComponent("tls"), alsoFor: [host])
        caFile = certs.ca
        let pwfile = directory.appendingPathComponent("pw").path
        try password.write(toFile: pwfile, atomically: true, encoding: .utf8)
        chmod(certs.key, 0o600)
        // PostgreSQL refuses to run as root, and a key others can read.
        if asRoot { try ChildProcess.run("/bin/chown", ["-R", "postgres", directory.path]) }
        let data = directory.appendingPathComponent("data").path
        try PostgresServer.runAs(asRoot, bin + "/initdb", ["-D", data, "-U", user, "--pwfile=\(pwfile)", "-A", "scram-sha-256",
                                                            "-E", "UTF8", "--no-locale"])
        let hba = data + "/pg_hba.conf"
        let lines = (try String(contentsOfFile: hba, encoding: .utf8)) + "host all all \(host)/32 scram-sha-256\n"
        try lines.write(toFile: hba, atomically: false, encoding: .utf8)
        port = PostgresServer.freePort()
        let options = "-h 127.0.0.1,\(host) -p \(port) -k \(directory.path) -F -c ssl=on -c ssl_cert_file=\(certs.cert) "
            + "-c ssl_key_file=\(certs.key) -c log_connections=on"
        try PostgresServer.runAs(asRoot, bin + "/pg_ctl", ["-D", data, "-l", logFile, "-w", "-o", options, "start"])
    }

    deinit {
        try? PostgresServer.runAs(asRoot, bin + "/pg_ctl", ["-D", directory.path + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's log: each connection, authorized with or without SSL.
    public var logFile: String { directory.appendingPathComponent("log").path }
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// A new empty database, made over loopback.
    public func createDatabase() throws -> String {
        let name = "bascule_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try PostgresServer.psql("postgres://\(user):\(password)@127.0.0.1:\(port)", "CREATE DATABASE \(name)")
        return name
    }

    /// A URL without the password, as Bascule wants it.
    public func url(host: String, database: String, query: String = "") -> String {
        "postgres://\(user)@\(host):\(port)/\(database)\(query.isEmpty ? "" : "?" + query)"
    }
}

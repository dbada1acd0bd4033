import BasculeTesting
import Foundation
import Testing

/// An address of this machine that is not loopback: a server there is reached over a network
/// interface, as a department's directory or database would be.
private let remoteAddress = NetworkAddress.firstNonLoopbackIPv4()

@Suite("Secrets on command lines and on the wire: the database password, TLS to PostgreSQL and to the directory",
       .serialized, .enabled(if: remoteAddress != nil, "needs an IPv4 address that is not loopback"))
struct TransportSecurityTests {
    /// A one-year collège imported into the embedded store, for the directory's tests.
    func school(_ dir: TemporaryDirectory) async throws -> (data: String, exports: String) {
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "30", "--years", "1", "--first-year", "2026", "--seed", "6", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        return (data, exports)
    }

    @Test("The database password never on the command line: a URL holding one is refused; it comes from a file only its owner reads, or from BASCULE_DATABASE_PASSWORD")
    func databasePassword() async throws {
        let pg = try PostgresCluster(alsoListenOn: remoteAddress!)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (_, exports) = try await school(dir)
        let files = generatedFiles(exports, year: 2026)
        let database = try pg.createDatabase()
        // Loopback: nothing leaves the machine, no TLS needed (this server's certificate is the test CA's).
        let local = pg.url(host: "127.0.0.1", database: database, query: "sslmode=disable")
        let data = ["--data", dir.file("pgdata").path]

        let inURL = await bascule(["import"] + data + ["--database", local.replacingOccurrences(of: "bascule@", with: "bascule:\(pg.password)@"),
                                                       "--date", "2026-09-03"] + files)
        #expect(inURL.exitCode == 2 && inURL.errors.contains("l'URL contient un mot de passe"), "\(inURL.errors)")
        #expect(!inURL.errors.contains(pg.password) && !inURL.output.contains(pg.password))

        let secret = dir.file("pg.pass").path
        try (pg.password + "\n").write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o644)
        let readable = await bascule(["people"] + data + ["--database", local, "--database-password-file", secret])
        #expect(readable.exitCode == 2 && readable.errors.contains("lisible par d'autres que son propriétaire"), "\(readable.errors)")
        chmod(secret, 0o600)
        let imported = await bascule(["import"] + data + ["--database", local, "--database-password-file", secret, "--date", "2026-09-03"] + files)
        #expect(imported.exitCode == 0, "\(imported.errors)")

        // From the environment, as a cron job or a systemd unit gives it: the real executable.
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let fromEnvironment = try ChildProcess.outcome(exe, ["people"] + data + ["--database", local, "--json"], environment: [
            "PATH": "/usr/bin:/bin", "BASCULE_DATABASE_PASSWORD": pg.password])
        #expect(fromEnvironment.code == 0 && fromEnvironment.output.contains("\"sourceId\""), "\(fromEnvironment.output.prefix(300))")
        let withoutPassword = try ChildProcess.outcome(exe, ["people"] + data + ["--database", local], environment: ["PATH": "/usr/bin:/bin"])
        #expect(withoutPassword.code == 3, "\(withoutPassword.output)")
    }

    @Test("PostgreSQL on another machine: TLS required, the certificate checked; sslmode=disable refused unless --insecure-database, which warns at every run")
    func postgresTLS() async throws {
        let host = remoteAddress!
        let pg = try PostgresCluster(alsoListenOn: host)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let secret = dir.file("pg.pass").path
        try pg.password.write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o600)
        let database = try pg.createDatabase()
        // Bascule's schema first, over loopback: a database Bascule never migrated is refused when read.
        let migrated = await bascule(["import", "--data", dir.file("data").path, "--database", pg.url(host: "127.0.0.1", database: database, query: "sslmode=disable"),
                                      "--database-password-file", secret, "--date", "2026-09-03", fixture("sts_emp_0860001X_2026.xml")])
        #expect(migrated.exitCode == 0, "\(migrated.errors)")
        func people(_ url: String, _ more: [String] = []) async -> CommandResult {
            await bascule(["people", "--data", dir.file("data").path, "--database", url, "--database-password-file", secret] + more)
        }
        let migration = pg.log.split(separator: "\n").filter { $0.contains("connection authorized: user=bascule database=\(database)") }.count
        // The connections since the migration's, over loopback.
        func connections() -> [Substring] {
            Array(pg.log.split(separator: "\n").filter { $0.contains("connection authorized: user=bascule database=\(database)") }.dropFirst(migration))
        }

        let clear = await people(pg.url(host: host, database: database, query: "sslmode=disable"))
        #expect(clear.exitCode == 2 && clear.errors.contains("Bascule exige TLS"), "\(clear.errors)")
        let unknownCA = await people(pg.url(host: host, database: database))
        #expect(unknownCA.exitCode == 3, "the test CA is not the system's: \(unknownCA.errors)")
        #expect(connections().isEmpty, "nothing reached the server in clear: \(connections())")

        let verified = await people(pg.url(host: host, database: database, query: "sslrootcert=\(pg.caFile)"))
        #expect(verified.exitCode == 0, "\(verified.errors)")
        #expect(!verified.errors.contains("ATTENTION"))
        #expect(connections().count == 1 && connections().allSatisfy { $0.contains("SSL enabled") }, "\(connections())")

        let insecure = await people(pg.url(host: host, database: database, query: "sslmode=disable"), ["--insecure-database"])
        #expect(insecure.exitCode == 0, "\(insecure.errors)")
        #expect(insecure.errors.contains("ATTENTION : connexion à PostgreSQL sur \(host) sans TLS exigé (--insecure-database)"))
        #expect(connections().count == 2 && !connections()[1].contains("SSL enabled"), "the documented insecure setting: in clear")

        // Loopback needs no TLS: nothing leaves the machine.
        let loopback = await people(pg.url(host: "127.0.0.1", database: database, query: "sslmode=disable"))
        #expect(loopback.exitCode == 0 && !loopback.errors.contains("ATTENTION"), "\(loopback.errors)")
    }

    @Test("The directory on another machine: ldap:// without StartTLS refused before anything is sent, unless tls: non-sécurisé, which warns at every run; a CA for a connection without TLS is refused")
    func directoryTLS() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let host = remoteAddress!
        let slapd = try SlapdServer(tls: true, alsoListenOn: host)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (data, _) = try await school(dir)
        func sync(_ directory: String) throws -> ChildProcess.Ended {
            try """
            annuaire:
              base: \(slapd.base)
              compte: \(slapd.adminDN)
            \(directory)
            """.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
            return try ChildProcess.outcome(exe, ["directory", "sync", "--data", data, "--dry-run"], environment: [
                "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "BASCULE_LDAP_PASSWORD": slapd.adminPassword])
        }
        let plain = "ldap://\(host):\(slapd.port)"

        let clear = try sync("  url: \(plain)")
        #expect(clear.code == 2 && clear.output.contains("sans StartTLS enverrait le mot de passe du compte"), "\(clear.output)")
        let declared = try sync("  url: \(plain)\n  tls: non-sécurisé")
        #expect(declared.code == 0, "\(declared.output)")
        #expect(declared.output.contains("ATTENTION : annuaire \(host) sans TLS (tls: non-sécurisé dans bascule.yml)"))
        let startTLS = try sync("  url: \(plain)\n  starttls: true\n  ca: \(slapd.caFile!)")
        #expect(startTLS.code == 0 && !startTLS.output.contains("ATTENTION"), "\(startTLS.output)")
        let ldaps = try sync("  url: ldaps://\(host):\(slapd.securePortNumber!)\n  ca: \(slapd.caFile!)")
        #expect(ldaps.code == 0, "\(ldaps.output)")

        // A CA given, TLS not asked: what was written is not what would happen.
        let ignoredCA = try sync("  url: \(slapd.url)\n  ca: \(slapd.caFile!)")
        #expect(ignoredCA.code == 2 && ignoredCA.output.contains("ca est donné, mais la connexion"), "\(ignoredCA.output)")
        let unknownWord = try sync("  url: \(plain)\n  tls: peut-être")
        #expect(unknownWord.code == 2 && unknownWord.output.contains("annuaire.tls"), "\(unknownWord.output)")
        let loopback = try sync("  url: \(slapd.url)")
        #expect(loopback.code == 0 && !loopback.output.contains("ATTENTION"), "loopback needs no TLS: \(loopback.output)")
    }
}

import BasculeLDAP
import Foundation

/// A private OpenLDAP server for a test: Debian's `slapd` with a `slapd.conf` of its own in a
/// temporary folder, Bascule's schema and the ppolicy overlay loaded, listening on loopback only,
/// stopped when the value goes away. With `tls`, a CA and a server certificate are made with
/// `openssl` and slapd listens on `ldaps://` too (StartTLS works on the plain port).
public final class SlapdServer: @unchecked Sendable {
    public enum LaunchError: Error, CustomStringConvertible {
        case notInstalled
        case failed(String)

        public var description: String {
            switch self {
            case .notInstalled:
                "slapd n'est pas installé (apt-get install slapd ldap-utils, avec slapd/no_configuration à true)."
            case .failed(let why): "slapd n'a pas démarré : \(why)"
            }
        }
    }

    public let base = "dc=bascule,dc=test"
    public let adminDN = "cn=admin,dc=bascule,dc=test"
    public let adminPassword = "secret-de-test"
    public let url: String
    public let ldapsURL: String?
    /// The CA that signed the server's certificate, with `tls`.
    public let caFile: String?
    public let directory: URL
    /// The plain (StartTLS) port, and the ldaps port with `tls`.
    public let port: Int
    public let securePortNumber: Int?
    private let process: ChildProcess

    public static let binary = "/usr/sbin/slapd"

    /// With `alsoListenOn`, slapd listens on that address too (same ports), and the certificate
    /// names it: a server that is not on loopback, for the tests of what goes on the wire.
    /// With `noSync`, the database is not synchronised to disk after each write (`dbnosync`), as a
    /// provider whose durability comes from its replicas may run (docs/scale.md): benchmarks only.
    public init(tls: Bool = false, alsoListenOn host: String? = nil, noSync: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw LaunchError.notInstalled }
        guard let schema = OpenLDAPSchema.fileURL?.path else { throw LaunchError.failed("schéma de Bascule introuvable") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-slapd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("db"), withIntermediateDirectories: true)
        let certs = tls ? try Self.makeCertificates(in: directory, alsoFor: host.map { [$0] } ?? []) : nil
        caFile = certs?.ca
        // A port is free when chosen and may be taken before slapd binds it (another test's server,
        // any process): slapd then exits, and it is started again on other ports. Ready means our
        // own child wrote its pid file after binding, so a listener of someone else's is never taken
        // for ours.
        var attempt = 0
        while true {
            attempt += 1
            let port = Self.freePort()
            let securePort = tls ? Self.freePort() : nil
            let plain = "ldap://127.0.0.1:\(port)"
            let secure = securePort.map { "ldaps://127.0.0.1:\($0)" }
            var listen = [plain]
            if let host { listen.append("ldap://\(host):\(port)") }
            if let securePort {
                listen.append("ldaps://127.0.0.1:\(securePort)")
                if let host { listen.append("ldaps://\(host):\(securePort)") }
            }
            let confFile = try Self.writeConfiguration(in: directory, schema: schema, base: base, adminDN: adminDN,
                                                       adminPassword: adminPassword, certificates: certs, noSync: noSync)
            let child = try ChildProcess.start(Self.binary, ["-f", confFile, "-h", listen.map { $0 + "/" }.joined(separator: " "), "-d", "0"])
            if try Self.waitUntilReady(child, port: port, pidFile: directory.appendingPathComponent("slapd.pid").path) {
                url = plain
                ldapsURL = secure
                self.port = port
                securePortNumber = securePort
                process = child
                break
            }
            child.kill()
            child.wait()
            guard attempt < 5 else { throw LaunchError.failed("aucun port libre trouvé en 5 essais") }
        }
        let admin = try LDAPConnection(url: url)
        try admin.bind(dn: adminDN, password: adminPassword)
        try admin.add(base, [("objectClass", ["top", "dcObject", "organization"]), ("dc", ["bascule"]), ("o", ["Bascule (tests)"])])
    }

    deinit {
        process.kill()
        process.wait()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A connection bound as the directory's administrator.
    public func adminConnection(url: String? = nil, tls: LDAPTLSOptions = .init()) throws -> LDAPConnection {
        let c = try LDAPConnection(url: url ?? self.url, tls: tls)
        try c.bind(dn: adminDN, password: adminPassword)
        return c
    }

    private static func writeConfiguration(in directory: URL, schema: String, base: String, adminDN: String, adminPassword: String,
                                           certificates: (ca: String, cert: String, key: String)?, noSync: Bool) throws -> String {
        let tlsLines = certificates.map { """
            TLSCACertificateFile \($0.ca)
            TLSCertificateFile \($0.cert)
            TLSCertificateKeyFile \($0.key)
            """ } ?? ""
        let conf = """
        include /etc/ldap/schema/core.schema
        include /etc/ldap/schema/cosine.schema
        include /etc/ldap/schema/inetorgperson.schema
        include /etc/ldap/schema/nis.schema
        include \(schema)
        pidfile \(directory.path)/slapd.pid
        argsfile \(directory.path)/slapd.args
        modulepath /usr/lib/ldap
        moduleload back_mdb
        moduleload ppolicy
        \(tlsLines)
        sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited
        database mdb
        suffix "\(base)"
        rootdn "\(adminDN)"
        rootpw \(adminPassword)
        directory \(directory.path)/db
        maxsize 2147483648
        \(noSync ? "dbnosync" : "")
        index objectClass eq
        index uid,cn,basculePersonId,memberUid eq
        overlay ppolicy
        access to attrs=userPassword by self write by anonymous auth by * none
        access to * by self read by users read by * none
        """
        let confFile = directory.appendingPathComponent("slapd.conf")
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("slapd.pid"))
        try conf.write(to: confFile, atomically: true, encoding: .utf8)
        _ = try ChildProcess.run("/usr/sbin/slaptest", ["-u", "-f", confFile.path])
        return confFile.path
    }

    /// True once `child` has written its pid file (after binding its listeners) and the port answers;
    /// false when the child ended first (its port was taken).
    private static func waitUntilReady(_ child: ChildProcess, port: Int, pidFile: String) throws -> Bool {
        for _ in 0..<400 {
            if child.hasExited() { return false }
            let written = (try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if written == String(child.pid), canConnect(port: port) { return true }
            usleep(25_000)
        }
        throw LaunchError.failed("slapd ne répond pas sur le port \(port) après 10 s")
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port the kernel just had free on loopback.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A self-signed CA and a certificate for 127.0.0.1, localhost and the addresses `alsoFor`,
    /// signed by it.
    public static func makeCertificates(in dir: URL, alsoFor addresses: [String] = []) throws -> (ca: String, cert: String, key: String) {
        let p = dir.path
        let openssl = "/usr/bin/openssl"
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        try ChildProcess.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                                         "-subj", "/CN=Bascule Test CA", "-keyout", "\(p)/ca.key", "-out", "\(p)/ca.pem"])
        try ChildProcess.run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                                         "-keyout", "\(p)/server.key", "-out", "\(p)/server.csr"])
        let names = (["IP:127.0.0.1", "DNS:localhost"] + addresses.map { "IP:\($0)" }).joined(separator: ",")
        try "subjectAltName=\(names)\n".write(toFile: "\(p)/san.ext", atomically: true, encoding: .utf8)
        try ChildProcess.run(openssl, ["x509", "-req", "-in", "\(p)/server.csr", "-CA", "\(p)/ca.pem", "-CAkey", "\(p)/ca.key",
                                         "-CAcreateserial", "-days", "2", "-extfile", "\(p)/san.ext", "-out", "\(p)/server.pem"])
        return ("\(p)/ca.pem", "\(p)/server.pem", "\(p)/server.key")
    }
}

import Foundation

/// A private SMTP server for a test: Debian's `python3-aiosmtpd` run by a small handler script
/// that keeps each message received as a JSON file (envelope, whether it came inside TLS, and the
/// subject and text as Python's own `email` parser decodes them: a second reading of what Bascule
/// wrote). It listens on loopback, or on `listenOn`, on a port it chose itself, and is stopped when
/// the value goes away. With `tls`, a CA and a certificate are made with `openssl`, STARTTLS is
/// offered and required before any message.
public final class SMTPServer: @unchecked Sendable {
    public enum LaunchError: Error, CustomStringConvertible {
        case notInstalled
        case failed(String)

        public var description: String {
            switch self {
            case .notInstalled: "aiosmtpd n'est pas installé (apt-get install python3-aiosmtpd)."
            case .failed(let why): "le serveur SMTP de test n'a pas démarré : \(why)"
            }
        }
    }

    /// A message as the server received it.
    public struct Received: Decodable, Sendable {
        public var from: String
        public var to: [String]
        /// Whether it came after STARTTLS.
        public var tls: Bool
        /// Decoded (RFC 2047).
        public var subject: String
        /// The text, decoded from quoted-printable.
        public var body: String
        /// As it came, after the server undid the dot-stuffing.
        public var raw: String
    }

    public static let python = "/usr/bin/python3"
    public static let module = "/usr/lib/python3/dist-packages/aiosmtpd"

    public let host: String
    public let port: Int
    /// The CA that signed the server's certificate, with `tls`.
    public let caFile: String?
    public let directory: URL
    private let process: ChildProcess

    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public init(tls: Bool = false, listenOn host: String = "127.0.0.1") throws {
        guard FileManager.default.fileExists(atPath: Self.module), FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw LaunchError.notInstalled
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-smtp-\(UUID().uuidString)")
        let mailbox = directory.appendingPathComponent("recus")
        try FileManager.default.createDirectory(at: mailbox, withIntermediateDirectories: true)
        let certificates = tls ? try SlapdServer.makeCertificates(in: directory.appendingPathComponent("tls"), alsoFor: host == "127.0.0.1" ? [] : [host]) : nil
        caFile = certificates?.ca
        let script = directory.appendingPathComponent("serveur.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let ready = directory.appendingPathComponent("pret").path
        process = try ChildProcess.start(Self.python, [script.path, mailbox.path, ready, host, certificates?.cert ?? "", certificates?.key ?? ""],
                                         environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"])
        var port: Int?
        for _ in 0..<400 {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8) {
                let fields = text.split(separator: " ")
                if fields.count == 2, Int32(fields[0]) == process.pid { port = Int(fields[1]) }
                break
            }
            if process.hasExited() { throw LaunchError.failed("aiosmtpd s'est arrêté au démarrage") }
            usleep(25_000)
        }
        guard let port else {
            process.kill()
            process.wait()
            throw LaunchError.failed("aucune réponse après 10 s")
        }
        self.host = host
        self.port = port
    }

    deinit {
        process.kill()
        process.wait()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The messages received so far, oldest first.
    public func messages() throws -> [Received] {
        let mailbox = directory.appendingPathComponent("recus")
        let names = try FileManager.default.contentsOfDirectory(atPath: mailbox.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: mailbox.appendingPathComponent($0))) }
    }

    static let script = """
    import asyncio, email, email.policy, json, os, ssl, sys, time, uuid
    from aiosmtpd.smtp import SMTP

    out, ready, host, cert, key = sys.argv[1:6]

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            raw = envelope.original_content
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            part = msg.get_body(preferencelist=("plain",))
            record = {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "tls": session.ssl is not None,
                      "subject": str(msg.get("Subject", "")), "body": part.get_content() if part is not None else "",
                      "raw": raw.decode("utf-8", "replace")}
            name = os.path.join(out, "%020d-%s.json" % (time.time_ns(), uuid.uuid4().hex))
            with open(name + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(name + ".tmp", name)
            return "250 OK"

    async def main():
        context = None
        if cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(Keep(), tls_context=context, require_starttls=bool(cert), hostname="relais.test"), host, 0)
        port = server.sockets[0].getsockname()[1]
        with open(ready + ".tmp", "w") as f:
            f.write("%d %d" % (os.getpid(), port))
        os.rename(ready + ".tmp", ready)
        await server.serve_forever()

    asyncio.run(main())
    """
}

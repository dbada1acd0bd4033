import BasculeMail
import BasculeTesting
import Foundation
import Testing

private let sender = MailAddress("bascule@exemple.fr")!
private let day = Date(timeIntervalSince1970: 1_788_157_800)   // 2026-08-31 06:30 UTC

private func message(to: String = "rupn@exemple.fr", subject: String = "Bascule : 1 tâche(s) en attente", body: String) -> MailMessage {
    MailMessage(from: sender, to: MailAddress(to)!, subject: subject, body: body, date: day)
}

@Suite("E-mail addresses: nothing that could end a command line or a header")
struct MailAddressTests {
    @Test("Plain addresses pass; anything that could add a recipient or a header is refused", arguments: [
        ("rupn@clg-exemple.fr", true), ("Jean.Dupont+bascule@ac-poitiers.fr", true), ("ce.0860001x@ac-poitiers.fr", true),
        ("a@b.fr>\r\nRCPT TO:<pirate@exemple.org", false), ("a@b.fr\nBcc: pirate@exemple.org", false), ("a@b.fr>", false),
        ("<a@b.fr>", false), ("a b@c.fr", false), ("\"a\"@b.fr", false), ("a@b.fr, c@d.fr", false), ("élève@b.fr", false),
        ("a@b", false), ("a@@b.fr", false), ("@b.fr", false), ("a@-b.fr", false), (".a@b.fr", false), ("a..b@c.fr", false), ("", false),
    ])
    func addresses(_ text: String, _ accepted: Bool) {
        #expect((MailAddress(text) != nil) == accepted, "\(text.debugDescription)")
    }
}

@Suite("The SMTP client, against a real SMTP server (aiosmtpd) on loopback")
struct SMTPClientTests {
    @Test("A message in French arrives whole: accents in the subject (RFC 2047) and the body (quoted-printable), lines that start with a dot, a lone dot")
    func dotStuffing() async throws {
        let server = try SMTPServer()
        let body = """
            Bonjour,
            .
            ..deux points
            .QUIT
            Une ligne très longue qui dépasse soixante-seize caractères pour voir le découpage en quoted-printable, avec des accents éèàç.
            Fin.
            """
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: server.port, startTLS: false))
        let sent = try await client.send([message(subject: "Bascule : 2 tâche(s) en attente au 2026-09-15 (0860001X)", body: body)])
        #expect(sent == [.sent])
        let received = try server.messages()
        #expect(received.count == 1)
        #expect(received.first?.to == ["rupn@exemple.fr"] && received.first?.from == "bascule@exemple.fr")
        #expect(received.first?.subject == "Bascule : 2 tâche(s) en attente au 2026-09-15 (0860001X)")
        #expect(received.first?.body.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == body,
                "a line holding a lone dot must not end the message: \(received.first?.body ?? "")")
        #expect(received.first?.tls == false)
    }

    @Test("Dot-stuffing doubles the dot that starts a line, and only that one")
    func stuffing() {
        #expect(SMTPClient.dotStuffed("a\n.\n..b\nc.d\n.") == "a\r\n..\r\n...b\r\nc.d\r\n..")
    }

    @Test("Several messages over one connection, each to its recipient alone")
    func several() async throws {
        let server = try SMTPServer()
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: server.port, startTLS: false))
        let sent = try await client.send([message(to: "a@exemple.fr", body: "un"), message(to: "b@exemple.fr", body: "deux")])
        #expect(sent == [.sent, .sent])
        #expect(try server.messages().map(\.to) == [["a@exemple.fr"], ["b@exemple.fr"]])
    }

    @Test("STARTTLS: the message goes inside TLS, the relay's certificate checked against the given authority")
    func startTLS() async throws {
        let server = try SMTPServer(tls: true)
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: server.port, startTLS: true, caFile: server.caFile))
        #expect(try await client.send([message(body: "chiffré")]) == [.sent])
        #expect(try server.messages().map(\.tls) == [true])
    }

    @Test("STARTTLS required and not offered: refused, nothing sent in clear (no downgrade)")
    func noDowngrade() async throws {
        let server = try SMTPServer()
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: server.port, startTLS: true))
        await #expect(throws: MailError.startTLSUnavailable(host: "127.0.0.1")) { try await client.send([message(body: "secret")]) }
        #expect(try server.messages().isEmpty)
    }

    @Test("A relay whose certificate no trusted authority signed: TLS fails, nothing is sent")
    func untrusted() async throws {
        let server = try SMTPServer(tls: true)
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: server.port, startTLS: true))
        do {
            _ = try await client.send([message(body: "secret")])
            Issue.record("sent to an untrusted relay")
        } catch let error as MailError {
            guard case .tls = error else { Issue.record("\(error)"); return }
        }
        #expect(try server.messages().isEmpty)
    }

    @Test("A relay on another machine without STARTTLS is refused before connecting, unless the insecure setting says so",
          .enabled(if: NetworkAddress.firstNonLoopbackIPv4() != nil, "needs an IPv4 address that is not loopback"))
    func cleartextElsewhere() async throws {
        let address = try #require(NetworkAddress.firstNonLoopbackIPv4())
        let server = try SMTPServer(listenOn: address)
        let refused = SMTPClient(relay: SMTPRelay(host: address, port: server.port, startTLS: false))
        guard case .refused = refused.relay.verdict else { Issue.record("not refused"); return }
        await #expect(throws: MailError.self) { try await refused.send([message(body: "en clair")]) }
        #expect(try server.messages().isEmpty)
        let allowed = SMTPClient(relay: SMTPRelay(host: address, port: server.port, startTLS: false, allowCleartext: true))
        #expect(allowed.relay.verdict == .cleartextAllowed(host: address))
        #expect(try await allowed.send([message(body: "en clair, accepté")]) == [.sent])
        #expect(try server.messages().count == 1)
    }

    @Test("Replies sent in clear right after STARTTLS's 220 (injected on the way) are refused, never read as if they came inside TLS")
    func injectionAfterStartTLS() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ready = dir.file("port").path
        // A relay that answers STARTTLS and, in the same write, what the next EHLO would hear.
        let script = """
            import os, socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
            open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            c, _ = s.accept(); f = c.makefile("rb")
            c.sendall(b"220 faux ESMTP\\r\\n"); f.readline()
            c.sendall(b"250-faux\\r\\n250 STARTTLS\\r\\n"); f.readline()
            c.sendall(b"220 pret\\r\\n250-injecte\\r\\n250 8BITMIME\\r\\n")
            f.read()
            """
        let server = try ChildProcess.start(SMTPServer.python, ["-c", script, ready], environment: ["PATH": "/usr/bin:/bin"])
        defer { server.kill(); server.wait() }
        var port: Int?
        for _ in 0..<400 where port == nil {
            port = (try? String(contentsOfFile: ready, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(25_000) }
        }
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: try #require(port), startTLS: true))
        await #expect(throws: MailError.protocolError("données reçues en clair après STARTTLS")) {
            try await client.send([message(body: "secret")])
        }
    }

    @Test("An unreachable relay is said as such")
    func unreachable() async throws {
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: 1, startTLS: false))
        await #expect(throws: MailError.self) { try await client.send([message(body: "x")]) }
    }
}

@Suite("Messages as they go on the wire")
struct MailMessageTests {
    @Test("A header never carries a line break from its text; non-ASCII goes as encoded words; the body in quoted-printable")
    func headers() {
        let m = message(subject: "Tâche\r\nBcc: pirate@exemple.org", body: "été\nfin ")
        let rendered = m.rendered
        let headerPart = rendered.components(separatedBy: "\r\n\r\n")[0]
        #expect(!headerPart.contains("\r\nBcc:"), "\(headerPart)")
        #expect(headerPart.contains("Subject: =?UTF-8?B?"))
        #expect(rendered.hasSuffix("\r\n\r\n=C3=A9t=C3=A9\r\nfin=20"))
        #expect(headerPart.contains("Date: Mon, 31 Aug 2026 06:30:00 +0000"))
        #expect(rendered.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        let ascii = message(subject: "Taches\r\nBcc: pirate@exemple.org", body: "x").rendered.components(separatedBy: "\r\n\r\n")[0]
        #expect(!ascii.contains("\r\nBcc:") && !ascii.contains("\nBcc:"), "\(ascii)")
    }
}

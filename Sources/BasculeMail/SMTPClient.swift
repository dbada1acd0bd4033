import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321) for handing Bascule's messages to the department's relay:
/// `EHLO`, `STARTTLS` when configured (and then only over TLS: a relay that does not offer it is
/// refused, never used in clear), `MAIL FROM`, `RCPT TO`, `DATA` with its lines dot-stuffed,
/// `QUIT`. No authentication: a relay for a server's own messages trusts it by address.
public struct SMTPClient: Sendable {
    public let relay: SMTPRelay
    /// How long the relay may stay silent, and how long connecting may take.
    public var timeout: TimeAmount

    public init(relay: SMTPRelay, timeout: TimeAmount = .seconds(60)) {
        self.relay = relay
        self.timeout = timeout
    }

    /// What became of one message.
    public enum Delivery: Sendable, Equatable {
        case sent
        /// The relay refused this message (its recipient, say): the others still go.
        case refused(MailError)
    }

    /// Sends `messages` over one connection, one transaction each. Throws when nothing could be
    /// sent at all (transport refused by the configuration, relay unreachable, STARTTLS missing,
    /// TLS failed, the relay hung up).
    public func send(_ messages: [MailMessage]) async throws -> [Delivery] {
        if case .refused(let why) = relay.verdict { throw MailError.refusedTransport(why) }
        let timeout = self.timeout
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: relay.host, port: relay.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: timeout))
                        try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw MailError.unreachable(host: relay.host, port: relay.port, reason: "\(error)")
        }
        let relay = self.relay
        return try await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(relay: relay, channel: channel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await session.run(messages)
        }
    }

    /// The message's lines as `DATA` carries them: CRLF endings, and a second `.` before any line
    /// starting with one, so that a line holding a lone `.` does not end the message early and
    /// let what follows be read as commands (RFC 5321, 4.5.2).
    public static func dotStuffed(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }
}

/// Closes the connection when the relay has been silent for the client's timeout: the session
/// then ends with an error instead of waiting forever.
final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// One conversation with the relay.
struct SMTPSession {
    let relay: SMTPRelay
    let channel: any Channel
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var pending: [UInt8] = []
    var encrypted = false

    mutating func run(_ messages: [MailMessage]) async throws -> [SMTPClient.Delivery] {
        let greeting = try await reply()
        guard greeting.code == 220 else { throw MailError.rejected(command: "connexion", reply: greeting.text) }
        var capabilities = try await hello()
        if relay.startTLS {
            guard capabilities.contains("STARTTLS") else { throw MailError.startTLSUnavailable(host: relay.host) }
            try await command("STARTTLS", expecting: 220...220)
            // Anything the relay (or someone on the way) sent after its 220 was sent in clear and
            // must not be read as if it came inside TLS.
            guard pending.isEmpty else { throw MailError.protocolError("données reçues en clair après STARTTLS") }
            try await startTLS()
            capabilities = try await hello()
        }
        _ = capabilities
        var deliveries: [SMTPClient.Delivery] = []
        for message in messages {
            do {
                try await command("MAIL FROM:<\(message.from.value)>", expecting: 250...250)
                try await command("RCPT TO:<\(message.to.value)>", expecting: 250...251)
                try await command("DATA", expecting: 354...354)
                try await write(SMTPClient.dotStuffed(message.rendered) + "\r\n.\r\n")
                let answer = try await reply()
                guard answer.code == 250 else { throw MailError.rejected(command: "DATA", reply: answer.text) }
                deliveries.append(.sent)
            } catch let error as MailError {
                guard case .rejected = error else { throw error }
                deliveries.append(.refused(error))
                try await command("RSET", expecting: 250...250)
            }
        }
        try? await command("QUIT", expecting: 221...221)
        return deliveries
    }

    /// `EHLO`, and the extensions the relay announces (upper case, first word).
    mutating func hello() async throws -> Set<String> {
        let lines = try await command("EHLO \(relay.heloName)", expecting: 250...250)
        return Set(lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } })
    }

    mutating func startTLS() async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        if let ca = relay.caFile { configuration.trustRoots = .file(ca) }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw MailError.tls("autorité \(relay.caFile ?? "du système") illisible : \(error)")
        }
        // An address is checked against the certificate's IP names (no SNI); a name, against its DNS names.
        let name: String? = (try? SocketAddress(ipAddress: relay.host, port: 0)) == nil ? relay.host : nil
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name),
                                                               position: .first)
            }.get()
        } catch {
            throw MailError.tls("\(error)")
        }
        encrypted = true
    }

    @discardableResult
    mutating func command(_ text: String, expecting codes: ClosedRange<Int>) async throws -> [String] {
        try await write(text + "\r\n")
        let answer = try await reply()
        guard codes.contains(answer.code) else {
            throw MailError.rejected(command: String(text.prefix { $0 != ":" && $0 != " " }), reply: answer.text)
        }
        return answer.lines
    }

    func write(_ text: String) async throws {
        do {
            try await outbound.write(ByteBuffer(string: text))
        } catch {
            throw encrypted ? MailError.tls("\(error)") : MailError.protocolError("écriture impossible : \(error)")
        }
    }

    /// A reply: its code and its lines' text (`250-…` continued, `250 …` last).
    mutating func reply() async throws -> (code: Int, lines: [String], text: String) {
        var lines: [String] = []
        var code = 0
        while true {
            let line = try await readLine()
            let chars = Array(line)
            guard chars.count >= 3, let c = Int(String(chars[0..<3])), (200...599).contains(c) else {
                throw MailError.protocolError("réponse qui n'est pas du SMTP : « \(line.prefix(80)) »")
            }
            if code == 0 { code = c }
            guard c == code else { throw MailError.protocolError("codes mêlés dans une réponse") }
            lines.append(chars.count > 4 ? String(chars[4...]) : "")
            if chars.count == 3 || chars[3] == " " { break }
            guard chars[3] == "-" else { throw MailError.protocolError("réponse mal formée : « \(line.prefix(80)) »") }
            guard lines.count < 100 else { throw MailError.protocolError("réponse trop longue") }
        }
        return (code, lines, "\(code) " + lines.joined(separator: " "))
    }

    mutating func readLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                var bytes = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if bytes.last == 0x0D { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard pending.count < 65_536 else { throw MailError.protocolError("ligne de réponse trop longue") }
            let next: ByteBuffer?
            do {
                next = try await inbound.next()
            } catch {
                throw encrypted ? MailError.tls("\(error)") : MailError.protocolError("\(error)")
            }
            guard let buffer = next else {
                throw MailError.protocolError(encrypted ? "le relais a fermé la connexion (TLS refusé ?)" : "le relais a fermé la connexion")
            }
            pending += buffer.readableBytesView
        }
    }
}

/// Why a message could not be handed to the relay. French first.
public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration forbids this connection (in clear to another machine).
    case refusedTransport(String)
    case unreachable(host: String, port: Int, reason: String)
    /// STARTTLS was required and the relay does not offer it: never sent in clear instead.
    case startTLSUnavailable(host: String)
    /// The TLS handshake failed (certificate not trusted, wrong name).
    case tls(String)
    /// The relay answered with an error code.
    case rejected(command: String, reply: String)
    /// The relay closed the connection, went silent, or spoke no SMTP.
    case protocolError(String)

    public var french: String {
        switch self {
        case .refusedTransport(let why): "Courriel refusé avant tout envoi : \(why)"
        case .unreachable(let host, let port, let reason): "Relais de courriel \(host):\(port) injoignable : \(reason)"
        case .startTLSUnavailable(let host):
            "Le relais de courriel \(host) ne propose pas STARTTLS, que la configuration exige (starttls: true) : rien n'a été envoyé en clair."
        case .tls(let why): "Échec de TLS avec le relais de courriel : \(why)"
        case .rejected(let command, let reply): "Le relais de courriel a refusé \(command) : \(reply)"
        case .protocolError(let why): "Dialogue SMTP interrompu : \(why)"
        }
    }

    public var description: String { french }
}

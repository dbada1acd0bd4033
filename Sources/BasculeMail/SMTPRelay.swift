import BasculeDomain

/// The SMTP relay Bascule hands its messages to, and how it may reach it.
///
/// The messages say which school has what to fix, and name logins: they go to another machine
/// only inside TLS (STARTTLS, the server's certificate checked against the system's authorities or
/// `caFile`), never downgraded when the relay does not offer it. In clear only to a relay on this
/// machine (loopback), or where the configuration says so in so many words (`allowCleartext`),
/// which every run warns about.
public struct SMTPRelay: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var startTLS: Bool
    /// The authority that signed the relay's certificate, when not one of the system's.
    public var caFile: String?
    public var allowCleartext: Bool
    /// The name Bascule gives itself in `EHLO`.
    public var heloName: String

    public init(host: String, port: Int = 25, startTLS: Bool, caFile: String? = nil, allowCleartext: Bool = false,
                heloName: String = "bascule.localdomain") {
        self.host = host
        self.port = port
        self.startTLS = startTLS
        self.caFile = caFile
        self.allowCleartext = allowCleartext
        self.heloName = heloName
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; 25 when no port is given.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, !t.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else { return nil }
        var host = t, port = 25
        if t.hasPrefix("[") {
            guard let close = t.firstIndex(of: "]") else { return nil }
            host = String(t[t.index(after: t.startIndex)..<close])
            let rest = t[t.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = t.lastIndex(of: ":") {
            guard t.firstIndex(of: ":") == colon, let p = Int(t[t.index(after: colon)...]) else { return nil }
            host = String(t[..<colon])
            port = p
        }
        guard !host.isEmpty, (1...65_535).contains(port) else { return nil }
        return (host, port)
    }

    public enum Verdict: Equatable, Sendable {
        /// STARTTLS, or the relay is on this machine.
        case safe
        /// In clear to another machine, as the insecure setting allows: warn at every run.
        case cleartextAllowed(host: String)
        case refused(String)
    }

    public var verdict: Verdict {
        if startTLS { return .safe }
        if caFile != nil {
            return .refused("courriel.ca est donné, mais la connexion au relais n'est pas chiffrée : ajoutez starttls: true")
        }
        if NetworkHost.isLoopback(host) { return .safe }
        guard allowCleartext else {
            return .refused("le relais \(host) n'est pas sur cette machine : sans STARTTLS, les messages (établissements, identifiants, tâches) passeraient en clair sur le réseau. Ajoutez starttls: true (et ca: si le certificat n'est pas signé par une autorité du système), ou, en connaissance de cause, tls: non-sécurisé")
        }
        return .cleartextAllowed(host: host)
    }
}

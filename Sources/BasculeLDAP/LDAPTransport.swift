import BasculeDomain

/// Whether a connection to the directory keeps the bind password and the password hashes Bascule
/// writes off the network in clear.
///
/// `ldaps://` and `ldap://` with StartTLS are encrypted; `ldapi://` (a local socket) and loopback
/// never leave the machine. Any other `ldap://` without StartTLS is refused, unless the
/// configuration says, in so many words, that it accepts it (`tls: non-sécurisé`). A CA given for
/// a connection that uses no TLS is refused too: the person who wrote it expected TLS.
public enum LDAPTransport {
    public enum Verdict: Equatable, Sendable {
        /// TLS (ldaps, StartTLS) or never leaves the machine.
        case safe
        /// In clear to another machine, as the insecure setting allows: warn at every run.
        case cleartextAllowed(host: String)
        case refused(String)
    }

    /// `url` may list several servers separated by spaces, as libldap takes them: each must pass.
    public static func verdict(url: String, startTLS: Bool, caFile: String?, allowCleartext: Bool) -> Verdict {
        let urls = url.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard !urls.isEmpty else { return .refused("aucune URL d'annuaire") }
        var cleartext: [String] = []
        for u in urls {
            guard let (scheme, host) = parse(u) else {
                return .refused("« \(u) » n'est pas une URL ldap://, ldaps:// ou ldapi://")
            }
            switch scheme {
            case "ldaps":
                continue
            case "ldapi":
                if caFile != nil && !startTLS {
                    return .refused("ca est donné, mais ldapi:// est une socket locale sans TLS : retirez ca")
                }
            default:
                if startTLS { continue }
                if caFile != nil {
                    return .refused("ca est donné, mais la connexion \(u) n'est pas chiffrée : ajoutez starttls: true, ou utilisez ldaps://")
                }
                if NetworkHost.isLoopback(host) { continue }
                guard allowCleartext else {
                    return .refused("\(u) sans StartTLS enverrait le mot de passe du compte et les empreintes des mots de passe en clair sur le réseau : ajoutez starttls: true (et ca: si le certificat n'est pas signé par une autorité du système), utilisez ldaps://, ou, en connaissance de cause, tls: non-sécurisé")
                }
                cleartext.append(host.isEmpty ? u : host)
            }
        }
        return cleartext.isEmpty ? .safe : .cleartextAllowed(host: cleartext.joined(separator: ", "))
    }

    /// Scheme (lower case) and host of an LDAP URL; the host is empty for `ldap:///`.
    static func parse(_ url: String) -> (String, String)? {
        guard let range = url.range(of: "://") else { return nil }
        let scheme = url[..<range.lowerBound].lowercased()
        guard ["ldap", "ldaps", "ldapi"].contains(scheme) else { return nil }
        var authority = String(url[range.upperBound...].prefix { $0 != "/" && $0 != "?" })
        if authority.hasPrefix("[") {
            authority = String(authority.prefix { $0 != "]" }) + "]"
        } else if authority.filter({ $0 == ":" }).count == 1 {
            authority = String(authority.prefix { $0 != ":" })
        }
        return (scheme, authority)
    }
}

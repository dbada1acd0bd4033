import CLDAP

/// What went wrong talking to the directory, with the LDAP result code and the server's words.
public enum LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    case connect(url: String, code: Int32, message: String)
    case tls(url: String, message: String)
    case bind(dn: String, code: Int32, message: String)
    case operation(String, dn: String, code: Int32, message: String)

    public var resultCode: Int32? {
        switch self {
        case .connect(_, let code, _), .bind(_, let code, _), .operation(_, _, let code, _): code
        case .tls: nil
        }
    }

    /// The entry exists already (an add retried after a crash, a hand-made entry in the way).
    public var isAlreadyExists: Bool { resultCode == LDAP_ALREADY_EXISTS }
    public var isNoSuchObject: Bool { resultCode == LDAP_NO_SUCH_OBJECT }
    public var isInvalidCredentials: Bool { resultCode == LDAP_INVALID_CREDENTIALS }

    public var french: String {
        switch self {
        case .connect(let url, let code, let message):
            "Annuaire injoignable à \(url) (code LDAP \(code) : \(message))."
        case .tls(let url, let message):
            "Connexion chiffrée (TLS) impossible avec \(url) : \(message). Vérifiez le certificat du serveur et l'autorité de certification (ca) dans bascule.yml."
        case .bind(let dn, let code, let message):
            "Authentification refusée par l'annuaire pour \(dn) (code LDAP \(code) : \(message))."
        case .operation(let op, let dn, let code, let message):
            "L'annuaire a refusé l'opération « \(op) » sur \(dn) (code LDAP \(code) : \(message))."
        }
    }

    public var description: String { french }
}

/// Why the store could not do what was asked. French first, like every message a user reads.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(location: String, reason: String)
    case migrationFailed(version: Int, reason: String)
    case newerSchema(found: Int, known: Int)
    case queryFailed(operation: String, reason: String)
    /// The connection would carry the password and the data in clear to another machine.
    case insecureTransport(host: String, reason: String)

    public var french: String {
        switch self {
        case .cannotOpen(let l, let r): "Impossible d'ouvrir la base \(l) : \(r)"
        case .migrationFailed(let v, let r): "La migration \(v) de la base a échoué : \(r)"
        case .newerSchema(let f, let k):
            "La base est au schéma \(f), plus récent que celui que cette version de Bascule connaît (\(k)) : mettez Bascule à jour."
        case .queryFailed(let o, let r): "Erreur de base de données (\(o)) : \(r)"
        case .insecureTransport(let host, let r):
            "Connexion à PostgreSQL sur \(host) refusée : \(r). Vers un serveur qui n'est pas sur cette machine, Bascule exige TLS (le mot de passe et les données passeraient en clair sur le réseau) ; retirez sslmode=disable, donnez l'autorité de certification du serveur par sslrootcert=FICHIER dans l'URL, ou, en connaissance de cause, --insecure-database."
        }
    }

    public var description: String { french }
}

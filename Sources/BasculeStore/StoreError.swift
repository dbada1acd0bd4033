/// Why the store could not do what was asked. French first, like every message a user reads.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(location: String, reason: String)
    case migrationFailed(version: Int, reason: String)
    case newerSchema(found: Int, known: Int)
    case queryFailed(operation: String, reason: String)

    public var french: String {
        switch self {
        case .cannotOpen(let l, let r): "Impossible d'ouvrir la base \(l) : \(r)"
        case .migrationFailed(let v, let r): "La migration \(v) de la base a échoué : \(r)"
        case .newerSchema(let f, let k):
            "La base est au schéma \(f), plus récent que celui que cette version de Bascule connaît (\(k)) : mettez Bascule à jour."
        case .queryFailed(let o, let r): "Erreur de base de données (\(o)) : \(r)"
        }
    }

    public var description: String { french }
}

import Foundation

/// Why the store could not do what was asked. French first, like every message a user reads.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(location: String, reason: String)
    case migrationFailed(version: Int, reason: String)
    case newerSchema(found: Int, known: Int)
    case queryFailed(operation: String, reason: String)
    /// The connection would carry the password and the data in clear to another machine.
    case insecureTransport(host: String, reason: String)
    /// No embedded store where one was to be read: a wrong `--data`, a mistyped path, a command
    /// run from another folder. Only an import creates a store.
    case notFound(path: String)
    /// A database that holds no Bascule store: another database on the server, an empty file.
    case notBascule(location: String)
    /// The school's accounts changed between the read a write was computed from and the write
    /// (a protection, a rename, another apply at the same time): nothing written, to be run again.
    case changedMeanwhile(uai: String, operation: String)

    public var french: String {
        switch self {
        case .cannotOpen(let l, let r): "Impossible d'ouvrir la base \(l) : \(r)"
        case .migrationFailed(let v, let r): "La migration \(v) de la base a échoué : \(r)"
        case .newerSchema(let f, let k):
            "La base est au schéma \(f), plus récent que celui que cette version de Bascule connaît (\(k)) : mettez Bascule à jour."
        case .queryFailed(let o, let r): "Erreur de base de données (\(o)) : \(r)"
        case .insecureTransport(let host, let r):
            "Connexion à PostgreSQL sur \(host) refusée : \(r). Vers un serveur qui n'est pas sur cette machine, Bascule exige TLS (le mot de passe et les données passeraient en clair sur le réseau) ; retirez sslmode=disable, donnez l'autorité de certification du serveur par sslrootcert=FICHIER dans l'URL, ou, en connaissance de cause, --insecure-database."
        case .notFound(let path):
            "Aucune base Bascule dans \(Self.folder(of: path)) (\(path) n'existe pas) : rien n'a été lu ni créé. Vérifiez le dossier des données (--data DOSSIER, ou --database) ; seul « bascule import » crée une base. / No Bascule store in \(Self.folder(of: path)): check --data."
        case .changedMeanwhile(let uai, let operation):
            "Les comptes de \(uai) ont changé pendant « \(operation) » (une protection, un renommage ou une autre application en même temps) : rien n'a été écrit, pour ne pas effacer ce changement. Relancez : le plan tiendra compte de l'état d'aujourd'hui. / The school's accounts changed during \(operation): nothing written; run it again."
        case .notBascule(let location):
            "\(location) ne contient aucune base Bascule (jamais migrée) : rien n'a été lu ni créé. Vérifiez --database (ou --data) ; seul « bascule import » crée une base. / \(location) holds no Bascule store: check --database."
        }
    }

    /// The store named is not there: a wrong `--data` or `--database`, not a database failure.
    public var isMissingStore: Bool {
        switch self {
        case .notFound, .notBascule: true
        default: false
        }
    }

    public var description: String { french }

    static func folder(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}

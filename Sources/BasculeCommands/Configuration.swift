import BasculeLDAP
import Foundation
import Yams

/// `bascule.yml`, in the data folder unless `--config` says otherwise: where the real directory
/// is and how to reach it. Secrets never go in it: the bind password comes from the environment
/// (`BASCULE_LDAP_PASSWORD`).
///
///     annuaire:
///       url: ldap://annuaire.exemple:389      # ou ldaps://…:636
///       base: dc=ac-exemple,dc=fr
///       compte: cn=bascule,dc=ac-exemple,dc=fr
///       starttls: true                         # chiffre une connexion ldap:// avant tout envoi
///       ca: /etc/bascule/ca.pem                # l'autorité qui a signé le certificat du serveur
///       derive: corriger                       # ou signaler : que faire d'une modification à la main
///       racine_espaces: /srv/bascule/espaces   # pour homeDirectory
///       premier_numero: 100000                 # premier uidNumber/gidNumber donné par Bascule
struct Configuration: Decodable {
    struct Directory: Decodable {
        var url: String
        var base: String
        var compte: String
        var starttls: Bool?
        var ca: String?
        var derive: String?
        var racine_espaces: String?
        var premier_numero: Int?
    }

    var annuaire: Directory?

    static let passwordVariable = "BASCULE_LDAP_PASSWORD"

    /// The file's content, or nil when there is no file (the embedded directory only).
    static func load(_ path: String) throws -> Configuration? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try YAMLDecoder().decode(Configuration.self, from: text)
        } catch {
            throw ConfigurationError.unreadable(path: path, reason: "\(error)")
        }
    }

    var layout: DirectoryLayout? {
        guard let a = annuaire else { return nil }
        return DirectoryLayout(base: a.base, homeRoot: a.racine_espaces ?? "/srv/bascule/espaces",
                               firstPosixNumber: a.premier_numero ?? 100_000)
    }

    /// Connects and binds to the configured directory.
    func connector() throws -> OpenLDAPConnector? {
        guard let a = annuaire, let layout else { return nil }
        let drift: DriftMode
        switch a.derive ?? "corriger" {
        case "corriger", "correct": drift = .correct
        case "signaler", "report": drift = .report
        case let other: throw ConfigurationError.invalid("annuaire.derive : « \(other) » (corriger ou signaler)")
        }
        guard let password = ProcessInfo.processInfo.environment[Self.passwordVariable], !password.isEmpty else {
            throw ConfigurationError.missingSecret(Self.passwordVariable)
        }
        let tls = LDAPTLSOptions(startTLS: a.starttls ?? false, caFile: a.ca)
        let url = a.url
        let connection = try LDAPConnection(url: url, tls: tls)
        try connection.bind(dn: a.compte, password: password)
        return OpenLDAPConnector(connection: connection, layout: layout, drift: drift,
                                 connect: { try LDAPConnection(url: url, tls: tls) })
    }
}

enum ConfigurationError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(String)
    case missingSecret(String)

    var french: String {
        switch self {
        case .unreadable(let path, let reason): "Configuration illisible (\(path)) : \(reason)"
        case .invalid(let what): "Configuration invalide : \(what)"
        case .missingSecret(let variable):
            "Le mot de passe du compte de l'annuaire n'est pas défini : exportez la variable d'environnement \(variable) (il n'est jamais lu dans bascule.yml)."
        }
    }

    var description: String { french }
}

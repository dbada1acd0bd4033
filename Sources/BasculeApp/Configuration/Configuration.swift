import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import Foundation
import Yams

/// `bascule.yml`, in the data folder unless `--config` says otherwise, as the CLI and the service
/// read it: where the real directory
/// is and how to reach it. Secrets never go in it: the bind password comes from the environment
/// (`BASCULE_LDAP_PASSWORD`).
///
///     annuaire:
///       url: ldap://annuaire.exemple:389      # ou ldaps://…:636
///       base: dc=ac-exemple,dc=fr
///       compte: cn=bascule,dc=ac-exemple,dc=fr
///       starttls: true                         # chiffre une connexion ldap:// avant tout envoi
///       ca: /etc/bascule/ca.pem                # l'autorité qui a signé le certificat du serveur
///       # tls: non-sécurisé                    # accepte ldap:// sans StartTLS vers un autre hôte (déconseillé)
///       shells:                                # loginShell par rôle (/usr/sbin/nologin par défaut)
///         enseignant: /bin/bash
///       derive: corriger                       # ou signaler : que faire d'une modification à la main
///       racine_espaces: /srv/bascule/espaces   # pour homeDirectory (par défaut espaces.racine)
///       premier_numero: 100000                 # premier uidNumber/gidNumber donné par Bascule
///
///     espaces:                                 # facultatif : sans cette section, pas d'espaces
///       racine: /srv/bascule/espaces           # <racine>/<UAI>/perso/<login>, classes/…, Commun…
///       quotas: { perso_eleve: 1Go, classe: 20Go }   # les valeurs du mémo par défaut
///       archives: /srv/bascule/archives        # par défaut <données>/archives
///       conservation_archives: 365             # jours avant la purge d'une archive (classes, Commun…)
///       conservation_archives_perso: 90        # jours, l'espace personnel d'une personne partie
///
///     comptes:                                 # facultatif : les valeurs du mémo par défaut
///       delai_de_grace: { eleves: 30, enseignants: 60, administratifs: 60 }
///       delai_de_confirmation: { eleves: 7, enseignants: 7, administratifs: 7 }
///       conservation_maximale: 90              # jours après le départ, 90 au plus (arrêté ENT, art. 6)
///
///     audit:
///       conservation_mois: 12                  # mois (CNIL, recommandation 2021-122 : 6 à 12)
///
///     service:                                 # l'exécution quotidienne (bascule serve, bascule run)
///       heure: "06:30"                         # chaque jour à cette heure (heure locale du serveur)
///       fuseau: Europe/Paris                   # par défaut celui du système
///       rattrapage: 31                         # jours manqués rattrapés au plus (1 à 31)
///       quotidien: true                        # false : bascule serve ne lance pas l'exécution quotidienne
///
///     courriel:                                # facultatif : sans cette section, aucun message
///       relais: smtp.exemple:25                # hôte:port du relais SMTP
///       expediteur: bascule@exemple.fr
///       starttls: true                         # chiffre avant tout envoi ; exigé hors de la machine
///       ca: /etc/bascule/relais-ca.pem         # l'autorité du certificat du relais, si besoin
///       # tls: non-sécurisé                    # accepte un relais distant sans STARTTLS (déconseillé)
///       departement: [dsi@exemple.fr]          # les administrateurs du département (au moins un)
public struct Configuration: Decodable, Sendable {
    public init() {}

    public struct Directory: Decodable, Sendable {
        public var url: String
        public var base: String
        public var compte: String
        public var starttls: Bool?
        public var ca: String?
        public var derive: String?
        public var racine_espaces: String?
        public var premier_numero: Int?
        /// Only `non-sécurisé`: `ldap://` to another machine without StartTLS is then accepted,
        /// and every run says so.
        public var tls: String?
        /// `loginShell` by role: `eleve`, `enseignant`, `administratif`.
        public var shells: [String: String]?

        /// The words that turn the insecure setting on.
        public static let insecureWords = ["non-sécurisé", "non-securise", "insecure"]

        public var allowsCleartext: Bool { tls.map { Self.insecureWords.contains($0.lowercased()) } ?? false }
    }

    /// File spaces: opt-in, since making folders owned by other users needs root.
    public struct Spaces: Decodable, Sendable {
        public var racine: String
        /// Per kind of space (`perso_eleve`, `classe`…), a size such as `1Go` or `500Mo`.
        public var quotas: [String: String]?
        public var archives: String?
        /// Days an archive is kept.
        public var conservation_archives: Int?
        /// Days a departed person's personal-space archive is kept.
        public var conservation_archives_perso: Int?
    }

    /// The accounts' lifecycle: per role (`eleves`, `enseignants`, `administratifs`), days.
    public struct Accounts: Decodable, Sendable {
        public var delai_de_grace: [String: Int]?
        public var delai_de_confirmation: [String: Int]?
        public var conservation_maximale: Int?
    }

    public struct Audit: Decodable, Sendable {
        public var conservation_mois: Int?
    }

    /// The daily run's hour, time zone and catch-up.
    public struct Service: Decodable, Sendable {
        /// `HH:MM` (or `HHhMM`), the server's local time unless `fuseau`.
        public var heure: String?
        /// An IANA time zone (`Europe/Paris`).
        public var fuseau: String?
        /// Days missed (server down) caught up at most, 1 to 31.
        public var rattrapage: Int?
        /// Whether `bascule serve` runs the daily run itself (true by default); false when it is
        /// run elsewhere (`bascule run` from a timer, another server).
        public var quotidien: Bool?
    }

    /// The SMTP relay the to-dos' digests go through.
    public struct Mail: Decodable, Sendable {
        public var relais: String
        public var expediteur: String
        public var starttls: Bool?
        public var ca: String?
        /// Only `non-sécurisé`: a relay on another machine without STARTTLS is then accepted.
        public var tls: String?
        /// The department's administrators' addresses: their to-dos, and those no one at the
        /// school can be reached for.
        public var departement: [String]?
    }

    public var annuaire: Directory?
    public var espaces: Spaces?
    public var comptes: Accounts?
    public var audit: Audit?
    public var service: Service?
    public var courriel: Mail?

    /// The roles as `comptes:` names them.
    public static let roleKeys: [String: PersonKind] = ["eleves": .student, "enseignants": .teacher, "administratifs": .staff]

    /// The planning policy the file sets (the memo's values where it says nothing).
    public func policy(burntLoginYears: Int? = PlanningPolicy.defaultBurntLoginYears) throws -> PlanningPolicy {
        let base = PlanningPolicy.default
        func perRole(_ name: String, _ values: [String: Int]?, _ defaults: [PersonKind: Int], max: Int) throws -> [PersonKind: Int] {
            var out = defaults
            for (key, days) in (values ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let kind = Self.roleKeys[key] else {
                    throw ConfigurationError.invalid("comptes.\(name) : « \(key) » inconnu (attendu : eleves, enseignants, administratifs)")
                }
                guard (0...max).contains(days) else {
                    throw ConfigurationError.invalid("comptes.\(name).\(key) : \(days) jours (attendu : de 0 à \(max))")
                }
                out[kind] = days
            }
            return out
        }
        let retention = comptes?.conservation_maximale ?? PlanningPolicy.legalRetentionDays
        guard (1...PlanningPolicy.legalRetentionDays).contains(retention) else {
            throw ConfigurationError.invalid("comptes.conservation_maximale : \(retention) jours ; au plus \(PlanningPolicy.legalRetentionDays) (arrêté ENT du 30 novembre 2006, art. 6 : aucun compte ne survit plus de trois mois au départ de son titulaire)")
        }
        return PlanningPolicy(graceDays: try perRole("delai_de_grace", comptes?.delai_de_grace, base.graceDays, max: retention),
                              settlingDays: try perRole("delai_de_confirmation", comptes?.delai_de_confirmation, base.settlingDays, max: 60),
                              maximumRetentionDays: retention, burntLoginYears: burntLoginYears)
    }

    /// Months the audit log is kept (6 to 12, CNIL recommendation 2021-122 on logging).
    public func auditRetentionMonths() throws -> Int {
        let months = audit?.conservation_mois ?? 12
        guard (6...12).contains(months) else {
            throw ConfigurationError.invalid("audit.conservation_mois : \(months) ; de 6 à 12 mois (CNIL, recommandation 2021-122 sur la journalisation)")
        }
        return months
    }

    public static let passwordVariable = "BASCULE_LDAP_PASSWORD"
    public static let defaultSpacesRoot = "/srv/bascule/espaces"

    /// The file's content, or nil when there is no file (the embedded directory only).
    public static func load(_ path: String) throws -> Configuration? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let configuration: Configuration
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            configuration = try YAMLDecoder().decode(Configuration.self, from: text)
        } catch {
            throw ConfigurationError.unreadable(path: path, reason: "\(error)")
        }
        if let a = configuration.annuaire { try a.check() }
        // The directory's homeDirectory and the real folder must be the same path.
        if let home = configuration.annuaire?.racine_espaces, let root = configuration.espaces?.racine,
           SpaceTree.trimmed(home) != SpaceTree.trimmed(root) {
            throw ConfigurationError.invalid("annuaire.racine_espaces (\(home)) et espaces.racine (\(root)) diffèrent : les homeDirectory de l'annuaire ne seraient pas les dossiers créés. Gardez-en un seul (espaces.racine suffit).")
        }
        return configuration
    }

    /// `annuaire.racine_espaces` when given (a directory without Bascule's spaces), else
    /// `espaces.racine`: the homeDirectory is the personal space Bascule creates.
    public var homeRoot: String { annuaire?.racine_espaces ?? espaces?.racine ?? Self.defaultSpacesRoot }

    public var firstPosixNumber: Int { annuaire?.premier_numero ?? 100_000 }

    public var layout: DirectoryLayout? {
        guard let a = annuaire else { return nil }
        // Checked when the file was read.
        let shells = (try? LoginShells(configured: a.shells ?? [:])) ?? .default
        return DirectoryLayout(base: a.base, homeRoot: homeRoot, firstPosixNumber: firstPosixNumber, loginShells: shells)
    }

    /// The spaces' settings, nil without an `espaces` section.
    public func spacesSettings(dataDirectory: String) throws -> SpacesSettings? {
        guard let e = espaces else { return nil }
        var quotas = SpaceQuotas.memo
        for (key, text) in (e.quotas ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard quotas[key] != nil else {
                throw ConfigurationError.invalid("espaces.quotas : « \(key) » inconnu (attendu : \(SpaceQuotas.keys.joined(separator: ", ")))")
            }
            guard let bytes = SpaceQuotas.parseSize(text) else {
                throw ConfigurationError.invalid("espaces.quotas.\(key) : « \(text) » n'est pas une taille (par exemple 1Go, 500Mo)")
            }
            quotas[key] = bytes
        }
        let data = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        do {
            return try SpacesSettings(root: e.racine, quotas: quotas, archiveDirectory: e.archives ?? data + "/archives",
                                      archiveRetentionDays: e.conservation_archives ?? SpacesSettings.defaultRetentionDays,
                                      personalArchiveRetentionDays: e.conservation_archives_perso ?? SpacesSettings.defaultPersonalRetentionDays)
        } catch {
            throw ConfigurationError.invalid(error.french)
        }
    }

    /// Connects and binds to the configured directory, with `password` (the environment's
    /// `BASCULE_LDAP_PASSWORD`: never in the file); `warn` hears what every run must say.
    public func connector(password: String?, warn: (String) -> Void) throws -> OpenLDAPConnector? {
        guard let a = annuaire, let layout else { return nil }
        let drift = try Self.driftMode(a.derive)
        guard let password, !password.isEmpty else {
            throw ConfigurationError.missingSecret(Self.passwordVariable)
        }
        let tls = LDAPTLSOptions(startTLS: a.starttls ?? false, caFile: a.ca, allowCleartext: a.allowsCleartext)
        if case let .cleartextAllowed(host) = LDAPTransport.verdict(url: a.url, startTLS: tls.startTLS, caFile: tls.caFile,
                                                                    allowCleartext: tls.allowCleartext) {
            warn("ATTENTION : annuaire \(host) sans TLS (tls: non-sécurisé dans bascule.yml) : le mot de passe du compte de Bascule et les empreintes des mots de passe passent en clair sur le réseau.")
        }
        let url = a.url
        let connection = try LDAPConnection(url: url, tls: tls)
        try connection.bind(dn: a.compte, password: password)
        return OpenLDAPConnector(connection: connection, layout: layout, drift: drift,
                                 connect: { try LDAPConnection(url: url, tls: tls) })
    }
}

public enum ConfigurationError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(String)
    case missingSecret(String)

    public var french: String {
        switch self {
        case .unreadable(let path, let reason): "Configuration illisible (\(path)) : \(reason)"
        case .invalid(let what): "Configuration invalide : \(what)"
        case .missingSecret(let variable):
            "Le mot de passe du compte de l'annuaire n'est pas défini : exportez la variable d'environnement \(variable) (il n'est jamais lu dans bascule.yml)."
        }
    }

    public var description: String { french }
}

extension Configuration.Directory {
    /// What can be checked without connecting: the shells, the TLS setting, and that the
    /// connection will not send secrets in clear (``LDAPTransport``).
    public func check() throws {
        if let tls, !Self.insecureWords.contains(tls.lowercased()) {
            throw ConfigurationError.invalid("annuaire.tls : « \(tls) » (seule valeur admise : non-sécurisé, qui accepte une connexion sans TLS vers un autre hôte ; sans cette clé, TLS est exigé)")
        }
        do {
            _ = try LoginShells(configured: shells ?? [:])
        } catch {
            throw ConfigurationError.invalid(error.french)
        }
        if let ca, !FileManager.default.isReadableFile(atPath: ca) {
            throw ConfigurationError.invalid("annuaire.ca : \(ca) est introuvable ou illisible")
        }
        if case let .refused(why) = LDAPTransport.verdict(url: url, startTLS: starttls ?? false, caFile: ca, allowCleartext: allowsCleartext) {
            throw ConfigurationError.invalid("annuaire.url : \(why)")
        }
    }
}

extension Configuration {
    /// The smallest number Bascule may give as uidNumber or gidNumber: below it are the system's
    /// accounts and groups (Debian gives people numbers from 1000), and 0 is root.
    public static let lowestPosixNumber = 1000
    /// The largest first number: uid_t is 32 bits, 4294967295 is (uid_t)-1 (chown's « leave as
    /// is ») and numbers past 2^31 break many tools; a billion numbers stay above it for the accounts.
    public static let highestFirstPosixNumber = 1_000_000_000

    /// Every value that can be checked without reaching the directory or the tree: the drift
    /// mode, the first POSIX number, the spaces' root, quotas, archives and retention.
    public func check(dataDirectory: String) throws {
        if let annuaire {
            _ = try Self.driftMode(annuaire.derive)
            if let first = annuaire.premier_numero, first < Self.lowestPosixNumber {
                throw ConfigurationError.invalid("annuaire.premier_numero : \(first) (au moins \(Self.lowestPosixNumber) : les numéros plus petits sont ceux du système, 0 est root)")
            }
            if let first = annuaire.premier_numero, first > Self.highestFirstPosixNumber {
                throw ConfigurationError.invalid("annuaire.premier_numero : \(first) (au plus \(Self.highestFirstPosixNumber) : un uid est sur 32 bits, 4294967295 veut dire « ne pas changer », et au-delà de 2^31 bien des outils se trompent)")
            }
        }
        _ = try spacesSettings(dataDirectory: dataDirectory)
        _ = try schedule()
        _ = try mailSettings()
    }

    /// `derive`: `corriger` (the default) or `signaler`.
    public static func driftMode(_ text: String?) throws -> DriftMode {
        switch text ?? "corriger" {
        case "corriger", "correct": .correct
        case "signaler", "report": .report
        case let other: throw ConfigurationError.invalid("annuaire.derive : « \(other) » (corriger ou signaler)")
        }
    }
}

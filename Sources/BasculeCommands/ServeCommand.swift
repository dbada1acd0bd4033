import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import Foundation
import Logging
import ServiceLifecycle

/// `bascule serve`: the department's service (people who log in, the API, the access decision).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Service HTTP du département : connexion des personnes, API JSON (jetons), décision d'accès à l'ENT (/api/acces), /openapi.json, /healthz, /metrics.",
        discussion: """
            Écoute sur 127.0.0.1:8080 par défaut, derrière un mandataire inverse qui porte TLS (--behind-proxy : \
            cookies Secure, adresse du client lue dans X-Forwarded-For), ou sert TLS lui-même avec \
            --tls-certificate et --tls-key (PEM). Les personnes se connectent par liaison à l'annuaire de bascule.yml \
            (BASCULE_LDAP_PASSWORD pour le compte de Bascule), ou, sans annuaire, avec l'empreinte gardée par Bascule. \
            Les administrateurs du département : bascule admin create ; les jetons : bascule token create.
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Adresse d'écoute (127.0.0.1 par défaut : seul un mandataire sur la machine y accède).")
    var host: String = "127.0.0.1"

    @Option(help: "Port d'écoute.")
    var port: Int = 8080

    @Flag(help: "Un mandataire inverse TLS est devant le service : cookies Secure, adresse du client dans X-Forwarded-For.")
    var behindProxy = false

    @Option(help: "Certificat TLS (PEM, chaîne complète) : le service sert HTTPS lui-même.")
    var tlsCertificate: String?

    @Option(help: "Clé privée TLS (PEM), lisible par son seul propriétaire.")
    var tlsKey: String?

    @Option(help: "Coût du hachage des nouveaux mots de passe (tours PBKDF2-SHA256, au moins 10000).")
    var passwordRounds: Int = PasswordHasher.productionRounds

    @Option(help: "Taille maximale d'un export déposé, en Mio.")
    var maxUpload: Int = 256

    func validate() throws {
        if passwordRounds < 10_000 { throw ValidationError("--password-rounds : au moins 10000.") }
        guard (1...65535).contains(port) else { throw ValidationError("--port : de 1 à 65535.") }
        guard (1...4096).contains(maxUpload) else { throw ValidationError("--max-upload : de 1 à 4096 Mio.") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate et --tls-key vont ensemble.")
        }
        for file in [tlsCertificate, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("\(file) est introuvable ou illisible.")
        }
    }

    /// What runs beside the HTTP service: the daily run at the hour of `bascule.yml` (unless
    /// `service.quotidien: false`), through the service's store, refreshing `/api/acces` after
    /// each school's day.
    static func background(_ service: BasculeService, options: DataOptions) throws -> [any Service] {
        let environment = CommandEnvironment.current
        guard let scheduler = try service.dailyScheduler(location: try options.location, variables: { environment.variable($0) },
                                                         clock: { Date() }, warn: { BasculeCommands.warn($0) }) else {
            say("Exécution quotidienne désactivée (service.quotidien: false dans bascule.yml) : lancez bascule run chaque jour.")
            return []
        }
        let schedule = scheduler.schedule
        say("Exécution quotidienne chaque jour à \(String(format: "%02d:%02d", schedule.hour, schedule.minute)) (\(schedule.timeZone.identifier)), jours manqués rattrapés (\(schedule.catchUpDays) au plus).")
        return [SchedulerService(scheduler: scheduler, refreshing: service)]
    }

    func run() async throws {
        try await reportingErrors {
            try ServiceUser.check(data: options.data, command: "serve")
            let configuration = try options.checkedConfiguration
            let password = configuration?.annuaire == nil ? nil : CommandEnvironment.current.variable(Configuration.passwordVariable)
            if configuration?.annuaire != nil, password?.isEmpty ?? true {
                throw ConfigurationError.missingSecret(Configuration.passwordVariable)
            }
            if host != "127.0.0.1", host != "::1", host != "localhost", tlsCertificate == nil, !behindProxy {
                warn("ATTENTION : le service écoute sur \(host) sans TLS : mots de passe et sessions passeraient en clair. Servez TLS (--tls-certificate) ou placez-le derrière un mandataire TLS (--behind-proxy).")
            }
            try await options.withStore { store in
                let settings = ServerSettings(host: host, port: port, behindProxy: behindProxy, tlsCertificate: tlsCertificate, tlsKey: tlsKey,
                                              dataDirectory: options.data, configuration: configuration, directoryPassword: password,
                                              passwordRounds: passwordRounds, maxUploadBytes: maxUpload << 20)
                let service = try BasculeService(settings: settings, store: store)
                // SIGTERM and SIGINT stop the service group gracefully (requests finish, the store closes).
                ProcessSafety.handOver([SIGTERM, SIGINT])
                try await service.run(alongside: try Self.background(service, options: options)) { port in
                    say("Bascule écoute sur \(tlsCertificate == nil ? "http" : "https")://\(host):\(port) (arrêt : SIGTERM ou Ctrl-C).")
                }
            }
        }
    }
}

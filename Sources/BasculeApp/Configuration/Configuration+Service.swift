import BasculeDomain
import BasculeMail
import Foundation

/// The e-mail side of `bascule.yml`, checked: where the digests go and from whom.
public struct MailSettings: Sendable {
    public var relay: SMTPRelay
    public var sender: MailAddress
    /// The department's administrators.
    public var department: [MailAddress]

    public init(relay: SMTPRelay, sender: MailAddress, department: [MailAddress]) {
        self.relay = relay
        self.sender = sender
        self.department = department
    }
}

extension Configuration {
    /// Whether `bascule serve` runs the department's day itself (`service.quotidien`, true by default).
    public var servesDailyRun: Bool { service?.quotidien ?? true }

    /// The daily run's hour (06:30 by default), time zone and catch-up, checked.
    public func schedule() throws -> DailySchedule {
        var schedule = DailySchedule()
        guard let s = service else { return schedule }
        if let text = s.heure {
            guard let (hour, minute) = DailySchedule.parseTime(text) else {
                throw ConfigurationError.invalid("service.heure : « \(text) » n'est pas une heure (attendu : HH:MM, par exemple \"06:30\", entre guillemets)")
            }
            schedule.hour = hour
            schedule.minute = minute
        }
        if let zone = s.fuseau {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw ConfigurationError.invalid("service.fuseau : « \(zone) » n'est pas un fuseau horaire connu (par exemple Europe/Paris)")
            }
            schedule.timeZone = timeZone
        }
        if let days = s.rattrapage {
            guard (1...31).contains(days) else {
                throw ConfigurationError.invalid("service.rattrapage : \(days) jours (attendu : de 1 à 31)")
            }
            schedule.catchUpDays = days
        }
        return schedule
    }

    /// The relay, the sender and the department's addresses, checked; nil without a `courriel`
    /// section (nothing is sent: the to-dos stay in `bascule todos`). A relay on another machine
    /// without STARTTLS is refused unless `tls: non-sécurisé`.
    public func mailSettings() throws -> MailSettings? {
        guard let c = courriel else { return nil }
        guard let (host, port) = SMTPRelay.parse(c.relais) else {
            throw ConfigurationError.invalid("courriel.relais : « \(c.relais) » (attendu : hôte:port, par exemple smtp.exemple.fr:25)")
        }
        guard let sender = MailAddress(c.expediteur) else {
            throw ConfigurationError.invalid("courriel.expediteur : « \(c.expediteur) » n'est pas une adresse de courriel")
        }
        if let tls = c.tls, !Directory.insecureWords.contains(tls.lowercased()) {
            throw ConfigurationError.invalid("courriel.tls : « \(tls) » (seule valeur admise : non-sécurisé, qui accepte un relais distant sans STARTTLS ; sans cette clé, STARTTLS est exigé hors de la machine)")
        }
        if let ca = c.ca, !FileManager.default.isReadableFile(atPath: ca) {
            throw ConfigurationError.invalid("courriel.ca : \(ca) est introuvable ou illisible")
        }
        var department: [MailAddress] = []
        for text in c.departement ?? [] {
            guard let address = MailAddress(text) else {
                throw ConfigurationError.invalid("courriel.departement : « \(text) » n'est pas une adresse de courriel")
            }
            department.append(address)
        }
        guard !department.isEmpty else {
            throw ConfigurationError.invalid("courriel.departement : au moins une adresse, celle des administrateurs du département (leurs tâches, et celles pour lesquelles personne n'est joignable dans l'établissement)")
        }
        let relay = SMTPRelay(host: host, port: port, startTLS: c.starttls ?? false, caFile: c.ca,
                              allowCleartext: c.tls.map { Directory.insecureWords.contains($0.lowercased()) } ?? false,
                              heloName: Self.heloName())
        if case .refused(let why) = relay.verdict { throw ConfigurationError.invalid("courriel.relais : \(why)") }
        return MailSettings(relay: relay, sender: sender, department: department)
    }

    /// This machine's name for `EHLO`, when it is a plain host name.
    static func heloName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "bascule.localdomain" }
        let name = String(cString: buffer)
        let ok = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        return ok ? name : "bascule.localdomain"
    }
}

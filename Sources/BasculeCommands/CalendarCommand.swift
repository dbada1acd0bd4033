import ArgumentParser
import BasculeCalendarFiles
import BasculeDomain
import Foundation

/// `bascule calendar`: what the rollover calendar says on a day, per target.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Calendrier de bascule : ce qui est en vigueur à une date et ce qui vient ensuite, par cible (ENT, serveur pédagogique, GAR, Moodlecol).",
        discussion: """
            Le calendrier de la bascule vers l'année AAAA-(AAAA+1) couvre l'été AAAA : une date de 2026
            consulte le calendrier 2026-2027. Il est lu, dans cet ordre, dans
            DONNÉES/calendriers/UAI/2026-2027.yml (avec --school), DONNÉES/calendriers/2026-2027.yml,
            puis le calendrier fourni avec Bascule. Une année sans calendrier reprend le plus proche,
            dates décalées d'autant d'années, et l'affichage le signale. Les dates sont incluses.
            """)

    @Option(name: .long, help: "Dossier des données de Bascule (y sont cherchés les calendriers, sous calendriers/).")
    var data: String = "./bascule-data"

    @Option(help: "Date consultée (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Option(help: "Établissement (UAI) dont le calendrier propre remplace, s'il existe, celui du département.")
    var school: UAI?

    @Flag(help: "La situation en JSON.")
    var json = false

    func run() async throws {
        let day = date?.date ?? DateOption.today()
        let year = SchoolCalendar.rolloverYear(for: day)
        let loaded: LoadedCalendar
        do {
            loaded = try CalendarStore(dataDirectory: data).calendar(for: year, school: school)
        } catch {
            warn(error.french)
            throw ExitCode(2)
        }
        let status = loaded.calendar.status(on: day)
        if json {
            say(try renderJSON(CalendarOutput(status, source: loaded.source)))
        } else {
            say(CalendarOutput.french(status, source: loaded.source))
        }
    }
}

/// The JSON form: stable keys, `null` for missing dates.
struct CalendarOutput: Encodable {
    struct Entry: Encodable {
        let id: String
        let kind: String
        let from: CivilDate?
        let until: CivilDate?
        let label: String
        let actor: String
        let roles: [String]

        init(_ e: CalendarEntry) {
            id = e.id
            kind = e.kind.rawValue
            from = e.from
            until = e.until
            label = e.labelFrench
            actor = e.actor.rawValue
            roles = CalendarRole.allCases.filter(e.roles.contains).map(\.rawValue)
        }

        enum CodingKeys: String, CodingKey { case id, kind, from, until, label, actor, roles }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(from, forKey: .from)
            try c.encode(until, forKey: .until)
            try c.encode(label, forKey: .label)
            try c.encode(actor, forKey: .actor)
            try c.encode(roles, forKey: .roles)
        }
    }

    struct Target: Encodable {
        let target: String
        let label: String
        let inForce: [Entry]
        let next: [Entry]
    }

    let date: CivilDate
    let schoolYear: String
    let derivedFrom: String?
    let source: String
    let targets: [Target]

    init(_ s: CalendarStatus, source: CalendarSource) {
        date = s.date
        schoolYear = s.year.description
        derivedFrom = s.derivedFrom?.description
        self.source = source.french
        targets = s.targets.map {
            Target(target: $0.target.id, label: $0.target.label,
                   inForce: $0.inForce.map(Entry.init), next: $0.next.map(Entry.init))
        }
    }

    enum CodingKeys: String, CodingKey { case date, schoolYear, derivedFrom, source, targets }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(date, forKey: .date)
        try c.encode(schoolYear, forKey: .schoolYear)
        try c.encode(derivedFrom, forKey: .derivedFrom)
        try c.encode(source, forKey: .source)
        try c.encode(targets, forKey: .targets)
    }

    static func french(_ s: CalendarStatus, source: CalendarSource) -> String {
        var out = ["== Calendrier de bascule \(s.year) au \(s.date) ==", "Source : \(source.french)"]
        if let base = s.derivedFrom {
            out.append("Attention : calendrier \(s.year) déduit de celui de \(base) (mêmes jours et mois, décalés de \(s.year.startYear - base.startYear) an(s)) ; à vérifier avec le mémo de l'année.")
        }
        for t in s.targets {
            out.append("")
            out.append(t.target.label)
            out.append("  En vigueur :")
            if t.inForce.isEmpty { out.append("    (rien)") }
            for e in t.inForce { out.append("    - \(line(e))") }
            out.append("  À venir :")
            if t.next.isEmpty { out.append("    (rien)") }
            for e in t.next { out.append("    - \(line(e, upcoming: true))") }
        }
        return out.joined(separator: "\n")
    }

    static func line(_ e: CalendarEntry, upcoming: Bool = false) -> String {
        let when: String = switch (e.from, e.until) {
        case let (f?, u?) where f == u: "le \(f)"
        case let (f?, u?): "du \(f) au \(u)"
        case let (f?, nil): upcoming ? "à partir du \(f)" : "depuis le \(f)"
        case let (nil, u?): "jusqu'au \(u)"
        case (nil, nil): ""
        }
        var extra: [String] = []
        if !e.liftableBy.isEmpty {
            extra.append("levable avant la fin par : \(CalendarActor.allCases.filter(e.liftableBy.contains).map(\.label).joined(separator: ", "))")
        }
        if e.requiresSchoolApproval { extra.append("après validation de la liste par l'établissement") }
        extra.append("par : \(e.actor.label)")
        return "\(when) : \(e.labelFrench) [\(e.id)] (\(extra.joined(separator: " ; ")))"
    }
}

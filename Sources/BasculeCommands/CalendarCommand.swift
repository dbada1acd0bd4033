import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeStore
import Foundation

/// `bascule calendar`: what the rollover calendar says, and the closures the direction lifts.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Calendrier de bascule : ce qui est en vigueur à une date (par défaut), levée anticipée d'une fermeture d'accès.",
        subcommands: [CalendarShowCommand.self, CalendarLiftCommand.self],
        defaultSubcommand: CalendarShowCommand.self)
}

/// `bascule calendar [show]`: what the rollover calendar says on a day, per target.
struct CalendarShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Calendrier de bascule : ce qui est en vigueur à une date et ce qui vient ensuite, par cible (ENT, serveur pédagogique, GAR, Moodlecol).",
        discussion: """
            Le calendrier de la bascule vers l'année AAAA-(AAAA+1) couvre l'été AAAA : une date de 2026
            consulte le calendrier 2026-2027. Il est lu, dans cet ordre, dans
            DONNÉES/calendriers/UAI/2026-2027.yml (avec --school), DONNÉES/calendriers/2026-2027.yml,
            puis le calendrier fourni avec Bascule. Une année sans calendrier reprend le plus proche,
            dates décalées d'autant d'années, et l'affichage le signale. Les dates sont incluses.
            Avec --school, les fermetures d'accès levées avant leur fin par la direction (bascule calendar
            lift) sont montrées, et l'accès de chaque profil à la date dite.
            """)

    @OptionGroup var options: DataOptions
    var data: String { options.data }

    @Option(help: "Date consultée (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Option(help: "Établissement (UAI) dont le calendrier propre remplace, s'il existe, celui du département.")
    var school: UAI?

    @Flag(help: "La situation en JSON.")
    var json = false

    func run() async throws {
        let day = try date.orToday()
        let year = SchoolCalendar.rolloverYear(for: day)
        let loaded: LoadedCalendar
        do {
            loaded = try CalendarStore(dataDirectory: data).calendar(for: year, school: school)
        } catch {
            warn(error.french)
            throw ExitCode(2)
        }
        let status = loaded.calendar.status(on: day)
        var liftings: [AccessLifting] = []
        if let school, options.database != nil || FileManager.default.fileExists(atPath: options.embeddedStorePath) {
            try await reportingErrors {
                liftings = loaded.calendar.applicable(try await options.withStore { try await $0.accessLiftings(uai: school) })
            }
        }
        let access = loaded.calendar.accessNotices(on: day, liftings: liftings)
        var policy = PlanningPolicy.default
        var deletions: [DeletionForecast]?
        try await reportingErrors {
            policy = try options.policy
            if let school, options.database != nil || FileManager.default.fileExists(atPath: options.embeddedStorePath) {
                deletions = try await options.withStore { store in
                    try await PlanningService(store: store, policy: policy, gate: options.calendarGate).roster(uai: school) == nil ? nil
                        : try await PlanningService(store: store, policy: policy, gate: options.calendarGate).unhashedPlan(uai: school, date: day).deletions
                }
            }
        }
        if json {
            say(try renderJSON(CalendarOutput(status, source: loaded.source, liftings: liftings, access: access, policy: policy,
                                              deletions: deletions ?? [])))
        } else {
            say(CalendarOutput.french(status, source: loaded.source, liftings: liftings, access: access, policy: policy, deletions: deletions))
        }
    }
}

/// `bascule calendar lift`: the principal or deputy opens an access closure early for a profile.
struct CalendarLiftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift",
        abstract: "Lève avant sa fin une fermeture d'accès (fermeture de rentrée de l'ENT) pour un profil : décision du principal ou de son adjoint·e.",
        discussion: """
            Le calendrier dit quelles fermetures sont levables et par qui (levable_par). --by nomme le compte
            de la personne qui décide : sa fonction DIR dans le dernier export STS-Web en fait la direction.
            Sans --for, tous les profils que la fermeture concerne ; sans --entry, la seule fermeture levable
            du calendrier. L'accès est ouvert à partir de --date (par défaut aujourd'hui). --cancel annule
            l'ouverture anticipée. Chaque décision est consignée dans l'audit ; « bascule plan » et
            « bascule calendar --school UAI » la montrent.
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
    var uai: UAI

    @Option(help: "Identifiant de la personne qui décide (principal ou adjoint·e).")
    var by: String

    @Option(name: .customLong("for"), help: "Profil : eleves ou responsables (répétable).")
    var roles: [RoleOption] = []

    @Option(help: "Identifiant de la fermeture dans le calendrier (par défaut la seule levable).")
    var entry: String?

    @Option(help: "Premier jour d'accès (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Flag(help: "Annule une levée anticipée : la fermeture s'applique de nouveau.")
    var cancel = false

    /// `--by` speaks for someone else: root's alone (the audit names both).
    func validate() throws {
        try RootOnly.check()
    }

    func run() async throws {
        let day = try date.orToday()
        try await reportingErrors {
            let calendar = try CalendarStore(dataDirectory: options.data)
                .calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
            let closure = try ClosureLiftService.closure(entry, in: calendar)
            try await options.withStore { store in
                let service = ClosureLiftService(store: store)
                if cancel {
                    let roles = try await service.cancel(uai: uai, calendar: calendar, entry: closure, roles: roles.map(\.role), by: by)
                    say("Ouverture anticipée annulée dans \(uai) : \(closure.target.label) de nouveau fermé aux \(roles.map(\.label).joined(separator: " et ")) jusqu'au \(closure.until.map(\.description) ?? "—") [\(closure.id)].")
                } else {
                    let done = try await service.lift(uai: uai, calendar: calendar, entry: closure, roles: roles.map(\.role), by: by, on: day)
                    say("Fermeture levée dans \(uai) : \(closure.target.label) ouvert aux \(done.map(\.role.label).joined(separator: " et ")) à partir du \(day) (fermeture prévue jusqu'au \(closure.until.map(\.description) ?? "—")) [\(closure.id)], décision de \(by).")
                    if closure.target == .ent {
                        say("À faire aussi dans l'ENT : Pilotage > Fermeture rentrée, pour les mêmes profils.")
                    }
                }
            }
        }
    }
}

/// `--for eleves` (or the calendar's English names).
struct RoleOption: ExpressibleByArgument {
    let role: CalendarRole
    init?(argument: String) {
        switch argument.lowercased() {
        case "eleves", "élèves", "students": role = .students
        case "responsables", "parents": role = .parents
        case "personnels", "staff": role = .staff
        default: return nil
        }
    }
}

/// The JSON form: stable keys, `null` for missing dates.
struct CalendarOutput: Encodable {
    struct Entry: Encodable {
        let id: String
        let kind: String
        @NullWhenAbsent var from: CivilDate?
        @NullWhenAbsent var until: CivilDate?
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
    }

    struct Target: Encodable {
        let target: String
        let label: String
        let inForce: [Entry]
        let next: [Entry]
    }

    struct Access: Encodable {
        let target: String
        let role: String
        let entry: String
        let open: Bool
        @NullWhenAbsent var closedUntil: CivilDate?
        @NullWhenAbsent var liftedFrom: CivilDate?
        @NullWhenAbsent var liftedBy: String?

        init(_ n: AccessNotice) {
            target = n.target.id
            role = n.role.rawValue
            entry = n.entryID
            open = n.isOpen
            closedUntil = n.closedUntil
            liftedFrom = n.lifting?.from
            liftedBy = n.lifting?.by
        }
    }

    struct Lifting: Encodable {
        let entry: String
        let role: String
        let from: CivilDate
        let by: String
    }

    let date: CivilDate
    let schoolYear: String
    @NullWhenAbsent var derivedFrom: String?
    let source: String
    let targets: [Target]
    /// Closures in force on the day, per profile: closed, or opened early.
    let access: [Access]
    /// Every early opening the school recorded for this year's calendar.
    let liftings: [Lifting]
    /// How long a departed person's account lasts, per role, as `bascule.yml` (or the memo) sets it.
    let lifecycle: Lifecycle
    /// With --school: the accounts of people who left that plans will delete, and when.
    let deletions: [DeletionForecast]

    struct Lifecycle: Encodable {
        let graceDays: [String: Int]
        let settlingDays: [String: Int]
        let maximumRetentionDays: Int

        init(_ p: PlanningPolicy) {
            let kinds: [PersonKind] = [.student, .teacher, .staff]
            graceDays = Dictionary(uniqueKeysWithValues: kinds.map { ($0.rawValue, p.graceDays[$0] ?? 0) })
            settlingDays = Dictionary(uniqueKeysWithValues: kinds.map { ($0.rawValue, p.settlingDays[$0] ?? 0) })
            maximumRetentionDays = p.maximumRetentionDays
        }
    }

    init(_ s: CalendarStatus, source: CalendarSource, liftings: [AccessLifting] = [], access: [AccessNotice] = [],
         policy: PlanningPolicy = .default, deletions: [DeletionForecast] = []) {
        lifecycle = Lifecycle(policy)
        self.deletions = deletions
        self.access = access.map(Access.init)
        self.liftings = liftings.map { Lifting(entry: $0.entryID, role: $0.role.rawValue, from: $0.from, by: $0.by) }
        date = s.date
        schoolYear = s.year.description
        derivedFrom = s.derivedFrom?.description
        self.source = source.french
        targets = s.targets.map {
            Target(target: $0.target.id, label: $0.target.label,
                   inForce: $0.inForce.map(Entry.init), next: $0.next.map(Entry.init))
        }
    }


    static func french(_ s: CalendarStatus, source: CalendarSource, liftings: [AccessLifting] = [],
                       access: [AccessNotice] = [], policy: PlanningPolicy = .default, deletions: [DeletionForecast]? = nil) -> String {
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
        if !access.isEmpty {
            out.append("")
            out.append("Accès au \(s.date) :")
            for n in access { out.append("  - \(n.isOpen ? "ouvert" : "fermé") : \(n.reason.french)") }
        }
        let later = liftings.filter { $0.from > s.date }
        if !later.isEmpty {
            out.append("")
            out.append("Levées anticipées à venir :")
            for l in later { out.append("  - [\(l.entryID)] \(l.role.label) à partir du \(l.from), décision de \(l.by)") }
        }
        out.append("")
        out.append("Comptes des personnes parties (bascule.yml, « comptes : », sinon les valeurs par défaut) :")
        for (kind, label) in [(PersonKind.student, "élèves"), (.teacher, "enseignants"), (.staff, "administratifs")] {
            out.append("  - \(label) : utilisables \(policy.graceDays[kind] ?? 0) jour(s) après le départ, puis désactivés ; anciens supprimés dans la période de suppression du calendrier \(policy.settlingDays[kind] ?? 0) jour(s) après le premier import qui les omet")
        }
        out.append("  - tous : supprimés au plus tard \(policy.maximumRetentionDays) jours après le départ (arrêté ENT, art. 6 : trois mois au plus)")
        if let deletions {
            out.append("")
            if deletions.isEmpty {
                out.append("Suppressions à venir : aucune.")
            } else {
                out.append("Suppressions à venir :")
                out += PlanOutput.deadlines(deletions).dropFirst()
            }
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

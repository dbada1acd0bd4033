import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeStore
import Foundation

/// The newcomer's first command: a fictional collège's exports for two school years, imported
/// into the embedded store, and what the rollover between them would change.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Démonstration : génère les exports d'un collège fictif sur deux années, les importe, et montre ce que la bascule changerait.")

    @OptionGroup var options: DataOptions

    @Option(help: "Graine du générateur.")
    var seed: UInt64 = 2026

    @Option(help: "Nombre d'élèves du collège.")
    var students: Int = 600

    func run() async throws {
        try await reportingErrors {
            let exports = URL(fileURLWithPath: options.data).appendingPathComponent("exemples")
            let generator = AcademyGenerator(options: GeneratorOptions(
                schools: 1, studentsPerSchool: students, seed: seed, firstYear: 2025, years: 2))
            let files = try generator.write(to: exports)
            say("Exports fictifs écrits dans \(exports.path) (\(files.count) fichiers).")
            // Fictional people: a lighter hash keeps the demonstration quick (production: 210,000 rounds).
            let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: 10_000), vault: try SheetVault(dataDirectory: options.data))
            let gate = options.calendarGate
            try await options.withStore(creating: true) { store in try await Demo(store: store, files: files, credentials: issuer, gate: gate, dataDirectory: options.data).run() }
            say("\nPour la suite : bascule plan --data \(options.data), bascule accounts --data \(options.data),")
            say("bascule sheets --data \(options.data) --class <classe> (fiches de connexion), bascule people --data \(options.data) [--json],")
            say("bascule verify --data \(options.data) --date 2026-09-10 (vérification de rentrée)")
        }
    }
}

struct Demo {
    let store: Store
    let files: [GeneratedFile]
    let credentials: CredentialIssuer
    let gate: @Sendable (UAI, CivilDate) throws -> CalendarGate
    /// As the user gave it, for the commands the demo prints.
    var dataDirectory = "./bascule-data"

    func run() async throws {
        let years = Set(files.map(\.year)).sorted()
        guard let uai = files.first?.uai else { return }
        for year in years {
            // The first year is imported and applied at its rentrée. Later years follow the calendar
            // day by day: imports arrive when the ENT's resume (24 August), the pedagogical server
            // takes changes from 28 August, former users are deleted in the September window.
            let first = year == years.first
            let importDay = first ? CivilDate(year: year.startYear, month: 9, day: 3)! : CivilDate(year: year.startYear, month: 8, day: 24)!
            say("\n== Import des exports \(year) (au \(importDay.french)) ==")
            let summary = try await ImportService(store: store, today: importDay)
                .importFiles(files.filter { $0.year == year }.map(\.url))
            say(summary.french)
            guard summary.files.contains(where: { !$0.alreadyImported }) else {
                say("Ces exports ont déjà été importés et leur plan appliqué par une démonstration précédente.")
                continue
            }
            // 8 September: the department's apply in the window deletes the former students and
            // staff (settled a week after the import that missed them), as the 2026 memo says.
            let days = first ? [importDay] : [25, 27, 28].map { CivilDate(year: year.startYear, month: 8, day: $0)! }
                + [CivilDate(year: year.startYear, month: 9, day: 8)!]
            for day in days {
                if !first && day.month == 8 && day.day == 27 { try await liftClosure(uai: uai, day: day) }
                try await step(uai: uai, day: day)
            }
            // The memo's check, from the second week of September.
            if !first { try await verify(uai: uai, day: CivilDate(year: year.startYear, month: 9, day: 10)!) }
        }
        let studentImports = try await store.imports(uai: uai, source: .siecleStudents)
        let staffImports = try await store.imports(uai: uai, source: .sts)
        guard studentImports.count >= 2 else { return }
        let (before, after) = (studentImports[studentImports.count - 2], studentImports[studentImports.count - 1])
        let students = RosterDiff(before: try await roster(before), after: try await roster(after))
        say("\n== Ce que la bascule \(before.schoolYear.map(\.description) ?? "?") → \(after.schoolYear.map(\.description) ?? "?") changerait pour les élèves de \(uai) ==")
        say("\(students.arrivals) arrivée(s), \(students.departures) départ(s), \(students.moves) changement(s) de classe, \(students.groupChanges) changement(s) de groupes, \(students.returns) retour(s).")
        printSample(students.changes)
        if staffImports.count >= 2 {
            let staff = RosterDiff(before: try await roster(staffImports[staffImports.count - 2]),
                                   after: try await roster(staffImports[staffImports.count - 1]))
            say("\n== Personnels (STS-Web) ==")
            say("\(staff.arrivals) arrivée(s), \(staff.departures) départ(s).")
            printSample(staff.changes)
        }
    }

    /// One day of the rollover: the plan, and its application when the calendar allows it.
    private func step(uai: UAI, day: CivilDate) async throws {
        let planning = PlanningService(store: store, credentials: credentials, gate: gate)
        let plan = try await planning.plan(uai: uai, date: day)
        let s = plan.plan.summary
        say("-- \(day) : plan \(plan.hash.prefix(12)) : \(s.accountsCreated) compte(s) à créer, \(s.accountsReactivated) à réactiver, \(s.accountsLeaving) partant(s), \(s.accountsDisabled) à désactiver, \(s.accountsDeleted) à supprimer ; groupes +\(s.groupsCreated) −\(s.groupsDeleted) ; appartenances +\(s.membershipsAdded) −\(s.membershipsRemoved).")
        for kind in [PlanAction.Kind.createAccount, .markLeaving, .disableAccount, .deleteAccount, .deleteGroup] {
            for a in plan.plan.actions.filter({ $0.kind == kind }).prefix(2) { say("  • \(a.french)") }
        }
        for n in plan.plan.access { say("  \(n.isOpen ? "🔓" : "🔒") \(n.reason.french)") }
        if !plan.plan.changesDirectory {
            say("  rien à changer : l'annuaire est à jour.")
        } else if let why = plan.plan.deferred {
            say("  ⏸ \(why.french)")
        } else if plan.plan.safety.needsConfirmation {
            say("  ⚠ plan hors de l'ordinaire : non appliqué par la démonstration.")
        } else {
            _ = try await planning.apply(uai: uai, date: day, expectedHash: plan.hash, allowMassChange: false)
            say("  appliqué à l'annuaire intégré.")
        }
    }

    /// The principal opens the ENT to students a few days early, as the memo allows
    /// ("Pilotage > Fermeture rentrée"); parents wait for the end of the closure.
    private func liftClosure(uai: UAI, day: CivilDate) async throws {
        guard let calendar = try gate(uai, day).calendar,
              let sts = try await store.latestImport(uai: uai, source: .sts) else { return }
        let head = try await store.snapshotPeople(importID: sts.id).first { $0.function == "DIR" && !$0.hasLeft }
        guard let head, let login = try await store.directoryState(uai: uai).accounts
            .first(where: { $0.personID == head.personID && $0.status == .active })?.login else { return }
        let closure = try ClosureLiftService.closure(nil, in: calendar)
        let done = try await ClosureLiftService(store: store)
            .lift(uai: uai, calendar: calendar, entry: closure, roles: [.students], by: login, on: day)
        say("-- \(day) : la direction (\(login)) ouvre l'ENT aux élèves avant la fin de la fermeture de rentrée (bascule calendar lift --for eleves) : \(done.count) profil(s).")
    }

    /// `bascule verify` on the embedded directory: what the check of September says.
    private func verify(uai: UAI, day: CivilDate) async throws {
        let report = try await VerificationService(store: store, gate: gate).verify(uai: uai, date: day, dataOption: "--data \(dataDirectory)")
        say("-- \(day) : vérification de rentrée (bascule verify)")
        let lines = report.french.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        for line in lines.prefix(12) { say("  \(line)") }
        if lines.count > 12 { say("  … (\(lines.count - 12) ligne(s) de plus : bascule verify --data \(dataDirectory))") }
    }

    private func roster(_ info: ImportInfo) async throws -> [RosterEntry] {
        try await store.snapshotPeople(importID: info.id).map {
            RosterEntry(personID: $0.personID, displayName: $0.name.full, division: $0.division, groups: $0.groups,
                        hasLeft: $0.hasLeft)
        }
    }

    /// A few lines of each kind of change: the full list is the planner's job.
    private func printSample(_ changes: [RosterDiff.Change]) {
        var shown: [String: Int] = [:]
        for c in changes {
            let kind = String(describing: c).prefix { $0 != "(" }
            shown[String(kind), default: 0] += 1
            if shown[String(kind)]! <= 4 { say("  • \(c.french)") }
        }
    }
}

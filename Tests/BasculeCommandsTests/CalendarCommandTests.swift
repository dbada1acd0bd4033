import BasculeCalendarFiles
import BasculeDomain
import BasculeTesting
import Foundation
import Testing

@Suite("Rollover calendar: bundled 2026-2027 file, overrides, bascule calendar")
struct CalendarCommandTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    static func d(_ s: String) -> CivilDate { CivilDate(parsing: s)! }
    static let y2026 = SchoolYear(startYear: 2026)

    func bundled() throws -> SchoolCalendar {
        let loaded = try CalendarStore(dataDirectory: nil).calendar(for: Self.y2026)
        #expect(loaded.source == .bundled(name: "calendrier-2026-2027.yml"))
        #expect(loaded.calendar.derivedFrom == nil)
        return loaded.calendar
    }

    @Test("The bundled 2026-2027 calendar has the memo's dates")
    func memoDates() throws {
        let c = try bundled()
        let d = Self.d
        // Imports paused from 2026-07-03 for both targets.
        #expect(!c.importsPaused(for: .ent, on: d("2026-07-02")))
        #expect(c.importsPaused(for: .ent, on: d("2026-07-03")))
        #expect(c.importsPaused(for: .pedagogicalServer, on: d("2026-07-03")))
        // 2026-08-24: ENT resumed, pedagogical server still paused until 2026-08-28.
        #expect(!c.importsPaused(for: .ent, on: d("2026-08-24")))
        #expect(c.importsPaused(for: .pedagogicalServer, on: d("2026-08-24")))
        #expect(c.importsPaused(for: .pedagogicalServer, on: d("2026-08-27")))
        #expect(!c.importsPaused(for: .pedagogicalServer, on: d("2026-08-28")))
        // Students' ENT access until 2026-08-23.
        let access = try #require(c.entry("acces-ent-eleves"))
        #expect(access.kind == .accessUntil && access.until == d("2026-08-23") && access.roles == [.students])
        #expect(c.isOpen("acces-ent-eleves", on: d("2026-08-23")))
        #expect(!c.isOpen("acces-ent-eleves", on: d("2026-08-24")))
        // ENT closed to students and parents 2026-08-24 through 2026-09-01, open 2026-09-02.
        #expect(!c.accessClosed(for: .students, on: d("2026-08-23")))
        for role in [CalendarRole.students, .parents] {
            #expect(c.accessClosed(for: role, on: d("2026-08-24")))
            #expect(c.accessClosed(for: role, on: d("2026-09-01")))
            #expect(!c.accessClosed(for: role, on: d("2026-09-02")))
            let lifted = AccessLifting(year: c.year, entryID: "fermeture-rentree-ent", role: role, from: d("2026-08-25"),
                                       by: "direction", byLabel: "direction")
            #expect(!c.accessClosed(for: role, on: d("2026-08-25"), liftings: [lifted]))
        }
        #expect(!c.accessClosed(for: .staff, on: d("2026-08-25")))
        #expect(c.entry("fermeture-rentree-ent")?.liftableBy == [.principal, .deputy])
        // Cleanups.
        #expect(c.entry("nettoyage-classes-commun")?.window == DayWindow(from: d("2026-07-15"), until: d("2026-08-31")))
        #expect(c.entry("nettoyage-salle-des-profs-mediaprof")?.actor == .school)
        // Deletions in September, staff without the school's validation (the 2026 memo).
        #expect(c.isOpen("suppression-anciens-eleves", on: d("2026-09-15")))
        #expect(!c.isOpen("suppression-anciens-eleves", on: d("2026-08-31")))
        #expect(!c.isOpen("suppression-anciens-eleves", on: d("2026-10-01")))
        #expect(c.entry("suppression-anciens-personnels")?.requiresSchoolApproval == false)
        #expect(c.entry("suppression-anciens-eleves")?.requiresSchoolApproval == false)
        #expect(c.isOpen(.deletion, role: .staff, on: d("2026-09-30")))
        // GAR/TNE licences valid until 2026-08-15.
        #expect(c.isOpen("licences-gar-tne", on: d("2026-08-15")))
        #expect(!c.isOpen("licences-gar-tne", on: d("2026-08-16")))
        // Moodlecol read-only from early July, stopped in September.
        #expect(c.isOpen(.platformReadOnly, for: .moodlecol, on: d("2026-07-01")))
        #expect(!c.isOpen(.platformReadOnly, for: .moodlecol, on: d("2026-06-30")))
        #expect(!c.isOpen(.platformStopped, for: .moodlecol, on: d("2026-08-31")))
        #expect(c.isOpen(.platformStopped, for: .moodlecol, on: d("2026-09-01")))
        #expect(!c.isOpen(.platformReadOnly, for: .moodlecol, on: d("2026-09-01")))
        // Verification from the Monday of the second week of September.
        #expect(!c.isOpen(.verification, on: d("2026-09-06")))
        #expect(c.isOpen("verification-ent", on: d("2026-09-07")))
        #expect(c.isOpen("verification-serveur-pedagogique", on: d("2026-09-07")))
    }

    @Test("A year without a file follows the newest calendar moved to it, and says so")
    func derived() async throws {
        let loaded = try CalendarStore(dataDirectory: dir.path).calendar(for: SchoolYear(startYear: 2027))
        let c = loaded.calendar
        #expect(c.year == SchoolYear(startYear: 2027))
        #expect(c.derivedFrom == Self.y2026)
        #expect(c.entry("imports-repris-ent")?.from == Self.d("2027-08-24"))
        #expect(c.importsPaused(for: .pedagogicalServer, on: Self.d("2027-08-27")))
        #expect(!c.accessClosed(for: .students, on: Self.d("2027-09-02")))

        let r = await bascule(["calendar", "--data", dir.path, "--date", "2027-08-25"])
        #expect(r.exitCode == 0, "\(r.errors)")
        #expect(r.output.contains("calendrier 2027-2028 déduit de celui de 2026-2027"))
    }

    static let override = """
        # Calendrier propre à l'établissement
        annee: 2026-2027
        entrees:
          - id: fermeture-rentree-ent
            type: acces-ferme
            cible: ent
            du: 2026-08-27
            au: 2026-08-31
            acteur: principal
            concerne: [eleves]
            libelle: ENT fermé aux élèves (choix du collège)
        """

    @Test("A school's file replaces the department's and the default, for that school only")
    func schoolOverride() throws {
        let uai = try #require(UAI("0860001X"))
        try dir.write("calendriers/0860001X/2026-2027.yml", text: Self.override)
        let store = CalendarStore(dataDirectory: dir.path)
        let own = try store.calendar(for: Self.y2026, school: uai)
        #expect(own.source == .school(uai, path: dir.file("calendriers/0860001X/2026-2027.yml").path))
        #expect(own.calendar.entries.map(\.id) == ["fermeture-rentree-ent"])
        #expect(!own.calendar.accessClosed(for: .students, on: Self.d("2026-08-26")))
        #expect(own.calendar.accessClosed(for: .students, on: Self.d("2026-08-27")))
        #expect(!own.calendar.accessClosed(for: .parents, on: Self.d("2026-08-27")))
        // Another school still has the default.
        let other = try store.calendar(for: Self.y2026, school: UAI("0860002Y"))
        #expect(other.source == .bundled(name: "calendrier-2026-2027.yml"))

        // The department's file replaces the default for every school without its own.
        try dir.write("calendriers/2026-2027.yml", text: Self.override.replacingOccurrences(of: "2026-08-27", with: "2026-08-20"))
        let dept = try store.calendar(for: Self.y2026, school: UAI("0860002Y"))
        #expect(dept.source == .data(path: dir.file("calendriers/2026-2027.yml").path))
        #expect(dept.calendar.accessClosed(for: .students, on: Self.d("2026-08-20")))
    }

    @Test("Malformed YAML: a French error naming the file and the line")
    func malformed() async throws {
        try dir.write("calendriers/2026-2027.yml", text: "annee: 2026-2027\nentrees:\n  - id: x\n    type: [oups\n")
        let path = dir.file("calendriers/2026-2027.yml").path
        #expect {
            try CalendarStore(dataDirectory: dir.path).calendar(for: Self.y2026)
        } throws: { error in
            guard let e = error as? CalendarFileError else { return false }
            return e.file == path && e.line != nil && e.french.hasPrefix("Calendrier illisible (\(path), ligne")
        }
        let r = await bascule(["calendar", "--data", dir.path, "--date", "2026-08-25"])
        #expect(r.exitCode == 2)
        #expect(r.errors.contains("Calendrier illisible (\(path), ligne"))
        #expect(r.output.isEmpty)
    }

    @Test("Unknown kind and missing key: French errors with the line of the entry")
    func invalidContent() throws {
        let text = "annee: 2026-2027\nentrees:\n  - id: x\n    type: fete\n    cible: ent\n    du: 2026-07-01\n    acteur: departement\n    libelle: X\n"
        #expect {
            try CalendarFile.parse(text, name: "cal.yml")
        } throws: { error in
            let e = error as? CalendarFileError
            return e?.line == 4 && e?.problem.contains("type « fete » inconnu") == true
        }
        #expect {
            try CalendarFile.parse("annee: 2026-2027\nentrees:\n  - id: x\n    type: arret\n", name: "cal.yml")
        } throws: { error in
            let e = error as? CalendarFileError
            return e?.problem.contains("clé « cible » manquante") == true && e?.line == 3
        }
    }

    @Test("bascule calendar --date 2026-08-25: French text per target")
    func text() async throws {
        let r = await bascule(["calendar", "--data", dir.path, "--date", "2026-08-25"])
        #expect(r.exitCode == 0, "\(r.errors)")
        let out = r.output
        #expect(out.contains("== Calendrier de bascule 2026-2027 au 2026-08-25 =="))
        #expect(!out.contains("déduit"))
        #expect(out.contains("depuis le 2026-08-24 : Reprise des imports de données dans l'annuaire de l'ENT"))
        #expect(out.contains("du 2026-08-24 au 2026-09-01 : Accès à l'ENT fermé aux élèves et aux responsables"))
        #expect(out.contains("levable avant la fin par : principal, principal adjoint"))
        #expect(out.contains("du 2026-07-03 au 2026-08-27 : Imports de données vers le serveur pédagogique suspendus"))
        #expect(out.contains("à partir du 2026-08-28 : Reprise des imports de données dans les annuaires du serveur pédagogique"))
        #expect(out.contains("à partir du 2026-09-01 : Arrêt de la plateforme Moodlecol"))
    }

    @Test("bascule calendar --date 2026-08-25 --json: a stable object")
    func json() async throws {
        let r = await bascule(["calendar", "--data", dir.path, "--date", "2026-08-25", "--json"])
        #expect(r.exitCode == 0, "\(r.errors)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        #expect(root["date"] as? String == "2026-08-25")
        #expect(root["schoolYear"] as? String == "2026-2027")
        #expect(root["derivedFrom"] is NSNull)
        let targets = try #require(root["targets"] as? [[String: Any]])
        #expect(targets.map { $0["target"] as? String } == ["ent", "serveur-pedagogique", "moodlecol", "gar"])
        func ids(_ target: String, _ key: String) -> [String] {
            let t = targets.first { $0["target"] as? String == target }
            return (t?[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(ids("ent", "inForce") == ["imports-repris-ent", "fermeture-rentree-ent"])
        #expect(ids("ent", "next") == ["verification-ent"])
        #expect(ids("serveur-pedagogique", "inForce") == ["imports-suspendus-serveur-pedagogique", "nettoyage-classes-commun",
                                                                 "suppression-anciens-fichiers-import"])
        #expect(ids("serveur-pedagogique", "next").first == "imports-repris-serveur-pedagogique")
        #expect(ids("gar", "inForce").isEmpty)
        let ent = try #require(targets.first)
        #expect(ent["label"] as? String == "ENT (ENEJ86)")
        let closure = try #require((ent["inForce"] as? [[String: Any]])?.last)
        #expect(closure["kind"] as? String == "accessClosed")
        #expect(closure["from"] as? String == "2026-08-24")
        #expect(closure["until"] as? String == "2026-09-01")
        #expect(closure["label"] as? String != nil)
        let resumed = try #require((ent["inForce"] as? [[String: Any]])?.first)
        #expect(resumed["until"] is NSNull)
    }
}

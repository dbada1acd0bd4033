import BasculeCalendarFiles
import BasculeTesting
import Foundation
import Testing

/// A generated collège of one or two years, imported and applied through the CLI, as the
/// operator's commands find it.
private struct AppliedSchool {
    let dir: TemporaryDirectory
    let data: [String]
    let uai: String

    static func make(years: Int, students: Int = 60, seed: Int = 11) async throws -> AppliedSchool {
        let dir = try TemporaryDirectory()
        let exports = dir.file("exports").path, data = ["--data", dir.file("data").path]
        #expect(await bascule(["generate", "--students", "\(students)", "--years", "\(years)", "--first-year", "2025",
                               "--seed", "\(seed)", "--out", exports]).exitCode == 0)
        for year in 2025..<(2025 + years) {
            #expect(await bascule(["import"] + data + ["--date", "\(year)-09-03"] + generatedFiles(exports, year: year)).exitCode == 0)
            let applied = await bascule(["apply"] + data + ["--date", "\(year)-09-03", "--yes", "--password-rounds", "10000"])
            #expect(applied.exitCode == 0, "\(applied.errors)")
        }
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        return AppliedSchool(dir: dir, data: data, uai: uai)
    }

    func accounts() async throws -> [[String: Any]] { try jsonArray(await bascule(["accounts"] + data + ["--json"]).output) }
}

@Suite("The operator's other commands, each run as a user runs it")
struct OperatorCommandsTests {
    @Test("departures list says when each former staff member goes; where a calendar asks for the school's approval, who waits; approve records it (audited, by its date); a student or an unknown login is refused")
    func departures() async throws {
        let s = try await AppliedSchool.make(years: 2)
        defer { s.dir.remove() }
        let leavingStaff = try await s.accounts().filter { $0["kind"] as? String != "student" && $0["status"] as? String == "leaving" }
            .compactMap { $0["login"] as? String }
        let login = try #require(leavingStaff.first, "the generator's second year has staff who left")

        // The bundled 2026-2027 calendar follows the 2026 memo: no approval.
        let plain = await bascule(["departures", "list"] + s.data + ["--school", s.uai, "--date", "2026-09-04"])
        #expect(plain.exitCode == 0, "\(plain.errors)")
        #expect(plain.output.contains("ne demande pas de validation") && plain.output.contains("du 2026-09-01 au 2026-09-30"), "\(plain.output)")
        #expect(plain.output.split(separator: "\n").contains { $0.contains("  \(login)  ") && $0.hasSuffix("suppression le 2026-09-10") }, "\(plain.output)")

        // A department that keeps the 2024 memo's validation says so in its calendar.
        let bundled = try String(contentsOf: CalendarStore.defaultBundledDirectory.appendingPathComponent("calendrier-2026-2027.yml"), encoding: .utf8)
        let strict = bundled.replacingOccurrences(of: "    concerne: [personnels]\n", with: "    concerne: [personnels]\n    validation_etablissement: true\n")
        #expect(strict != bundled)
        try FileManager.default.createDirectory(atPath: s.data[1] + "/calendriers", withIntermediateDirectories: true)
        try strict.write(toFile: s.data[1] + "/calendriers/2026-2027.yml", atomically: true, encoding: .utf8)
        let listed = await bascule(["departures", "list"] + s.data + ["--school", s.uai, "--date", "2026-09-04"])
        #expect(listed.output.contains("demande la validation de la liste par l'établissement"), "\(listed.output)")
        #expect(listed.output.split(separator: "\n").contains { $0.contains("  \(login)  ") && $0.hasSuffix("— à valider") }, "\(listed.output)")
        let waiting = await bascule(["plan"] + s.data + ["--date", "2026-09-15"])
        #expect(waiting.output.contains("attendent la validation de l'établissement (bascule departures approve) : ") && waiting.output.contains(login))

        let student = try #require(try await s.accounts().first { $0["kind"] as? String == "student" }?["login"] as? String)
        let people = try jsonArray(await bascule(["people"] + s.data + ["--json"]).output)
        let director = try #require(people.first { $0["function"] as? String == "DIR" && $0["status"] as? String == "active" }?["sourceId"] as? String)
        let principal = try #require(try await s.accounts().first { $0["sourceId"] as? String == director }?["login"] as? String)
        let by = ["--by", principal]
        let refused = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--date", "2026-09-04"] + by + [student])
        #expect(refused.exitCode == 4 && refused.errors.contains("le départ d'un·e élève ne se valide pas"), "\(refused.errors)")
        let unknown = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--date", "2026-09-04"] + by + ["personne"])
        #expect(unknown.exitCode == 2)

        let approved = await bascule(["departures", "approve"] + s.data + ["--school", s.uai, "--date", "2026-09-04"] + by + [login])
        #expect(approved.exitCode == 0 && approved.output.contains("1 départ(s) validé(s)"), "\(approved.errors)")
        let after = await bascule(["departures", "list"] + s.data + ["--school", s.uai, "--date", "2026-09-04"])
        #expect(after.output.split(separator: "\n").contains { $0.contains("  \(login)  ") && $0.hasSuffix("— validé") }, "\(after.output)")
        let audit = try jsonArray(await bascule(["audit"] + s.data + ["--event", "approve-departure", "--json"]).output)
        #expect(audit.count == 1 && (audit.first?["french"] as? String)?.contains("2026-09-04") == true, "\(audit)")
        let applied = await bascule(["apply"] + s.data + ["--date", "2026-09-15", "--yes"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let staff = try await s.accounts().filter { leavingStaff.contains($0["login"] as? String ?? "") }
        #expect(staff.map { "\($0["login"]!) \($0["status"]!)" }.sorted()
                == leavingStaff.map { "\($0) \($0 == login ? "deleted" : "leaving")" }.sorted(), "only the approved one goes in the window")
    }

    @Test("sheets --group writes that group's sheets only; --handed-out destroys the passwords' copy and the next sheets say so")
    func sheetsOfAGroup() async throws {
        let s = try await AppliedSchool.make(years: 1)
        defer { s.dir.remove() }
        let accounts = try await s.accounts()
        var membersByGroup: [String: Set<String>] = [:]
        for a in accounts where a["kind"] as? String == "student" {
            let login = try #require(a["login"] as? String)
            for g in a["groups"] as? [String] ?? [] { membersByGroup[g, default: []].insert(login) }
        }
        let group = try #require(membersByGroup.filter { $0.value.count >= 2 }.keys.sorted().first)
        let members = membersByGroup[group]!

        let written = await bascule(["sheets"] + s.data + ["--school", s.uai, "--group", group])
        #expect(written.exitCode == 0, "\(written.errors)")
        let csv = try #require(written.output.split(separator: "\n").first { $0.hasSuffix(".csv") }.map(String.init))
        let csvText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csv)).dropFirst(3), as: UTF8.self)
        let rows: [[String]] = csvText.split(separator: "\r\n").dropFirst().map { line in
            line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(Set(rows.map { $0[3] }) == members, "the group's members and no one else")
        #expect(rows.allSatisfy { $0[5].count == 12 }, "each with their temporary password")

        let handed = await bascule(["sheets"] + s.data + ["--school", s.uai, "--group", group, "--handed-out", "--date", "2025-09-10"])
        #expect(handed.exitCode == 0 && handed.output.contains("\(members.count) fiche(s) marquée(s) remise(s)"), "\(handed.output)")
        let again = await bascule(["sheets"] + s.data + ["--school", s.uai, "--group", group])
        let csvAgain = try #require(again.output.split(separator: "\n").first { $0.hasSuffix(".csv") }.map(String.init))
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csvAgain)), as: UTF8.self)
        #expect(!rows.contains { text.contains($0[5]) }, "no password of the handed-out sheets is written again")
        #expect(text.components(separatedBy: "(déjà remis)").count - 1 == members.count)
        let html = try String(contentsOfFile: try #require(again.output.split(separator: "\n").first { $0.hasSuffix(".html") }.map(String.init)), encoding: .utf8)
        #expect(html.contains("déjà remis le 10/09/2025"))
    }

    @Test("--config reads bascule.yml from elsewhere; a configuration that names no file is refused")
    func configElsewhere() async throws {
        let s = try await AppliedSchool.make(years: 1)
        defer { s.dir.remove() }
        let config = s.dir.file("ailleurs.yml").path
        try "espaces:\n  racine: \(s.dir.file("espaces-ailleurs").path)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let none = await bascule(["spaces"] + s.data)
        #expect(none.exitCode == 2 && none.errors.contains("aucun espace de fichiers n'est configuré"), "\(none.errors)")
        let dry = await bascule(["spaces", "sync"] + s.data + ["--config", config, "--date", "2025-09-04", "--dry-run", "--json"])
        #expect(dry.exitCode == 0, "\(dry.errors)")
        let report = try #require(try jsonArray(dry.output).first)
        #expect(report["root"] as? String == s.dir.file("espaces-ailleurs").path)
        #expect((report["operations"] as? [Any])?.isEmpty == false)
        let missing = await bascule(["spaces"] + s.data + ["--config", s.dir.file("absent.yml").path])
        #expect(missing.exitCode == 2, "\(missing.errors)")
    }

    @Test("A database that cannot be reached: exit 3 with the reason, the password never printed")
    func unreachableDatabase() async throws {
        let r = await bascule(["people", "--database", "postgres://bascule@127.0.0.1:1/bascule"],
                              environment: ["BASCULE_DATABASE_PASSWORD": "motdepasse-secret"])
        #expect(r.exitCode == 3, "\(r.errors)")
        #expect(!r.errors.isEmpty && !r.errors.contains("motdepasse-secret") && !r.output.contains("motdepasse-secret"))
    }
}

@Suite("Burnt logins, as the department sets their years")
struct BurntLoginYearsCommandTests {
    /// A students export of `year` for one school: a class of pupils, and Marie DUPONT under `marie`
    /// (ELEVE_ID, INE, birth date) when given.
    static func export(_ dir: TemporaryDirectory, year: Int, marie: (id: String, ine: String, born: String)?) throws -> String {
        var pupils = (1...19).map { n in
            (id: "\(n)", ine: String(format: "12345%05dA", n), family: "ELEVE\(n)", first: "Prenom", born: "01/02/2013")
        }
        if let marie { pupils.append((marie.id, marie.ine, "DUPONT", "Marie", marie.born)) }
        let structures = pupils.map { "<STRUCTURES_ELEVE ELEVE_ID=\"\($0.id)\"><STRUCTURE><CODE_STRUCTURE>5A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>" }
        let students = pupils.map { "<ELEVE ELEVE_ID=\"\($0.id)\"><ID_NATIONAL>\($0.ine)</ID_NATIONAL><NOM_DE_FAMILLE>\($0.family)</NOM_DE_FAMILLE><PRENOM>\($0.first)</PRENOM><DATE_NAISS>\($0.born)</DATE_NAISS></ELEVE>" }
        let path = dir.file("eleves-\(year).xml").path
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ><ANNEE_SCOLAIRE>\(year)</ANNEE_SCOLAIRE><DATE_EXPORT>03/09/\(year)</DATE_EXPORT></PARAMETRES>
        <DONNEES><STRUCTURES>\(structures.joined())</STRUCTURES><ELEVES>\(students.joined(separator: "\n"))</ELEVES></DONNEES></BEE_ELEVES>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("A deleted pupil's login is given to a new homonym only once --burnt-login-years have passed; the option changes the plan's hash; 0 is refused")
    func burntLoginYears() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        func apply(_ day: String, _ more: [String] = []) async -> CommandResult {
            await bascule(["apply"] + data + ["--date", day, "--yes", "--password-rounds", "10000"] + more)
        }
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03", try Self.export(dir, year: 2025, marie: ("1001", "99999999901X", "14/02/2013"))]).exitCode == 0)
        #expect(await apply("2025-09-03").exitCode == 0)
        let first = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(first.contains { $0["login"] as? String == "mdupont" && $0["sourceId"] as? String == "1001" })

        // Marie leaves; her account goes through its grace and is deleted in a September window.
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03", try Self.export(dir, year: 2026, marie: nil)]).exitCode == 0)
        for day in ["2026-09-03", "2026-10-15", "2027-09-10"] { #expect(await apply(day).exitCode == 0, "\(day)") }
        let gone = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output).first { $0["sourceId"] as? String == "1001" }
        #expect(gone?["status"] as? String == "deleted", "\(gone ?? [:])")

        // Another Marie DUPONT arrives: by default her login cannot be the burnt one.
        #expect(await bascule(["import"] + data + ["--date", "2027-09-20", try Self.export(dir, year: 2027, marie: ("2002", "99999999902Y", "30/06/2015"))]).exitCode == 0)
        func newcomer(_ day: String, _ more: [String] = []) async throws -> (login: String?, hash: String?) {
            let plan = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", day, "--json"] + more).output).first)
            let create = (plan["actions"] as? [[String: Any]])?.first { $0["kind"] as? String == "create-account" }
            return (create?["login"] as? String, plan["hash"] as? String)
        }
        #expect(try await newcomer("2029-09-20").login == "mdupont1")
        let relaxed = try await newcomer("2029-09-20", ["--burnt-login-years", "1"])
        #expect(relaxed.login == "mdupont")
        #expect(relaxed.hash != (try await newcomer("2029-09-20").hash), "the option is part of the plan's hash")
        let stale = await apply("2029-09-20", ["--plan", String(relaxed.hash!.prefix(12))])
        #expect(stale.exitCode == 4, "a plan shown with --burnt-login-years 1 is not the default's")
        #expect(await apply("2029-09-20", ["--burnt-login-years", "1", "--plan", String(relaxed.hash!.prefix(12))]).exitCode == 0)
        let now = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(now.contains { $0["login"] as? String == "mdupont" && $0["sourceId"] as? String == "2002" && $0["status"] as? String == "active" })

        let zero = await bascule(["plan"] + data + ["--date", "2029-09-20", "--burnt-login-years", "0"])
        #expect(zero.exitCode == 64 && zero.errors.contains("--burnt-login-years : au moins 1 an"), "\(zero.errors)")
    }
}

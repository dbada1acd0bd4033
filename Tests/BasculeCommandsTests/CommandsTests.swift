import BasculeTesting
import Foundation
import Testing

@Suite("The command line, as a user runs it")
struct CommandsTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    var data: [String] { ["--data", dir.path] }

    @Test("import then people --json prints one object per person with the documented keys")
    func importAndList() async throws {
        let imported = await bascule(["import"] + data + ["--date", "2026-09-03",
            fixture("sts_emp_0860001X_2026.xml"), fixture("ElevesSansAdresses-v1-latin1.xml"), fixture("ResponsablesSansAdresses-utf8.xml")])
        #expect(imported.exitCode == 0, "\(imported.errors)")
        #expect(imported.output.contains("STS-Web, établissement 0860001X"))
        #expect(FileManager.default.fileExists(atPath: dir.file("bascule.sqlite").path))

        let listed = await bascule(["people"] + data + ["--json"])
        #expect(listed.exitCode == 0)
        let people = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(people.count == 8)
        for key in ["kind", "sourceId", "firstName", "lastName", "groups", "status"] {
            #expect(people.allSatisfy { $0[key] != nil }, "every person has \(key)")
        }
        let mael = try #require(people.first { $0["firstName"] as? String == "Maël" })
        #expect(mael["kind"] as? String == "student")
        #expect(mael["division"] as? String == "5B")
        #expect(mael["groups"] as? [String] == ["5ESP1"])
        #expect(mael["lastName"] as? String == "MÜLLER")
        #expect(mael["status"] as? String == "active")
        #expect(Set(people.compactMap { $0["kind"] as? String }) == ["student", "teacher", "staff", "parent"])

        let teachers = await bascule(["people"] + data + ["--kind", "teacher"])
        #expect(teachers.output.split(separator: "\n").count == 2)
    }

    @Test("A refused import exits non-zero, names the file and line in French, and stores nothing")
    func refused() async throws {
        let bad = try dir.write("ElevesSansAdresses.xml", text: """
            <?xml version="1.0" encoding="UTF-8"?>
            <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><ELEVES>
            <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>B</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
            """)
        let r = await bascule(["import"] + data + ["--date", "2026-09-03", fixture("sts_emp_0860001X_2026.xml"), bad.path])
        #expect(r.exitCode == 2)
        #expect(r.errors.contains("ElevesSansAdresses.xml, ligne"))
        #expect(r.errors.contains("Rien n'a été enregistré"))
        let listed = await bascule(["people"] + data + ["--json"])
        #expect(listed.output.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || listed.output.contains("[]"))
    }

    @Test("--school refuses another school's export")
    func wrongSchool() async throws {
        let r = await bascule(["import"] + data + ["--date", "2026-09-03", "--school", "0860002Y", fixture("sts_emp_0860001X_2026.xml")])
        #expect(r.exitCode == 2)
        #expect(r.errors.contains("0860001X"))
    }

    @Test("Options are checked before anything runs")
    func badOptions() async throws {
        let r = await bascule(["import"] + data + ["--date", "2026-02-30", fixture("sts_emp_0860001X_2026.xml")])
        #expect(r.exitCode == 64, "a usage error, not a failure of the import: \(r.errors)")
        #expect(r.errors.contains("2026-02-30"), "\(r.errors)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("bascule.sqlite").path), "no store opened, nothing imported")
        let rounds = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10"])
        #expect(rounds.exitCode == 64 && rounds.errors.contains("--password-rounds : au moins 1000"), "\(rounds.errors)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("bascule.sqlite").path))
    }
}

@Suite("The newcomer's commands")
struct NewcomerCommandsTests {
    @Test("demo imports two years and tells what the rollover would change; a second run changes nothing")
    func demo() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = await bascule(["demo", "--data", dir.path, "--students", "120", "--seed", "5"])
        #expect(first.exitCode == 0, "\(first.errors)")
        #expect(first.output.contains("== Import des exports 2025-2026"))
        #expect(first.output.contains("== Ce que la bascule 2025-2026 → 2026-2027 changerait"))
        #expect(first.output.contains("arrivée de"))
        #expect(first.output.contains("départ de"))
        #expect(first.output.contains("-- 2026-09-10 : vérification de rentrée (bascule verify)\n  Vérifié : "))
        #expect(first.output.contains("Aucun écart"), "the rollover the demo applied verifies clean")
        let accounts = await bascule(["accounts", "--data", dir.path, "--json"])
        let audit = await bascule(["audit", "--data", dir.path, "--json"])
        let imports = await bascule(["imports", "--data", dir.path, "--json"])
        #expect(try jsonArray(accounts.output).count > 120 && !(try jsonArray(audit.output)).isEmpty)
        let second = await bascule(["demo", "--data", dir.path, "--students", "120", "--seed", "5"])
        #expect(second.exitCode == 0)
        #expect(second.output.components(separatedBy: "déjà importé à l'identique").count - 1 == 6)
        #expect(await bascule(["accounts", "--data", dir.path, "--json"]).output == accounts.output, "no account changed")
        #expect(await bascule(["audit", "--data", dir.path, "--json"]).output == audit.output, "nothing applied, nothing audited")
        #expect(await bascule(["imports", "--data", dir.path, "--json"]).output == imports.output, "no import stored or kept")
        let people = await bascule(["people", "--data", dir.path, "--kind", "student"])
        #expect(people.output.contains("(active)"))
        #expect(people.output.contains("(absent)"), "last year's 3e are no longer in the newest export")
    }

    @Test("generate writes every school's files for every year")
    func generate() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = await bascule(["generate", "--schools", "2", "--students", "60", "--years", "3", "--out", dir.path])
        #expect(r.exitCode == 0, "\(r.errors)")
        #expect(r.output.hasPrefix("18 fichiers écrits"))
        let schools = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(schools.count == 2)
        let years = try FileManager.default.contentsOfDirectory(atPath: dir.file(schools[0]).path).sorted()
        #expect(years == ["2025", "2026", "2027"])
        let bad = await bascule(["generate", "--schools", "0", "--out", dir.path])
        #expect(bad.exitCode != 0)
    }
}

@Suite("Plan, apply, accounts")
struct PlanApplyCommandsTests {
    @Test("plan --json has the documented summary; apply --yes creates the accounts; a second plan is empty")
    func planApply() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        _ = await bascule(["generate", "--students", "80", "--years", "1", "--first-year", "2026", "--out", exports])
        let files = FileManager.default.enumerator(atPath: exports)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".zip") }.map { exports + "/" + $0 }
        let imported = await bascule(["import", "--data", dir.path, "--date", "2026-09-03"] + files)
        #expect(imported.exitCode == 0, "\(imported.errors)")

        let paused = await bascule(["apply", "--data", dir.path, "--date", "2026-08-25", "--yes"])
        #expect(paused.exitCode == 4, "the calendar pauses pushes to the pedagogical server until 2026-08-28")
        #expect(paused.errors.contains("suspendus jusqu'au 2026-08-28"))
        let audit = await bascule(["audit", "--data", dir.path])
        #expect(audit.output.contains("Aucune entrée."), "a refused apply changes nothing, audit included")

        let planned = await bascule(["plan", "--data", dir.path, "--date", "2026-09-03", "--json"])
        #expect(planned.exitCode == 0, "\(planned.errors)")
        let plans = try #require(try JSONSerialization.jsonObject(with: Data(planned.output.utf8)) as? [[String: Any]])
        let summary = try #require(plans.first?["summary"] as? [String: Int])
        for key in ["accountsCreated", "accountsUpdated", "accountsDisabled", "accountsDeleted", "accountsReactivated",
                    "groupsCreated", "groupsDeleted", "membershipsAdded", "membershipsRemoved"] {
            #expect(summary[key] != nil, "summary has \(key)")
        }
        let created = try #require(summary["accountsCreated"])
        #expect(created > 80)
        let hash = try #require(plans.first?["hash"] as? String)

        let refused = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03"])
        #expect(refused.exitCode == 1, "no confirmation off a terminal without --yes")
        let applied = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--plan", String(hash.prefix(12)), "--yes"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        #expect(applied.output.contains("appliqué"))

        let accounts = await bascule(["accounts", "--data", dir.path, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(accounts.output.utf8)) as? [[String: Any]])
        #expect(rows.count == created)
        #expect(rows.allSatisfy { ($0["login"] as? String)?.allSatisfy { $0.isLowercase || $0.isNumber } == true })
        #expect(rows.allSatisfy { $0["status"] as? String == "active" && $0["entLogin"] != nil })

        let audited = await bascule(["audit", "--data", dir.path, "--event", "apply", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audited.output.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["planHash"] as? String == hash)

        let again = await bascule(["plan", "--data", dir.path, "--date", "2026-09-03"])
        #expect(again.output.contains("Rien à changer."))
        let stale = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--plan", String(hash.prefix(12)), "--yes"])
        #expect(stale.exitCode == 4)
        #expect(stale.errors.contains("n'est plus à jour"))
        let override = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--allow-mass-change"])
        #expect(override.exitCode == 64 && override.errors.contains("--allow-mass-change demande --reason"), "\(override.errors)")
        let blank = await bascule(["apply", "--data", dir.path, "--date", "2026-09-03", "--yes", "--allow-mass-change", "--reason", "  "])
        #expect(blank.exitCode == 64 && blank.errors.contains("--allow-mass-change demande --reason"), "\(blank.errors)")
    }
}

@Suite("A plan out of the ordinary, as the RUPN meets it")
struct MassChangeCommandsTests {
    @Test("A students export cut to two pupils: the plan warns, apply refuses and changes nothing, --allow-mass-change --reason applies it and the audit keeps the reason")
    func cutExport() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = ["--data", dir.file("data").path]
        #expect(await bascule(["generate", "--students", "80", "--years", "1", "--first-year", "2026", "--seed", "3", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let before = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        let uai = try #require(before.first?["uai"] as? String)
        let pupils = before.filter { $0["kind"] as? String == "student" }
        #expect(pupils.count >= 80)

        // The same school's students export, cut to two of its pupils: a truncated SIECLE extraction.
        let people = try jsonArray(await bascule(["people"] + data + ["--json", "--kind", "student"]).output)
        let kept = try people.prefix(2).map { p in
            let born = try #require(p["birthDate"] as? String).split(separator: "-").reversed().joined(separator: "/")
            let ine = (p["ine"] as? String).map { "<ID_NATIONAL>\($0)</ID_NATIONAL>" } ?? ""
            return "<ELEVE ELEVE_ID=\"\(p["sourceId"]!)\">\(ine)<NOM_DE_FAMILLE>\(p["lastName"]!)</NOM_DE_FAMILLE><PRENOM>\(p["firstName"]!)</PRENOM><DATE_NAISS>\(born)</DATE_NAISS></ELEVE>"
        }
        let cut = dir.file("ElevesSansAdresses.xml").path
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <BEE_ELEVES><PARAMETRES><UAJ>\(uai)</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE><DATE_EXPORT>20/09/2026</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
        \(kept.joined(separator: "\n"))
        </ELEVES></DONNEES></BEE_ELEVES>
        """.write(toFile: cut, atomically: true, encoding: .utf8)
        let imported = await bascule(["import"] + data + ["--date", "2026-09-21", cut])
        #expect(imported.exitCode == 0, "\(imported.errors)")

        let plan = await bascule(["plan"] + data + ["--date", "2026-09-21"])
        #expect(plan.output.contains("⚠"), "\(plan.output.prefix(800))")
        let refused = await bascule(["apply"] + data + ["--date", "2026-09-21", "--yes"])
        #expect(refused.exitCode == 4 && refused.errors.contains("Plan hors de l'ordinaire"), "\(refused.errors)")
        let unchanged = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(unchanged.map { "\($0["login"]!) \($0["status"]!)" } == before.map { "\($0["login"]!) \($0["status"]!)" },
                "a refused plan changes no account")

        let confirmed = await bascule(["apply"] + data + ["--date", "2026-09-21", "--yes", "--allow-mass-change",
                                                          "--reason", "export partiel voulu (test)"])
        #expect(confirmed.exitCode == 0, "\(confirmed.errors)")
        let after = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(after.filter { $0["kind"] as? String == "student" && $0["status"] as? String == "leaving" }.count == pupils.count - 2)
        let audit = try jsonArray(await bascule(["audit"] + data + ["--event", "apply", "--json"]).output)
        #expect(audit.count == 2)
        #expect((audit.last?["french"] as? String)?.contains("raison donnée : export partiel voulu (test)") == true, "\(audit)")
    }
}

import BasculeLDAP
import BasculeTesting
import Foundation
import Testing

/// A students export written by hand for school 0860001X: one class, the pupils given.
private func studentsExport(_ dir: TemporaryDirectory, name: String, year: Int, exported: String,
                            pupils: [(id: Int, division: String)]) throws -> String {
    let structures = pupils.map {
        "<STRUCTURES_ELEVE ELEVE_ID=\"\($0.id)\"><STRUCTURE><CODE_STRUCTURE>\($0.division)</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
    }
    let students = pupils.map {
        "<ELEVE ELEVE_ID=\"\($0.id)\"><ID_NATIONAL>\(String(format: "12345%05dA", $0.id))</ID_NATIONAL><NOM_DE_FAMILLE>ELEVE\($0.id)</NOM_DE_FAMILLE><PRENOM>Prenom</PRENOM><DATE_NAISS>01/02/2013</DATE_NAISS></ELEVE>"
    }
    let path = dir.file(name).path
    try """
    <?xml version="1.0" encoding="UTF-8"?>
    <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ><ANNEE_SCOLAIRE>\(year)</ANNEE_SCOLAIRE><DATE_EXPORT>\(exported)</DATE_EXPORT></PARAMETRES>
    <DONNEES><STRUCTURES>\(structures.joined())</STRUCTURES><ELEVES>\(students.joined(separator: "\n"))</ELEVES></DONNEES></BEE_ELEVES>
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func accounts(_ data: [String]) async throws -> [String: [String: Any]] {
    let rows = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
    return Dictionary(rows.map { ($0["sourceId"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
}

private func apply(_ data: [String], _ day: String, environment: [String: String] = [:]) async -> CommandResult {
    await bascule(["apply"] + data + ["--date", day, "--yes", "--password-rounds", "10000"], environment: environment)
}

@Suite("The September the 2026 memo describes, as the department runs it")
struct LifecycleCommandsTests {
    @Test("One apply on any day of the window, from 8 to 30 September, deletes every former student and staff member of the previous year and none of this year's; slapd follows")
    func septemberDeletions() async throws {
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, base = dir.file("data").path, data = ["--data", base]
        #expect(await bascule(["generate", "--students", "80", "--years", "2", "--first-year", "2025", "--seed", "12", "--out", exports]).exitCode == 0)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try "annuaire:\n  url: \(slapd.url)\n  base: \(slapd.base)\n  compte: \(slapd.adminDN)\n"
            .write(toFile: base + "/bascule.yml", atomically: true, encoding: .utf8)
        let secret = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03"] + generatedFiles(exports, year: 2025)).exitCode == 0)
        #expect(await apply(data, "2025-09-03", environment: secret).exitCode == 0)
        // The new exports arrive with the ENT's resumption; the pedagogical server's resumes on 28 August.
        #expect(await bascule(["import"] + data + ["--date", "2026-08-24"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        let rentree = await apply(data, "2026-08-28", environment: secret)
        #expect(rentree.exitCode == 0, "\(rentree.errors)")

        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        let presentIDs = Set(people.filter { $0["status"] as? String == "active" && $0["kind"] as? String != "parent" }.compactMap { $0["sourceId"] as? String })
        let before = try await accounts(data)
        let former = before.filter { !presentIDs.contains($0.key) }
        #expect(former.values.contains { $0["kind"] as? String == "student" } && former.values.contains { $0["kind"] as? String != "student" },
                "the generator's second year has former students and former staff")
        #expect(former.values.allSatisfy { $0["status"] as? String == "leaving" }, "marked leaving at the rentrée, not yet deleted")

        // The plan and the calendar say what the window will do, and when.
        let plan = await bascule(["plan"] + data + ["--date", "2026-08-29"])
        #expect(plan.output.contains("-- suppressions à venir (\(former.count))"), "\(plan.output.suffix(600))")
        #expect(plan.output.contains("le 2026-09-01 (période de suppression du 2026-09-01 au 2026-09-30, fermée après le 2026-09-30)"))
        let calendar = await bascule(["calendar"] + data + ["--school", "\(before.values.first!["uai"]!)", "--date", "2026-08-29"])
        #expect(calendar.output.contains("supprimés au plus tard 90 jours après le départ") && calendar.output.contains("Suppressions à venir :"),
                "\(calendar.output)")

        for day in ["2026-09-08", "2026-09-19", "2026-09-30"] {
            let copy = dir.file("copie-\(day)").path
            try ChildProcess.run("/bin/cp", ["-a", base, copy])
            // Only the first copy talks to slapd: one branch, one store.
            if day != "2026-09-08" { try FileManager.default.removeItem(atPath: copy + "/bascule.yml") }
            let applied = await apply(["--data", copy], day, environment: secret)
            #expect(applied.exitCode == 0, "\(day): \(applied.errors)")
            let after = try await accounts(["--data", copy])
            let wrong = after.filter { id, a in (former[id] != nil) != (a["status"] as? String == "deleted") }
            #expect(wrong.isEmpty, "\(day): \(wrong.map { "\($0.value["login"]!) \($0.value["status"]!)" })")
            let audit = try jsonArray(await bascule(["audit", "--data", copy, "--event", "delete-account", "--json"]).output)
            #expect(audit.count == former.count)
            #expect(audit.allSatisfy { ($0["french"] as? String)?.contains("du 2026-09-01 au 2026-09-30") == true })
        }

        // slapd holds no entry of a former user, every account of this year's.
        let uids = Set(try slapd.adminConnection().search(base: slapd.base, filter: "(objectClass=basculeAccount)", attributes: ["uid"])
            .compactMap { $0.first("uid") })
        let afterLDAP = try await accounts(["--data", dir.file("copie-2026-09-08").path])
        #expect(uids == Set(afterLDAP.values.filter { $0["status"] as? String != "deleted" }.compactMap { $0["login"] as? String }))
        #expect(uids.isDisjoint(with: former.values.compactMap { $0["login"] as? String }))
    }

    @Test("A pupil missing from the first export of the year and back within the settling period keeps the account: same login, same password")
    func lateEnrolment() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        let lastYear = (1...40).map { (id: $0, division: $0 <= 5 ? "3A" : "5A") }
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03", try studentsExport(dir, name: "e1.xml", year: 2025, exported: "03/09/2025", pupils: lastYear)]).exitCode == 0)
        #expect(await apply(data, "2025-09-03").exitCode == 0)
        func password(_ login: String, class division: String) async throws -> String? {
            let written = await bascule(["sheets"] + data + ["--school", "0860001X", "--class", division])
            guard let csv = written.output.split(separator: "\n").first(where: { $0.hasSuffix(".csv") }) else { return nil }
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: String(csv))).dropFirst(3), as: UTF8.self)
            for line in text.split(separator: "\r\n") {
                let fields: [Substring] = line.split(separator: ";", omittingEmptySubsequences: false)
                if fields.count > 5 && fields[3] == login { return String(fields[5]) }
            }
            return nil
        }
        let first = try await accounts(data)
        let lea = try #require(first["7"]?["login"] as? String)
        let issued = try #require(try await password(lea, class: "5A"))

        // New year: the 3e left; pupil 7's re-enrolment is late, missing from the first export.
        let moved = (6...40).map { (id: $0, division: "4A") }
        #expect(await bascule(["import"] + data + ["--date", "2026-08-30", try studentsExport(dir, name: "e2.xml", year: 2026, exported: "30/08/2026", pupils: moved.filter { $0.id != 7 })]).exitCode == 0)
        let applied = await apply(data, "2026-09-02")
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let waiting = try await accounts(data)
        #expect(waiting["7"]?["status"] as? String == "leaving", "in the window but within the settling period: not deleted")
        #expect((1...5).allSatisfy { waiting["\($0)"]?["status"] as? String == "leaving" }, "nor the 3e yet")
        let plan = await bascule(["plan"] + data + ["--date", "2026-09-02"])
        #expect(plan.output.contains("le 2026-09-06 (période de suppression"), "\(plan.output.suffix(500))")

        #expect(await bascule(["import"] + data + ["--date", "2026-09-04", try studentsExport(dir, name: "e3.xml", year: 2026, exported: "04/09/2026", pupils: moved)]).exitCode == 0)
        #expect(await apply(data, "2026-09-06").exitCode == 0)
        let after = try await accounts(data)
        #expect(after["7"]?["status"] as? String == "active" && after["7"]?["login"] as? String == lea)
        #expect(after["7"]?["division"] as? String == "4A")
        #expect((1...5).allSatisfy { after["\($0)"]?["status"] as? String == "deleted" }, "the 3e are deleted once settled")
        let events = try jsonArray(await bascule(["audit"] + data + ["--target", lea, "--json"]).output).map { $0["event"] as? String ?? "" }
        #expect(events.contains("reactivate-account") && !events.contains("delete-account"), "\(events)")
        #expect(events.filter { $0 == "create-account" }.count == 1 && !events.contains("password-reset"), "\(events)")
        #expect(try await password(lea, class: "4A") == issued, "the same temporary password, never issued again")
    }

    @Test("Someone who leaves during the year: disabled 30 days after, deleted 90 days after, not at the next September")
    func midYear() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        let pupils = (1...20).map { (id: $0, division: "5A") }
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03", try studentsExport(dir, name: "e1.xml", year: 2026, exported: "03/09/2026", pupils: pupils)]).exitCode == 0)
        #expect(await apply(data, "2026-09-03").exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2027-01-15", try studentsExport(dir, name: "e2.xml", year: 2026, exported: "15/01/2027", pupils: pupils.filter { $0.id != 4 })]).exitCode == 0)
        for (day, status) in [("2027-01-15", "leaving"), ("2027-02-13", "leaving"), ("2027-02-14", "disabled"), ("2027-04-14", "disabled"), ("2027-04-15", "deleted")] {
            #expect(await apply(data, day).exitCode == 0, "\(day)")
            #expect(try await accounts(data)["4"]?["status"] as? String == status, "\(day)")
        }
        let why = try jsonArray(await bascule(["audit"] + data + ["--event", "delete-account", "--json"]).output).first?["french"] as? String
        #expect(why?.contains("parti·e le 2027-01-15 : 90 jours écoulés le 2027-04-15") == true, "\(why ?? "")")
    }

    @Test("accounts shows the class the directory has until the apply, then the new one; verify with no school exits 2")
    func appliedClass() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03", try studentsExport(dir, name: "e1.xml", year: 2025, exported: "03/09/2025", pupils: (1...10).map { (id: $0, division: "6A") })]).exitCode == 0)
        #expect(await apply(data, "2025-09-03").exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2026-08-24", try studentsExport(dir, name: "e2.xml", year: 2026, exported: "24/08/2026", pupils: (1...10).map { (id: $0, division: "5A") })]).exitCode == 0)
        #expect(try await accounts(data).values.allSatisfy { $0["division"] as? String == "6A" }, "not applied yet: the directory has 6A")
        #expect(await apply(data, "2026-08-28").exitCode == 0)
        #expect(try await accounts(data).values.allSatisfy { $0["division"] as? String == "5A" })

        let empty = try TemporaryDirectory()
        defer { empty.remove() }
        let nothing = await bascule(["verify", "--data", empty.path, "--date", "2026-09-10"])
        #expect(nothing.exitCode == 2 && nothing.errors.contains("Aucune base Bascule"), "\(nothing.errors)")
        // A store that holds no school yet: nothing to verify is not a clean verification.
        let noSchool = dir.file("vide").path
        try FileManager.default.createDirectory(atPath: noSchool, withIntermediateDirectories: true)
        let broken = dir.file("casse.xml").path
        try "<?xml version=\"1.0\"?><BEE_ELEVES>".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(await bascule(["import", "--data", noSchool, "--date", "2026-09-03", broken]).exitCode == 2)
        let unchecked = await bascule(["verify", "--data", noSchool, "--date", "2026-09-10"])
        #expect(unchecked.exitCode == 2 && unchecked.errors.contains("Aucun établissement"), "\(unchecked.errors)")
    }

    @Test("audit purge removes entries past 12 months, keeps those that explain what is in force, and says so")
    func auditPurge() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03", try studentsExport(dir, name: "e1.xml", year: 2025, exported: "03/09/2025", pupils: (1...10).map { (id: $0, division: "6A") })]).exitCode == 0)
        #expect(await apply(data, "2025-09-03").exitCode == 0)
        let all = try jsonArray(await bascule(["audit"] + data + ["--json"]).output)
        #expect(all.count > 10)
        let early = await bascule(["audit", "purge"] + data + ["--date", "2026-09-02", "--dry-run"])
        #expect(early.output.contains("0 entrée(s) antérieure(s) au 2025-09-02"), "\(early.output)")
        let dry = await bascule(["audit", "purge"] + data + ["--date", "2026-09-04", "--dry-run"])
        #expect(dry.output.contains("\(all.count) entrée(s) antérieure(s) au 2025-09-04 à supprimer"), "\(dry.output)")
        #expect(try jsonArray(await bascule(["audit"] + data + ["--json"]).output).count == all.count, "a dry run removes nothing")

        let purged = await bascule(["audit", "purge"] + data + ["--date", "2026-09-04"])
        #expect(purged.exitCode == 0, "\(purged.errors)")
        let left = try jsonArray(await bascule(["audit"] + data + ["--json"]).output)
        #expect(left.map { $0["event"] as? String } == ["audit-purge"])
        #expect((left.first?["french"] as? String)?.contains("\(all.count) entrée(s) du journal d'audit antérieures au 2025-09-04 supprimées") == true)

        let bad = await bascule(["audit", "purge"] + data + ["--date", "2026-09-04", "--config", try {
            let path = dir.file("audit.yml").path
            try "audit:\n  conservation_mois: 24\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }()])
        #expect(bad.exitCode == 2 && bad.errors.contains("de 6 à 12 mois"), "\(bad.errors)")
    }
}

import BasculeTesting
import Foundation
import Testing

/// A Siècle-BEE students export written by hand, for what the generator never writes: `students`
/// are `<ELEVE>` elements, `links` the `<STRUCTURES_ELEVE>` elements.
func handWrittenStudents(_ students: [String], links: [String], uai: String = "0860001X", exported: String = "01/09/2026") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <BEE_ELEVES VERSION="3.1">
      <PARAMETRES>
        <UAJ>\(uai)</UAJ>
        <ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>
        <DATE_EXPORT>\(exported)</DATE_EXPORT>
      </PARAMETRES>
      <DONNEES>
        <ELEVES>
    \(students.joined(separator: "\n"))
        </ELEVES>
        <STRUCTURES>
    \(links.joined(separator: "\n"))
        </STRUCTURES>
      </DONNEES>
    </BEE_ELEVES>

    """
}

func handWrittenStudent(_ id: String, family: String, first: String, birth: String = "01/02/2014", ine: String? = nil) -> String {
    """
          <ELEVE ELEVE_ID="\(id)">
            \(ine.map { "<ID_NATIONAL>\($0)</ID_NATIONAL>" } ?? "")
            <NOM_DE_FAMILLE>\(family)</NOM_DE_FAMILLE>
            <PRENOM>\(first)</PRENOM>
            <DATE_NAISS>\(birth)</DATE_NAISS>
          </ELEVE>
    """
}

func handWrittenLink(_ id: String, division: String, groups: [String] = []) -> String {
    let structures = [(division, "D")] + groups.map { ($0, "G") }
    return "      <STRUCTURES_ELEVE ELEVE_ID=\"\(id)\">"
        + structures.map { "<STRUCTURE><CODE_STRUCTURE>\($0.0)</CODE_STRUCTURE><TYPE_STRUCTURE>\($0.1)</TYPE_STRUCTURE></STRUCTURE>" }.joined()
        + "</STRUCTURES_ELEVE>"
}

@Suite("Exports are hostile input: what their author can make the CLI do")
struct HostileExportsTests {
    @Test("A class coded profs is refused at import, naming the code, the file and the line: its students never enter the teachers' group")
    func classNamedLikeARole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        let file = try dir.write("ElevesSansAdresses.xml", text: handWrittenStudents(
            [handWrittenStudent("1", family: "DUPONT", first: "Léa"), handWrittenStudent("2", family: "MARTIN", first: "Paul")],
            links: [handWrittenLink("1", division: "6A"), handWrittenLink("2", division: "profs")]))
        let refused = await bascule(["import"] + data + ["--date", "2026-09-03", file.path])
        #expect(refused.exitCode == 2)
        #expect(refused.errors.contains("ElevesSansAdresses.xml, ligne 25, STRUCTURES_ELEVE ELEVE_ID=2 : le code « profs » (CODE_STRUCTURE) ne peut pas nommer une classe ou un groupe"),
                "\(refused.errors)")
        #expect(refused.errors.contains("groupe « profs » de Bascule"))
        // Nothing was stored: no plan puts anyone anywhere.
        let people = await bascule(["people"] + data + ["--json"])
        #expect((try? jsonArray(people.output))?.isEmpty ?? true, "\(people.output)")
    }

    @Test("Names that a spreadsheet would run as formulas are neutralised in the sheets' CSV, and a line break in a name stays in its cell")
    func csvInjection() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        // XML escapes what must be: the cell holds exactly these characters once read.
        let names: [(family: String, first: String)] = [
            ("=HYPERLINK(&quot;http://example.invalid/&quot;;&quot;clic&quot;)", "Léa"),
            ("+33 DURAND", "Paul"), ("-2+3 MARTIN", "Zoé"), ("@SUM(A1) PETIT", "Hugo"),
            ("&#9;=1+1 ROUX", "Emma"), ("&#13;=1+1 BLANC", "Louis"), ("MOREAU&#10;=2+2", "Jade"),
        ]
        let file = try dir.write("ElevesSansAdresses.xml", text: handWrittenStudents(
            names.enumerated().map { handWrittenStudent("\($0.offset + 1)", family: $0.element.family, first: $0.element.first) },
            links: names.indices.map { handWrittenLink("\($0 + 1)", division: "6A") }))
        let imported = await bascule(["import"] + data + ["--date", "2026-09-03", file.path])
        #expect(imported.exitCode == 0, "\(imported.errors)")
        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let sheets = await bascule(["sheets"] + data + ["--class", "6A"])
        #expect(sheets.exitCode == 0, "\(sheets.errors)")
        let csvPath = try #require(sheets.output.split(separator: "\n").map(String.init).first { $0.hasSuffix(".csv") })
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csvPath)).dropFirst(3), as: UTF8.self)

        let rows = Self.parseCSV(csv)
        #expect(rows.count == names.count + 1, "one row per student, whatever their name holds: \(csv.debugDescription)")
        for row in rows.dropFirst() {
            #expect(row.count == 6, "\(row)")
            for cell in row {
                #expect(!Self.formulaTriggers.contains(cell.unicodeScalars.first ?? " "), "a formula cell: \(cell.debugDescription)")
            }
        }
        let families = Set(rows.dropFirst().map { $0[0] })
        #expect(families.contains("'=HYPERLINK(\"http://example.invalid/\";\"clic\")"), "\(families)")
        #expect(families.contains("'+33 DURAND") && families.contains("'-2+3 MARTIN") && families.contains("'@SUM(A1) PETIT"))
        #expect(families.contains("MOREAU\n=2+2"), "a line break inside a cell is quoted, not a new row")
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://example.invalid/\"\";\"\"clic\"\")\""))
    }

    @Test("A name holding a terminal's escape (C1's CSI) or a bidirectional override is shown written out by accounts, people and audit, and read back whole from their JSON")
    func terminalEscapes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        // U+009B then "2J" clears a terminal that honours C1 controls; U+202E shows what follows backwards.
        let file = try dir.write("ElevesSansAdresses.xml", text: handWrittenStudents(
            [handWrittenStudent("1", family: "DURAND&#155;2J", first: "L&#x202E;ea"), handWrittenStudent("2", family: "MARTIN", first: "Paul")],
            links: [handWrittenLink("1", division: "6A"), handWrittenLink("2", division: "6A")]))
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03", file.path]).exitCode == 0)
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        for command in [["accounts"], ["people", "--school", "0860001X"], ["audit"], ["plan", "--date", "2026-09-03"]] {
            let shown = await bascule(command + data)
            #expect(shown.exitCode == 0, "\(command) \(shown.errors)")
            let raw = shown.output + shown.errors
            #expect(!raw.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x202E }, "\(command): \(raw.debugDescription)")
            if command.first == "accounts" || command.first == "people" {
                #expect(raw.contains("DURAND\\u009B2J") && raw.contains("L\\u202Eea"), "\(command): \(raw)")
            }
        }
        let json = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(json.contains { $0["lastName"] as? String == "DURAND\u{9B}2J" && $0["firstName"] as? String == "L\u{202E}ea" },
                "the JSON gives the name back as imported: \(json)")
    }

    @Test("An ELEVE_ID the base gives again to another child never hands over the previous child's account: a new account, and the import says why")
    func reusedStudentID() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.file("data").path]
        let first = try dir.write("2025.xml", text: handWrittenStudents(
            [handWrittenStudent("7", family: "DUPONT", first: "Léa", birth: "01/02/2013", ine: "1111111111A"),
             handWrittenStudent("8", family: "MOREAU", first: "Jade", birth: "03/04/2013", ine: "3333333333C")],
            links: [handWrittenLink("7", division: "5A"), handWrittenLink("8", division: "5A")], exported: "01/09/2025"))
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03", first.path]).exitCode == 0)
        #expect(await bascule(["apply"] + data + ["--date", "2025-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let before = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(before.first { $0["login"] as? String == "ldupont" }?["sourceId"] as? String == "7")

        // A year later, ELEVE_ID 7 is another child: another INE, first name and birth date.
        let second = try dir.write("2026.xml", text: handWrittenStudents(
            [handWrittenStudent("7", family: "MARTIN", first: "Paul", birth: "05/06/2015", ine: "2222222222B"),
             handWrittenStudent("8", family: "MOREAU", first: "Jade", birth: "03/04/2013", ine: "3333333333C")],
            links: [handWrittenLink("7", division: "6B"), handWrittenLink("8", division: "4A")], exported: "01/09/2026"))
        let imported = await bascule(["import"] + data + ["--date", "2026-09-03", second.path])
        #expect(imported.exitCode == 0, "\(imported.errors)")
        #expect(imported.output.contains("2026.xml:10: L'ELEVE_ID 7 de Paul MARTIN était celui d'un autre élève (INE 1111111111A, maintenant 2222222222B)"),
                "\(imported.output)")
        #expect(imported.output.contains("1 nouvelle(s) personne(s)"), "\(imported.output)")

        let plan = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-09-03", "--json"]).output).first)
        let actions = try #require(plan["actions"] as? [[String: Any]])
        func kinds(_ login: String) -> Set<String> { Set(actions.filter { $0["login"] as? String == login }.compactMap { $0["kind"] as? String }) }
        #expect(kinds("ldupont").contains("mark-leaving"), "Léa left: \(actions)")
        #expect(!kinds("ldupont").contains("update-account") && !kinds("ldupont").contains("propose-rename"), "\(kinds("ldupont"))")
        #expect(kinds("pmartin").contains("create-account"), "Paul gets an account of his own: \(actions)")
        let created = actions.first { $0["kind"] as? String == "create-account" }?["personID"] as? String
        let leaving = actions.first { $0["kind"] as? String == "mark-leaving" }?["personID"] as? String
        #expect(created != nil && leaving != nil && created != leaving)
        // One account of two leaving is a mass change for the guard: confirmed here.
        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000",
                                                        "--allow-mass-change", "--reason", "ELEVE_ID 7 redonné"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let after = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(after.first { $0["login"] as? String == "ldupont" }?["status"] as? String == "leaving")
        #expect(after.first { $0["login"] as? String == "pmartin" }?["sourceId"] as? String == "7")

        // The next export with ELEVE_ID 7 is Paul's again: no new notice, nobody new.
        let third = try dir.write("2026b.xml", text: handWrittenStudents(
            [handWrittenStudent("7", family: "MARTIN", first: "Paul", birth: "05/06/2015", ine: "2222222222B")],
            links: [handWrittenLink("7", division: "6B")], exported: "15/09/2026"))
        let again = await bascule(["import"] + data + ["--date", "2026-09-16", third.path])
        #expect(again.exitCode == 0 && again.output.contains("0 nouvelle(s) personne(s)") && !again.output.contains("ELEVE_ID 7"), "\(again.output)")
    }

    static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// RFC 4180 with `;`: how a spreadsheet splits the file into rows and cells.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { cell.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" && cell.isEmpty {
                quoted = true
            } else if c == ";" {
                row.append(cell); cell = ""
            } else if c == "\r" && scalars.first == "\n" {
                scalars.removeFirst()
                row.append(cell); rows.append(row); row = []; cell = ""
            } else if c == "\n" || c == "\r" {
                row.append(cell); rows.append(row); row = []; cell = ""
            } else {
                cell.unicodeScalars.append(c)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}

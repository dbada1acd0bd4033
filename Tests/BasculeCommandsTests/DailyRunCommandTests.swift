import BasculeTesting
import Foundation
import Testing

@Suite("bascule run: the department's day, by itself, as the calendar says")
struct DailyRunCommandTests {
    @Test("From June to October: dropped exports imported, the summer pause holds the plan, the rentrée applied by itself on 28 August, a refused export and a held plan become to-dos for the RUPN, former users deleted in September, the check from 7 September, a day skipped caught up once, a day never run twice")
    func schoolYear() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, base = dir.file("data").path, data = ["--data", base]
        #expect(await bascule(["generate", "--students", "60", "--years", "2", "--first-year", "2025", "--seed", "21", "--out", exports]).exitCode == 0)
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        let depot = base + "/depot/" + uai
        func drop(_ files: [String]) throws {
            try FileManager.default.createDirectory(atPath: depot, withIntermediateDirectories: true)
            for f in files { try FileManager.default.copyItem(atPath: f, toPath: depot + "/" + URL(fileURLWithPath: f).lastPathComponent) }
        }
        func run(_ day: String) async -> CommandResult {
            await bascule(["run"] + data + ["--date", day, "--password-rounds", "10000"])
        }
        func todos() async throws -> [[String: Any]] { try jsonArray(await bascule(["todos"] + data + ["--json"]).output) }
        func accounts() async throws -> [[String: Any]] { try jsonArray(await bascule(["accounts"] + data + ["--json"]).output) }

        // The first year, dropped and run on its rentrée.
        try drop(generatedFiles(exports, year: 2025))
        let first = await run("2025-09-03")
        #expect(first.exitCode == 0, "\(first.errors)")
        #expect(first.output.contains("dépôt : \(generatedFiles(exports, year: 2025).count) fichier(s)") && first.output.contains("appliqué"), "\(first.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: depot).isEmpty, "imported files leave the drop folder")
        let year1 = try await accounts()
        #expect(year1.count > 60)

        // June: nothing to do; the same day again is not run twice.
        #expect(await run("2026-06-15").exitCode == 0)
        #expect(await run("2026-06-15").output.contains("\(uai) 2026-06-15 : déjà fait."))

        // A broken export dropped in July: refused, put aside, a to-do for the RUPN; nothing stored.
        let broken = dir.file("ElevesSansAdresses.xml").path
        try "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BEE_ELEVES><PARAMETRES><UAJ>\(uai)</UAJ>".write(toFile: broken, atomically: true, encoding: .utf8)
        try drop([broken])
        let refused = await run("2026-07-10")
        #expect(refused.output.contains("dépôt : import refusé"), "\(refused.output)")
        #expect(FileManager.default.fileExists(atPath: depot + "/refuses/2026-07-10/ElevesSansAdresses.xml"))
        #expect(try await todos().map { "\($0["todo"].flatMap { ($0 as? [String: Any])?["kind"] } ?? "")" } == ["import-refused"])

        // The new exports arrive on 24 August: imported; the pedagogical server's imports are paused until the 28th.
        try drop(generatedFiles(exports, year: 2026))
        let arrived = await run("2026-08-24")
        #expect(arrived.output.contains("importé(s)") && arrived.output.contains("gardé : imports vers Serveur pédagogique (KoXo) suspendus"), "\(arrived.output)")
        #expect(try await todos().isEmpty, "a good import closes the refused one's to-do")
        #expect(try await accounts().map { "\($0["login"]!) \($0["status"]!)" } == year1.map { "\($0["login"]!) \($0["status"]!)" }, "held by the calendar")

        // The server is down on 25 to 27 August; the run of the 28th catches them up, then applies the rentrée.
        let rentree = await run("2026-08-28")
        #expect(rentree.exitCode == 0, "\(rentree.errors)")
        for day in ["2026-08-25", "2026-08-26", "2026-08-27", "2026-08-28"] { #expect(rentree.output.contains("== \(uai) au \(day) ==")) }
        #expect(rentree.output.components(separatedBy: "appliqué :").count - 1 == 1, "applied once, on the 28th: \(rentree.output)")
        let afterRentree = try await accounts()
        let leaving = afterRentree.filter { $0["status"] as? String == "leaving" }
        #expect(!leaving.isEmpty)

        // 8 September: the department's day in the window deletes the former users; the check ran from the 7th.
        let september = await run("2026-09-08")
        #expect(september.output.contains("vérification de rentrée :"), "\(september.output)")
        let now = try await accounts()
        #expect(leaving.allSatisfy { l in now.first { $0["login"] as? String == l["login"] as? String }?["status"] as? String == "deleted" })
        #expect(now.filter { $0["status"] as? String == "active" }.count == afterRentree.filter { $0["status"] as? String == "active" }.count)
        let runs = try jsonArray(await bascule(["run"] + data + ["--date", "2026-09-08", "--json"]).output)
        #expect(runs.allSatisfy { $0["skipped"] as? Bool == true })

        // A students export cut short: the plan is held, a to-do for the RUPN; nothing applied.
        let cut = dir.file("eleves-court.xml").path
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <BEE_ELEVES><PARAMETRES><UAJ>\(uai)</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE><DATE_EXPORT>20/09/2026</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
        <ELEVE ELEVE_ID="999001"><NOM_DE_FAMILLE>SEUL</NOM_DE_FAMILLE><PRENOM>Élève</PRENOM><DATE_NAISS>01/02/2013</DATE_NAISS></ELEVE>
        </ELEVES></DONNEES></BEE_ELEVES>
        """.write(toFile: cut, atomically: true, encoding: .utf8)
        try drop([cut])
        let held = await run("2026-09-21")
        #expect(held.output.contains("retenu : hors de l'ordinaire"), "\(held.output)")
        let open = try await todos()
        #expect(open.count == 1 && ((open.first?["todo"] as? [String: Any])?["role"] as? String) == "rupn", "\(open)")
        #expect(try await accounts().filter { $0["status"] as? String == "active" }.count == now.filter { $0["status"] as? String == "active" }.count)
        let again = await run("2026-09-22")
        #expect(again.output.contains("retenu"), "held every day until a person decides")
        #expect(try await todos().count == 1, "the same to-do, not a new one each day")
    }
}

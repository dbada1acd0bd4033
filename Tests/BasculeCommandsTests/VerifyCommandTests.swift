import BasculeTesting
import Foundation
import Testing

@Suite("bascule verify, as a user runs it")
struct VerifyCommandTests {
    /// The students fixture with a name meant to break a page: it must come out as text.
    static let hostileName = "<script>alert(1)</script> & Cie"

    func hostileStudents(in dir: TemporaryDirectory) throws -> String {
        let original = try String(contentsOfFile: fixture("ElevesSansAdresses-v1-latin1.xml"), encoding: .isoLatin1)
        #expect(original.contains("<NOM>DE LA FONTAINE</NOM>"))
        let hostile = original.replacingOccurrences(of: "<NOM>DE LA FONTAINE</NOM>",
                                                    with: "<NOM>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie</NOM>")
        let path = dir.file("ElevesSansAdresses.xml").path
        try hostile.write(toFile: path, atomically: true, encoding: .isoLatin1)
        return path
    }

    @Test("Before apply: exit 6, JSON sorted and stable, an accessible HTML page with every value escaped; after apply: exit 0 and « Aucun écart »; a warning before the calendar's date")
    func verifyCommand() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.path]
        let students = try hostileStudents(in: dir)
        let imported = await bascule(["import"] + data + ["--date", "2026-09-03", fixture("sts_emp_0860001X_2026.xml"), students])
        #expect(imported.exitCode == 0, "\(imported.errors)")

        // Imported, not applied: nobody has an account yet.
        let html = dir.file("verification.html").path
        let found = await bascule(["verify"] + data + ["--date", "2026-09-10", "--json", "--html", html])
        #expect(found.exitCode == 6, "\(found.errors)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [[String: Any]])
        let report = try #require(reports.first)
        #expect(report["uai"] as? String == "0860001X")
        #expect(report["date"] as? String == "2026-09-10")
        let findings = try #require(report["findings"] as? [[String: Any]])
        let hostile = try #require(findings.first { ($0["name"] as? String)?.contains("<script>") == true })
        #expect(hostile["kind"] as? String == "account-missing")
        // Dated by the exports as imported (STS-Web gives no date: the day of the import), never by the clock.
        #expect(findings.filter { $0["kind"] as? String == "account-missing" }.allSatisfy { $0["since"] as? String == "2026-09-03" },
                "\(findings.map { $0["since"] ?? "" })")
        #expect(hostile["severity"] as? String == "error")
        #expect((hostile["fix"] as? [String: String])?["french"]?.contains("bascule apply --data \(dir.path)") == true)
        #expect((report["counts"] as? [String: Int])?["account-missing"] == findings.filter { $0["kind"] as? String == "account-missing" }.count)
        #expect(found.output.contains("\"checked\" : {"))
        let again = await bascule(["verify"] + data + ["--date", "2026-09-10", "--json"])
        #expect(again.output == found.output, "the same data give the same JSON")
        #expect(unsortedKeys(in: found.output).isEmpty, "keys sorted in every object: \(unsortedKeys(in: found.output).prefix(3))")
        let order = findings.map { "\($0["kind"] as? String ?? "")\u{1}\($0["who"] as? String ?? "")" }
        #expect(findings.count > 1 && order == order.sorted(), "findings by kind, then who")

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\">"))
        #expect(!page.contains("<script"), "nothing from the data becomes markup")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie"))
        #expect(page.contains("<caption>Compte absent pour une personne des exports"))
        #expect(page.contains("<th scope=\"col\">Qui</th>"))
        #expect(!page.contains("http"), "self-contained: no outside file")

        let text = await bascule(["verify"] + data + ["--date", "2026-09-10"])
        #expect(text.exitCode == 6)
        #expect(text.output.contains("== Vérification de 0860001X au 2026-09-10 — annuaire intégré de Bascule (SQLite, \(dir.path)) =="))
        #expect(text.output.contains("-- account-missing : Compte absent pour une personne des exports ("))
        #expect(text.output.contains(Self.hostileName))

        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let clean = await bascule(["verify"] + data + ["--uai", "0860001X", "--date", "2026-09-10"])
        #expect(clean.exitCode == 0, "\(clean.output)")
        #expect(clean.output.contains("Aucun écart"))
        #expect(clean.output.contains("élève(s), 2 enseignant(s)"))
        #expect(clean.errors.isEmpty, "no warning on the day the calendar plans the check: \(clean.errors)")

        let early = await bascule(["verify"] + data + ["--date", "2026-09-04"])
        #expect(early.exitCode == 0)
        #expect(early.errors.contains("le calendrier prévoit la vérification à partir du 07/09/2026"))

        let unknown = await bascule(["verify"] + data + ["--uai", "0860002Y", "--date", "2026-09-10"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.errors.contains("Aucun export importé pour l'établissement 0860002Y"))
    }
}

@Suite("bascule verify against a real slapd")
struct VerifyDirectoryCommandTests {
    @Test("With bascule.yml describing a directory, verify reads slapd: clean after apply, then an entry made by hand is found (exit 6)")
    func verifyReadsTheConfiguredDirectory() async throws {
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        let data = dir.file("data").path
        #expect(await bascule(["generate", "--schools", "1", "--students", "60", "--years", "1", "--first-year", "2026", "--out", exports]).exitCode == 0)
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try """
        annuaire:
          url: \(slapd.url)
          base: \(slapd.base)
          compte: \(slapd.adminDN)
        """.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        let secret = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        let applied = await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"],
                                    environment: secret)
        #expect(applied.exitCode == 0, "\(applied.errors)")

        let clean = await bascule(["verify", "--data", data, "--date", "2026-09-10"], environment: secret)
        #expect(clean.exitCode == 0, "\(clean.output)")
        #expect(clean.output.contains("annuaire LDAP \(slapd.url), branche ou=\(uai),\(slapd.base)"))

        try slapd.adminConnection().add("cn=imprimante-cdi,ou=\(uai),\(slapd.base)", [("objectClass", ["device"]), ("cn", ["imprimante-cdi"])])
        let found = await bascule(["verify", "--data", data, "--date", "2026-09-10", "--json"], environment: secret)
        #expect(found.exitCode == 6)
        let findings = try #require((try jsonArray(found.output).first)?["findings"] as? [[String: Any]])
        #expect(findings.map { $0["kind"] as? String } == ["manual-entry"])
        #expect(findings.first?["who"] as? String == "imprimante-cdi")
    }
}

/// The keys of pretty-printed JSON that come after a greater one in the same object.
func unsortedKeys(in json: String) -> [String] {
    var open: [(indent: Int, last: String)] = []
    var wrong: [String] = []
    for line in json.split(separator: "\n", omittingEmptySubsequences: false) {
        let indent = line.prefix { $0 == " " }.count
        let body = line.dropFirst(indent)
        open.removeAll { $0.indent > indent }
        guard body.hasPrefix("\""), let end = body.dropFirst().firstIndex(of: "\""), body[end...].hasPrefix("\" : ") else { continue }
        let key = String(body[body.index(after: body.startIndex)..<end])
        if let i = open.lastIndex(where: { $0.indent == indent }) {
            if key <= open[i].last { wrong.append("\(open[i].last) before \(key)") }
            open[i].last = key
        } else {
            open.append((indent, key))
        }
    }
    return wrong
}

@Suite("The verification page in a real browser", .enabled(if: WebDriver.isInstalled, "chromium and chromium-driver (Debian) drive the page"))
struct VerificationPageBrowserTests {
    @Test("Chromium shows the hostile name as text: no script element, nothing run, the table's heading and caption read as a person sees them")
    func hostileNameRendersAsText() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = ["--data", dir.path]
        let students = try VerifyCommandTests().hostileStudents(in: dir)
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03", fixture("sts_emp_0860001X_2026.xml"), students]).exitCode == 0)
        let html = dir.file("verification.html").path
        #expect(await bascule(["verify"] + data + ["--date", "2026-09-10", "--html", html]).exitCode == 6)

        let browser = try await WebDriver()
        try await browser.open(URL(fileURLWithPath: html).absoluteString)
        let title = try await browser.title
        #expect(title.contains("Vérification de rentrée"), "\(title)")
        #expect(try await browser.execute("return document.querySelectorAll('script').length") as? Int == 0)
        let body = try await browser.element("body").text
        #expect(body.contains(VerifyCommandTests.hostileName), "the name is shown as the export wrote it")
        #expect(try await browser.element("h1").text.contains("0860001X"))
        #expect(try await browser.elements("table caption").count > 1)
        let shots = ProcessInfo.processInfo.environment["BASCULE_SCREENSHOTS"] ?? dir.path
        try await browser.screenshot(to: shots + "/verification.png")
        #expect(FileManager.default.fileExists(atPath: shots + "/verification.png"))
    }
}

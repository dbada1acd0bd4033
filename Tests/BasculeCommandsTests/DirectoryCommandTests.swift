import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("bascule apply and bascule directory against a real slapd over StartTLS")
struct DirectoryCommandTests {
    @Test("apply pushes the plan to the configured directory; sync then has nothing to do; the journal lists each operation")
    func applyReachesTheDirectory() async throws {
        let slapd = try SlapdServer(tls: true)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        let data = dir.file("data").path
        #expect(await bascule(["generate", "--schools", "1", "--students", "80", "--years", "1", "--first-year", "2026",
                               "--out", exports]).exitCode == 0)
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        let files = try FileManager.default.subpathsOfDirectory(atPath: exports).filter { $0.hasSuffix(".xml") || $0.hasSuffix(".zip") }
            .map { exports + "/" + $0 }
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + files).exitCode == 0)
        try """
        # Annuaire de test (slapd privé)
        annuaire:
          url: \(slapd.url)
          base: \(slapd.base)
          compte: \(slapd.adminDN)
          starttls: true
          ca: \(slapd.caFile!)
          derive: signaler
        """.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)

        let noSecret = await bascule(["directory", "sync", "--data", data, "--dry-run"])
        #expect(noSecret.exitCode == 2)
        #expect(noSecret.errors.contains("BASCULE_LDAP_PASSWORD"))

        let secret = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        let applied = await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"],
                                    environment: secret)
        #expect(applied.exitCode == 0, "\(applied.errors)")
        #expect(applied.output.contains("Annuaire \(slapd.url), établissement \(uai)"))
        let accounts = try slapd.adminConnection().search(base: "ou=\(uai),\(slapd.base)", filter: "(objectClass=basculeAccount)", attributes: ["uid"])
        #expect(accounts.count > 80)

        let again = await bascule(["directory", "sync", "--data", data, "--dry-run", "--json"], environment: secret)
        #expect(again.exitCode == 0, "\(again.errors)")
        #expect(again.output.contains("\"operations\" : [\n\n    ]") || again.output.contains("\"operations\" : []"), "\(again.output.prefix(600))")

        let journal = await bascule(["directory", "journal", "--data", data, "--school", uai])
        let groups = try groupsCount(slapd, uai)
        #expect(journal.output.split(separator: "\n").count == accounts.count + groups + 5)
        #expect(journal.output.contains("\tdone\tadd-account\tuid="))
        #expect(!journal.output.contains("\tstarted\t"))

        // A run killed inside an operation leaves its line started: --unfinished shows that line
        // alone; the next sync reads the directory again, says it resumed, and closes it.
        let target = try #require(try jsonArray(await bascule(["directory", "journal", "--data", data, "--school", uai, "--json"]).output)
            .first?["target"] as? String)
        let store = try await Store.open(.embedded(dataDirectory: data))
        let seq = try await store.journalStart(runID: "tue", uai: UAI(uai)!, target: target, kind: "modify-account",
                                               dn: "uid=interrompu,ou=\(uai),\(slapd.base)", body: "{}", at: Date(timeIntervalSince1970: 0))
        await store.close()
        let unfinished = await bascule(["directory", "journal", "--data", data, "--school", uai, "--unfinished"])
        #expect(unfinished.output.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) } == ["\(seq)"], "\(unfinished.output)")
        #expect(unfinished.output.contains("\tstarted\tmodify-account\tuid=interrompu"))
        let resumed = await bascule(["directory", "sync", "--data", data], environment: secret)
        #expect(resumed.exitCode == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("Reprise d'une exécution interrompue : 1 opération(s) commencée(s)"), "\(resumed.output)")
        let closed = await bascule(["directory", "journal", "--data", data, "--school", uai, "--unfinished"])
        #expect(closed.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(closed.output)")
        let all = await bascule(["directory", "journal", "--data", data, "--school", uai])
        #expect(all.output.contains("\(seq)\t1970-01-01T00:00:00Z\tinterrupted\tmodify-account"), "\(all.output.suffix(300))")

        // The directory gone: the plan stays applied and the message says what to do next.
        let refused = await bascule(["directory", "sync", "--data", data], environment: ["BASCULE_LDAP_PASSWORD": "mauvais"])
        #expect(refused.exitCode == 5)
        #expect(refused.errors.contains("Authentification refusée"))

        let schema = await bascule(["directory", "schema"])
        #expect(schema.output.contains("NAME 'basculeAccount'"))
    }

    func groupsCount(_ slapd: SlapdServer, _ uai: String) throws -> Int {
        try slapd.adminConnection().search(base: "ou=groupes,ou=\(uai),\(slapd.base)", scope: .oneLevel, attributes: ["cn"]).count
    }
}

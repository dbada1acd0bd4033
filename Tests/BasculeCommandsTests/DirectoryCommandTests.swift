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

    @Test("apply marks every temporary password pwdReset TRUE and shadowLastChange 0 in slapd; password reset pushes the new one in the same command, which binds at once; an unreachable directory: exit 5, the reset kept for the next sync")
    func resetReachesTheDirectory() async throws {
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "60", "--years", "1", "--first-year", "2026", "--seed", "3", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        func configure(_ url: String) throws {
            try "annuaire:\n  url: \(url)\n  base: \(slapd.base)\n  compte: \(slapd.adminDN)\n"
                .write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        }
        try configure(slapd.url)
        let secret = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        let applied = await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"], environment: secret)
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let admin = try slapd.adminConnection()
        let branch = "ou=\(uai),\(slapd.base)"
        func marks(_ login: String) throws -> (String?, String?) {
            let e = try #require(try admin.search(base: branch, filter: "(uid=\(login))", attributes: ["pwdReset", "shadowLastChange"]).first)
            return (e.first("pwdReset"), e.first("shadowLastChange"))
        }
        let entries = try admin.search(base: branch, filter: "(objectClass=basculeAccount)", attributes: ["pwdReset", "shadowLastChange"])
        #expect(entries.count > 60 && entries.allSatisfy { $0.first("pwdReset") == "TRUE" && $0.first("shadowLastChange") == "0" })

        let accounts = try jsonArray(await bascule(["accounts", "--data", data, "--json"]).output)
        // A teacher resets the passwords of the students they teach: one of theirs.
        let pair = try await taughtPair(.embedded(dataDirectory: data), uai: uai)
        let teacher = pair.teacher
        let pupil = try #require(accounts.first { $0["login"] as? String == pair.student && $0["division"] is String })
        let student = try #require(pupil["login"] as? String), division = try #require(pupil["division"] as? String)
        /// The student's temporary password, from the sheets of the class (since a day).
        func password(since: String?) async throws -> String {
            let sheets = await bascule(["sheets", "--data", data, "--school", uai, "--class", division, "--date", "2026-10-05"]
                                       + (since.map { ["--since", $0] } ?? []))
            let csv = try #require(sheets.output.split(separator: "\n").map(String.init).first { $0.hasSuffix(".csv") }, "\(sheets.errors)")
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csv)).dropFirst(3), as: UTF8.self)
            let row = try #require(text.split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false) }
                .first { $0.count > 5 && $0[3] == student })
            return String(row[5])
        }
        let studentDN = "uid=\(student),ou=eleves,\(branch)"
        func binds(_ password: String) -> Bool {
            guard let c = try? LDAPConnection(url: slapd.url) else { return false }
            return (try? c.bind(dn: studentDN, password: password)) != nil
        }
        // The student chooses their own password: ppolicy takes pwdReset away, and Bascule's next sync leaves it so.
        let first = try await password(since: nil)
        let own = try LDAPConnection(url: slapd.url)
        try own.bind(dn: studentDN, password: first)
        try own.modify(studentDN, [.replace("userPassword", ["Mon-choix-2026!"])])
        #expect(try marks(student) == (nil, "0"))
        #expect(await bascule(["directory", "sync", "--data", data], environment: secret).exitCode == 0)
        #expect(try marks(student) == (nil, "0"), "Bascule never marks a password the person chose")

        let reset = await bascule(["password", "reset", "--data", data, "--uai", uai, "--by", teacher, "--date", "2026-10-05",
                                   "--password-rounds", "10000", student], environment: secret)
        #expect(reset.exitCode == 0, "\(reset.errors)")
        #expect(reset.output.contains("modify-account \(studentDN) : mis à jour : userPassword"), "\(reset.output)")
        #expect(reset.output.contains("L'annuaire \(slapd.url) a le nouveau mot de passe"), "\(reset.output)")
        #expect(try marks(student) == ("TRUE", "0"))
        let fresh = try await password(since: "2026-10-05")
        #expect(binds(fresh), "the reset's password signs in right after the command")
        #expect(!binds("Mon-choix-2026!"))
        let journal = await bascule(["directory", "journal", "--data", data, "--school", uai])
        #expect(journal.output.split(separator: "\n").last?.hasSuffix("\tdone\tmodify-account\t\(studentDN)") == true, "\(journal.output.suffix(300))")
        let audit = try jsonArray(await bascule(["audit", "--data", data, "--event", "annuaire-modify-account", "--target", student, "--json"]).output)
        #expect(audit.count == 1)

        // The directory cannot be reached: the reset is kept, said so, exit 5; the next sync delivers it.
        try configure("ldap://127.0.0.1:1")
        let unreachable = await bascule(["password", "reset", "--data", data, "--uai", uai, "--by", teacher, "--date", "2026-10-06",
                                         "--password-rounds", "10000", student], environment: secret)
        #expect(unreachable.exitCode == 5, "\(unreachable.output) \(unreachable.errors)")
        #expect(unreachable.errors.contains("Le mot de passe est réinitialisé dans Bascule, mais l'annuaire ldap://127.0.0.1:1 ne l'a pas reçu"), "\(unreachable.errors)")
        #expect(unreachable.errors.contains("Il le recevra à la prochaine synchronisation"))
        let kept = try await password(since: "2026-10-06")
        #expect(kept != fresh && binds(fresh) && !binds(kept), "the directory still has the previous one")
        try configure(slapd.url)
        #expect(await bascule(["directory", "sync", "--data", data], environment: secret).exitCode == 0)
        #expect(binds(kept) && !binds(fresh))
    }

    func groupsCount(_ slapd: SlapdServer, _ uai: String) throws -> Int {
        try slapd.adminConnection().search(base: "ou=groupes,ou=\(uai),\(slapd.base)", scope: .oneLevel, attributes: ["cn"]).count
    }
}

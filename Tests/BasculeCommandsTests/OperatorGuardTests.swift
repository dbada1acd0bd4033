import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Issue 11, item 1: a wrong store, a broken bascule.yml or a cron job started elsewhere must
/// never reach the real directory or the spaces as "delete everything".
@Suite("An operator's mistake must never destroy: wrong store, missing store, broken configuration")
struct OperatorGuardTests {
    @Test("Reading never creates a store: every command pointed at a folder without one fails, names the folder, suggests --data, and leaves nothing behind")
    func readingNeverCreatesAStore() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let nowhere = dir.file("mauvais-dossier").path
        let data = ["--data", nowhere]
        let commands: [[String]] = [
            ["plan"] + data + ["--date", "2026-09-03"],
            ["people"] + data,
            ["verify"] + data + ["--date", "2026-09-10"],
            ["accounts"] + data,
            ["audit"] + data,
            ["departures", "list"] + data + ["--date", "2026-09-03"],
            ["sheets"] + data + ["--class", "6A"],
            ["directory", "journal"] + data + ["--school", "0860001X"],
            ["rights", "list"] + data + ["--uai", "0860001X"],
            ["apply"] + data + ["--date", "2026-09-03", "--yes"],
            ["password", "reset"] + data + ["--uai", "0860001X", "--by", "rupn", "--date", "2026-09-03", "mdupont"],
        ]
        for command in commands {
            let result = await bascule(command)
            #expect(result.exitCode == 2, "\(command): \(result.errors)")
            #expect(result.errors.contains("Aucune base Bascule dans \(nowhere)"), "\(command): \(result.errors)")
            #expect(result.errors.contains("--data"), "\(command)")
            #expect(!FileManager.default.fileExists(atPath: nowhere), "\(command) made \(nowhere)")
        }
        // A mistyped SQLite path given as --database: the same.
        let typo = await bascule(["people", "--database", dir.file("bascule.sqlit").path])
        #expect(typo.exitCode == 2 && typo.errors.contains("Aucune base Bascule"), "\(typo.errors)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("bascule.sqlit").path))
    }

    @Test("A broken bascule.yml is refused by the first command on the data folder, before any school exists, and nothing is created")
    func brokenConfigurationBeforeAnySchool() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.file("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let broken = [
            ("derive: nimporte", "annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=x\n  compte: cn=a,dc=x\n  derive: nimporte\n"),
            ("premier_numero: 0", "annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=x\n  compte: cn=a,dc=x\n  premier_numero: 0\n"),
            ("premier_numero: 5000000000", "annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=x\n  compte: cn=a,dc=x\n  premier_numero: 5000000000\n"),
            ("premier_numero: 4294967295", "annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=x\n  compte: cn=a,dc=x\n  premier_numero: 4294967295\n"),
            ("quota", "espaces:\n  racine: \(dir.path)/espaces\n  quotas: { classe: beaucoup }\n"),
            ("racine", "espaces:\n  racine: espaces-relatifs\n"),
            ("YAML", "annuaire: [\n"),
        ]
        for (what, yaml) in broken {
            try yaml.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
            let plan = await bascule(["plan", "--data", data, "--date", "2026-09-03"])
            #expect(plan.exitCode == 2, "\(what): \(plan.output) \(plan.errors)")
            #expect(plan.errors.contains("Configuration"), "\(what): \(plan.errors)")
            let imported = await bascule(["import", "--data", data, "--date", "2026-09-03", fixture("siecle-with-two-valid-students.xml")])
            #expect(imported.exitCode == 2, "\(what): \(imported.errors)")
            #expect(!FileManager.default.fileExists(atPath: data + "/bascule.sqlite"), "\(what)")
        }
    }

    @Test("On slapd: a store without the school's import refuses to sync it; removals no applied plan decided stop at 10 % without --allow-mass-change --reason, on apply and on directory sync")
    func wrongStoreNeverDeletes() async throws {
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path
        #expect(await bascule(["generate", "--schools", "2", "--students", "40", "--years", "1", "--first-year", "2026", "--seed", "11",
                               "--out", exports]).exitCode == 0)
        let uais = try FileManager.default.contentsOfDirectory(atPath: exports).sorted()
        let (x, y) = (uais[0], uais[1])
        func files(_ uai: String) -> [String] { generatedFiles(exports, year: 2026).filter { $0.contains("/\(uai)/") } }
        let yaml = "annuaire:\n  url: \(slapd.url)\n  base: \(slapd.base)\n  compte: \(slapd.adminDN)\n"
        let secret = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        func store(_ name: String, _ imports: [String]) async throws -> [String] {
            let data = dir.file(name).path
            #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + imports).exitCode == 0)
            try yaml.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
            return ["--data", data]
        }
        func entries(_ uai: String, _ filter: String = "(objectClass=basculeAccount)") throws -> Int {
            try slapd.adminConnection().search(base: "ou=\(uai),\(slapd.base)", filter: filter, attributes: ["uid"]).count
        }

        // The real store: both schools imported, applied, in slapd.
        let real = try await store("vraie", files(x) + files(y))
        let applied = await bascule(["apply"] + real + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"], environment: secret)
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let accounts = try entries(x)
        #expect(accounts > 40)

        // A stale copy of the real store (a backup restored, the wrong --data): an account another
        // store added since is not its to delete, however few (one here, far under the 10 %).
        let stale = dir.file("copie").path
        try ChildProcess.run("/bin/cp", ["-a", dir.file("vraie").path, stale])
        let admin = try slapd.adminConnection()
        let model = try #require(try admin.search(base: "ou=\(x),\(slapd.base)", filter: "(&(objectClass=basculeAccount)(employeeType=eleve))").first)
        var attributes = model.attributes
        attributes["uid"] = ["inscritdepuis"]
        attributes["basculepersonid"] = ["eleve-inscrit-depuis-la-copie"]
        let newcomer = "uid=inscritdepuis," + model.dn.split(separator: ",", maxSplits: 1)[1]
        try admin.add(newcomer, attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let fromCopy = await bascule(["directory", "sync", "--data", stale, "--school", x], environment: secret)
        #expect(fromCopy.exitCode == 4 && fromCopy.errors.contains("jamais connues"), "\(fromCopy.exitCode) \(fromCopy.output) \(fromCopy.errors)")
        #expect(try admin.read(newcomer) != nil, "the newcomer's account is still there")
        let kept = await bascule(["directory", "sync", "--data", stale, "--school", x, "--allow-mass-change", "--reason", "copie voulue"],
                                 environment: secret)
        #expect(kept.exitCode == 0, "\(kept.errors)")
        #expect(try admin.read(newcomer) == nil, "confirmed: removed")
        let said = await bascule(["audit", "--data", stale, "--event", "annuaire-suppressions-confirmees"])
        #expect(said.output.contains("copie voulue"), "\(said.output)")

        // Another folder that only ever imported Y: it knows nothing of X.
        let other = try await store("autre", files(y))
        for command in [["directory", "sync"] + other + ["--school", x], ["directory", "sync"] + other + ["--school", x, "--dry-run"]] {
            let refused = await bascule(command, environment: secret)
            #expect(refused.exitCode == 4, "\(command): \(refused.output) \(refused.errors)")
            #expect(refused.errors.contains("n'a aucun import de l'établissement \(x)"), "\(refused.errors)")
        }
        #expect(try entries(x) == accounts)

        // A new folder where only X's STS-Web export was imported: its apply would remove every
        // student of X from slapd, which no plan of it decided.
        let staffOnly = try await store("personnels", files(x).filter { $0.contains("sts_emp") })
        let apply = await bascule(["apply"] + staffOnly + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"], environment: secret)
        #expect(apply.exitCode == 4, "\(apply.output) \(apply.errors)")
        #expect(apply.errors.contains("suppression(s) sur") && apply.errors.contains("--allow-mass-change"), "\(apply.errors)")
        #expect(try entries(x) == accounts)
        let sync = await bascule(["directory", "sync"] + staffOnly, environment: secret)
        #expect(sync.exitCode == 4, "\(sync.errors)")
        #expect(try entries(x) == accounts)

        // Confirmed by a person, with the reason: done, and the reason in the audit.
        let confirmed = await bascule(["directory", "sync"] + staffOnly + ["--allow-mass-change", "--reason", "annuaire refait depuis STS-Web seul"],
                                      environment: secret)
        #expect(confirmed.exitCode == 0, "\(confirmed.errors)")
        #expect(try entries(x, "(employeeType=eleve)") == 0)
        let audit = await bascule(["audit"] + staffOnly + ["--event", "annuaire-suppressions-confirmees"])
        #expect(audit.output.contains("annuaire refait depuis STS-Web seul"), "\(audit.output)")
        // Y was never touched.
        #expect(try entries(y) > 40)
    }

    @Test("spaces sync: a store without the school's import refuses it; removing spaces no applied plan decided stops at 10 % without --allow-mass-change --reason",
          .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
    func spacesGuard() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let root = dir.file("espaces").path
        let yaml = "espaces:\n  racine: \(root)\n"
        func school(_ name: String, uai: String) async throws -> [String] {
            let data = dir.file(name).path
            let ids = (1...20).map(String.init)
            let file = try dir.write("\(name).xml", text: handWrittenStudents(
                ids.map { handWrittenStudent($0, family: "ELEVE\($0)", first: "Prenom\($0)") },
                links: ids.map { handWrittenLink($0, division: "6A") }, uai: uai))
            #expect(await bascule(["import", "--data", data, "--date", "2026-09-03", file.path]).exitCode == 0)
            try yaml.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
            return ["--data", data]
        }
        let real = try await school("vraie", uai: "0860001X")
        #expect(await bascule(["apply"] + real + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let personal = "\(root)/0860001X/perso"
        let made = try FileManager.default.contentsOfDirectory(atPath: personal).sorted()
        #expect(made.count == 20)

        // Another folder, another school: it knows nothing of 0860001X.
        let other = try await school("autre", uai: "0860002Y")
        let refused = await bascule(["spaces", "sync"] + other + ["--uai", "0860001X", "--date", "2026-09-04"])
        #expect(refused.exitCode == 4, "\(refused.output) \(refused.errors)")
        #expect(refused.errors.contains("n'a aucun import de l'établissement 0860001X"), "\(refused.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: personal).sorted() == made)

        // Spaces the store records for accounts it does not know (a store put back from another
        // copy): removing them is no plan's decision.
        let store = try await Store.open(.embedded(dataDirectory: dir.file("vraie").path), creating: false)
        for n in 1...5 {
            try await store.recordSpace(uai: UAI("0860001X")!, key: "perso:inconnu-\(n)", path: "0860001X/perso/inconnu\(n)",
                                        on: CivilDate(year: 2026, month: 9, day: 3)!)
            try FileManager.default.createDirectory(atPath: "\(personal)/inconnu\(n)", withIntermediateDirectories: false)
        }
        await store.close()
        let mass = await bascule(["spaces", "sync"] + real + ["--date", "2026-09-04"])
        #expect(mass.exitCode == 4, "\(mass.output) \(mass.errors)")
        #expect(mass.errors.contains("5 suppression(s) sur") && mass.errors.contains("--allow-mass-change"), "\(mass.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: personal).count == 25)
        let confirmed = await bascule(["spaces", "sync"] + real + ["--date", "2026-09-04", "--allow-mass-change", "--reason", "copies d'essai"])
        #expect(confirmed.exitCode == 0, "\(confirmed.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: personal).sorted() == made)
        let audit = await bascule(["audit"] + real + ["--event", "espaces-suppressions-confirmees"])
        #expect(audit.output.contains("copies d'essai"), "\(audit.output)")
    }
}

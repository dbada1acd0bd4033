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
            ["departures", "list"] + data,
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
}

import BasculeLDAP
import BasculeTesting
import Foundation
import Testing

@Suite("loginShell per role, from bascule.yml", .serialized)
struct LoginShellTests {
    @Test("Students get /usr/sbin/nologin by default, every role what bascule.yml says; a shell that is not a plain absolute path is refused (exit 2)")
    func shells() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "40", "--years", "1", "--first-year", "2026", "--seed", "3", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        #expect(await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        func configure(_ shells: String) throws {
            try """
            annuaire:
              url: \(slapd.url)
              base: \(slapd.base)
              compte: \(slapd.adminDN)
            \(shells)
            """.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        }
        // The password only in the child's environment: the test process's own is left alone.
        func sync() throws -> ChildProcess.Ended {
            try ChildProcess.outcome(exe, ["directory", "sync", "--data", data], environment: [
                "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "BASCULE_LDAP_PASSWORD": slapd.adminPassword])
        }
        func shells() throws -> [String: Set<String>] {
            var out: [String: Set<String>] = [:]
            for e in try slapd.adminConnection().search(base: "ou=\(uai),\(slapd.base)", filter: "(objectClass=basculeAccount)",
                                                        attributes: ["employeeType", "loginShell"]) {
                out[e.first("employeeType") ?? "", default: []].formUnion(e["loginShell"])
            }
            return out
        }

        try configure("")
        let first = try sync()
        #expect(first.code == 0, "\(first.output)")
        #expect(try shells() == ["eleve": ["/usr/sbin/nologin"], "enseignant": ["/usr/sbin/nologin"], "administratif": ["/usr/sbin/nologin"]])

        try configure("  shells:\n    enseignant: /bin/bash\n    administratif: /bin/sh")
        let second = try sync()
        #expect(second.code == 0, "\(second.output)")
        #expect(try shells() == ["eleve": ["/usr/sbin/nologin"], "enseignant": ["/bin/bash"], "administratif": ["/bin/sh"]])

        // Refused before anything is read or written, with the key and the reason.
        for (shells, reason) in [("eleve: bin/bash", "chemin absolu"), ("eleve: \"/bin/ba:sh\"", "ni « : »"),
                                 ("eleve: \"/bin/bash\\n/bin/sh\"", "caractère de contrôle"), ("eleve: \"/bin/bash\\a\"", "caractère de contrôle"),
                                 ("eleve: /bin/../tmp/x", "« .. »"), ("parent: /bin/bash", "rôle inconnu")] {
            try configure("  shells:\n    \(shells)")
            let refused = await bascule(["directory", "sync", "--data", data, "--dry-run"])
            #expect(refused.exitCode == 2, "\(shells): \(refused.errors)")
            #expect(refused.errors.contains("annuaire.shells.") && refused.errors.contains(reason), "\(shells): \(refused.errors)")
        }
        #expect(try shells()["enseignant"] == ["/bin/bash"], "nothing changed")
    }
}

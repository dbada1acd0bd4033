import BasculeTesting
import Foundation
import Testing

@Suite("bascule spaces and apply's spaces, as a user runs them",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct SpacesCommandTests {
    /// A one-year collège imported, with `bascule.yml` holding `yaml`.
    func school(_ yaml: (String) -> String) async throws -> (dir: TemporaryDirectory, data: [String], uai: String) {
        let dir = try TemporaryDirectory()
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "60", "--years", "1", "--first-year", "2026", "--seed", "5", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        let text = yaml(dir.path)
        if !text.isEmpty { try text.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8) }
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        return (dir, ["--data", data], uai)
    }

    @Test("apply creates the spaces after the directory; bascule spaces shows use against quota (over quota flagged, exit 0); sync has nothing left; clean asks before emptying and empties with --yes")
    func applyReportClean() async throws {
        let (dir, data, uai) = try await school { root in
            """
            # Espaces de test
            espaces:
              racine: \(root)/espaces/
              quotas:
                perso_eleve: 2Mo
                classe: 1,5 Go
              conservation_archives: 30
            """
        }
        defer { dir.remove() }
        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        #expect(applied.output.contains("Espaces de \(uai) sous \(dir.path)/espaces :"), "\(applied.output.suffix(400))")
        #expect(applied.output.contains("create \(uai)/Salle_des_profs : La salle des professeurs"))

        let report = try jsonArray(await bascule(["spaces"] + data + ["--json"]).output)
        let spaces = try #require(report.first?["spaces"] as? [[String: Any]])
        let perso = spaces.filter { $0["kind"] as? String == "perso" }
        #expect(perso.count > 60)
        let student = try #require(perso.first { $0["quota"] as? Int == 2 * 1_048_576 })
        #expect(student["quotaEnforced"] as? Bool == false && student["overQuota"] as? Bool == false && student["state"] as? String == "present")
        #expect(spaces.first { $0["kind"] as? String == "classe" }?["quota"] as? Int == 3 << 29)
        #expect((report.first?["quotas"] as? [String: Any])?["user"] as? Bool == false)
        let path = try #require(student["path"] as? String)
        #expect(FileManager.default.createFile(atPath: path + "/film.mp4", contents: Data(repeating: 1, count: 3 * 1_048_576)))
        let text = await bascule(["spaces"] + data)
        #expect(text.exitCode == 0, "over quota is not an error")
        #expect(text.output.contains("1 au-dessus de leur quota") && text.output.contains("AU-DESSUS DU QUOTA"))
        #expect(text.output.contains("quotas non appliqués"))

        let sync = await bascule(["spaces", "sync"] + data + ["--date", "2026-09-04", "--dry-run", "--json"])
        #expect(sync.exitCode == 0)
        let operations = try #require(try jsonArray(sync.output).first?["operations"] as? [Any])
        #expect(operations.isEmpty)

        // The department's window of the next summer.
        let commun = "\(dir.path)/espaces/\(uai)/Commun/affiche.txt"
        #expect(FileManager.default.createFile(atPath: commun, contents: Data("fête".utf8)))
        if isatty(STDIN_FILENO) == 0 {
            let refused = await bascule(["spaces", "clean"] + data + ["--date", "2027-07-20"])
            #expect(refused.exitCode == 1 && refused.errors.contains("relancez avec --yes"))
            #expect(FileManager.default.fileExists(atPath: commun))
        }
        let cleaned = await bascule(["spaces", "clean"] + data + ["--date", "2027-07-20", "--yes"])
        #expect(cleaned.exitCode == 0, "\(cleaned.errors)")
        #expect(cleaned.output.contains("\(dir.path)/espaces/\(uai)/Commun : archivé puis vidé (1 fichier(s)"), "\(cleaned.output)")
        #expect(!FileManager.default.fileExists(atPath: commun))
        let archives = try FileManager.default.contentsOfDirectory(atPath: "\(data[1])/archives/\(uai)").sorted()
        #expect(archives == ["2027-07-20_commun-Commun.manifest.json", "2027-07-20_commun-Commun.tar.gz"])
        let again = await bascule(["spaces", "clean"] + data + ["--date", "2027-08-02", "--json"])
        #expect(again.output.contains("\"state\" : \"done\""))
        let audit = await bascule(["audit"] + data + ["--event", "espaces-archive-empty"])
        #expect(audit.output.contains("Commun"), "\(audit.output)")
    }

    @Test("bascule spaces sync killed at various points of its work: the next sync finishes it; every folder is made once, recorded, and audited exactly once")
    func killedSync() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "no bascule executable next to the tests: \(exe)")
        let (dir, data, uai) = try await school { _ in "" }
        defer { dir.remove() }
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        // A fresh copy each time: the store as apply left it, no folder yet.
        func freshCopy(_ name: String) throws -> String {
            let copy = dir.file(name).path
            try ChildProcess.run("/bin/cp", ["-a", data[1], copy])
            try "espaces:\n  racine: \(copy)/espaces\n".write(toFile: copy + "/bascule.yml", atomically: true, encoding: .utf8)
            return copy
        }
        /// Every folder of the school's tree, relative to the spaces' root, as the audit names them.
        @Sendable func folders(_ copy: String) -> Set<String> {
            let root = copy + "/espaces"
            var found: Set<String> = []
            func walk(_ relative: String, depth: Int) {
                guard depth < 5 else { return }
                for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? [] {
                    var isDirectory: ObjCBool = false
                    let path = relative + "/" + name
                    guard FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                    found.insert(path)
                    walk(path, depth: depth + 1)
                }
            }
            found.insert(uai)
            walk(uai, depth: 0)
            return found.filter { FileManager.default.fileExists(atPath: root + "/" + $0) }
        }
        // The whole run once, to know how many folders it makes.
        let whole = try freshCopy("entier")
        #expect(await bascule(["spaces", "sync", "--data", whole, "--date", "2026-09-03"]).exitCode == 0)
        let total = folders(whole).count
        try #require(total > 100)

        // Kills at points of the work, not of a clock: once the run has made a share of the folders.
        var outcomes: [String] = []
        for share in stride(from: 1, through: 11, by: 2) {
            let copy = try freshCopy("essai-\(share)")
            let child = try ChildProcess.start(exe, ["spaces", "sync", "--data", copy, "--date", "2026-09-03"])
            let target = total * share / 12
            _ = await KillWatch.kill(child, once: { folders(copy).count >= target })
            let atKill = folders(copy).count
            outcomes.append("\(share)/12:\(atKill)/\(total)")

            let finish = await bascule(["spaces", "sync", "--data", copy, "--date", "2026-09-03", "--json"])
            #expect(finish.exitCode == 0, "\(finish.errors)")
            let findings = try #require(try jsonArray(finish.output).first?["findings"] as? [Any])
            #expect(findings.isEmpty, "after a kill at \(atKill) folders: \(findings)")
            let again = await bascule(["spaces", "sync", "--data", copy, "--date", "2026-09-03", "--dry-run", "--json"])
            let left = try #require(try jsonArray(again.output).first?["operations"] as? [Any])
            #expect(left.isEmpty, "after a kill at \(atKill) folders, then a sync: \(left.count) operation(s) left")
            // Each folder made once and audited once, whichever run made it.
            let audit = try jsonArray(await bascule(["audit", "--data", copy, "--event", "espaces-create", "--json"]).output)
            let targets = audit.compactMap { $0["target"] as? String }
            #expect(targets.count == Set(targets).count, "a folder audited twice after a kill at \(atKill) folders")
            let onDisk = folders(copy)
            let unaudited = onDisk.subtracting(targets), unmade = Set(targets).subtracting(onDisk)
            #expect(unaudited.isEmpty && unmade.isEmpty,
                    "after a kill at \(atKill) folders: \(unaudited.count) made but not audited (\(unaudited.sorted().prefix(3))), \(unmade.count) audited but not made")
            try? FileManager.default.removeItem(atPath: copy)
        }
        print("spaces sync kills (share of the work: folders made when killed): \(outcomes)")
        #expect(outcomes.contains { o in
            let made = Int(o.split(separator: ":")[1].split(separator: "/")[0])!
            return made > 0 && made < total
        }, "some kills landed while the run was making folders: \(outcomes)")
    }

    @Test("spaces clean outside its windows says what it will do and when, and changes nothing; a tree that cannot be made exits 7")
    func cleanOutsideItsWindowAndFailures() async throws {
        let (dir, data, uai) = try await school { root in "espaces:\n  racine: \(root)/espaces\n" }
        defer { dir.remove() }
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let commun = "\(dir.path)/espaces/\(uai)/Commun/affiche.txt"
        #expect(FileManager.default.createFile(atPath: commun, contents: Data("fête".utf8)))
        let division = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/espaces/\(uai)/classes").sorted().first)
        let work = "\(dir.path)/espaces/\(uai)/classes/\(division)/devoir.odt"
        #expect(FileManager.default.createFile(atPath: work, contents: Data("travail".utf8)))

        let outside = await bascule(["spaces", "clean"] + data + ["--date", "2026-10-15", "--yes"])
        #expect(outside.exitCode == 0, "\(outside.errors)")
        #expect(outside.output.contains("2027-07-15"), "says when the department's clean-up will come: \(outside.output)")
        #expect(FileManager.default.fileExists(atPath: commun) && FileManager.default.fileExists(atPath: work), "nothing emptied")
        #expect(!FileManager.default.fileExists(atPath: "\(data[1])/archives/\(uai)"), "nothing archived")
        let audit = try jsonArray(await bascule(["audit"] + data + ["--event", "espaces-archive-empty", "--json"]).output)
        #expect(audit.isEmpty)

        // A root where the school's tree cannot be made: the failure is said, with exit 7.
        let blocked = dir.file("pas-un-dossier").path
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8)))
        try "espaces:\n  racine: \(blocked)\n".write(toFile: data[1] + "/bascule.yml", atomically: true, encoding: .utf8)
        let failed = await bascule(["spaces", "sync"] + data + ["--date", "2026-10-15"])
        #expect(failed.exitCode == 7, "\(failed.output) \(failed.errors)")
        #expect(!(failed.output + failed.errors).isEmpty)
    }

    @Test("With spaces, sheets go to ReferentsInformatique, read by the RUPNs' uids alone (kernel-checked), in step with rights grant and revoke; --handed-out destroys the files in the space and in the data folder")
    func sheetsForTheRUPNs() async throws {
        // A year applied without spaces: a first sheet lands in the data folder, as before.
        let (dir, data, uai) = try await school { _ in "" }
        defer { dir.remove() }
        #expect(await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        let accounts = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accounts.first { $0["sourceId"] as? String == id }?["login"] as? String)
        }
        let head = try login(people.first { $0["function"] as? String == "DIR" })
        let teachers = try accounts.filter { $0["kind"] as? String == "teacher" }.map { try #require($0["login"] as? String) }.sorted()
        let (rupn, other) = (teachers[0], teachers[1])
        let pupil = try #require(accounts.first { $0["kind"] as? String == "student" && $0["division"] is String
            && !($0["groups"] as? [String] ?? []).isEmpty })
        let student = try #require(pupil["login"] as? String), division = try #require(pupil["division"] as? String)
        // A group shared with that class: its sheet shows some of the same passwords.
        let group = try #require((pupil["groups"] as? [String])?.sorted().first)
        let before = await bascule(["sheets"] + data + ["--school", uai, "--class", division, "--date", "2026-09-04"])
        #expect(before.exitCode == 0 && before.output.contains("\(data[1])/schools/\(uai)/ReferentsInformatique/"), "\(before.output)")

        try "espaces:\n  racine: \(dir.path)/espaces\n".write(toFile: data[1] + "/bascule.yml", atomically: true, encoding: .utf8)
        #expect(await bascule(["spaces", "sync"] + data + ["--date", "2026-09-04"]).exitCode == 0)
        let space = "\(dir.path)/espaces/\(uai)/ReferentsInformatique"
        let written = await bascule(["sheets"] + data + ["--school", uai, "--class", division, "--date", "2026-09-05"])
        #expect(written.exitCode == 0, "\(written.errors)")
        let paths = written.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("/") }
        #expect(paths == ["\(space)/fiches-classe-\(division).html", "\(space)/fiches-classe-\(division).csv"], "\(written.output)")
        #expect(written.errors.contains("Aucun RUPN désigné"), "\(written.errors)")
        // EduConnect gives its own identifiers: the sheets say the ENT line is a prediction.
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths[1])).dropFirst(3), as: UTF8.self)
        #expect(csv.hasPrefix("Nom;Prénom;Classe;Identifiant réseau;Identifiant EduConnect prévu (attribué par EduConnect);Mot de passe provisoire\r\n"))
        let html = try String(contentsOfFile: paths[0], encoding: .utf8)
        #expect(html.contains("Identifiant EduConnect prévu (attribué par EduConnect) : <b>"))
        #expect(await bascule(["sheets"] + data + ["--school", uai, "--group", group, "--date", "2026-09-05"]).exitCode == 0)

        // Who is who for the kernel: uids and primary (role) groups, from the spaces' report.
        let report = try #require(try jsonArray(await bascule(["spaces"] + data + ["--json"]).output).first?["spaces"] as? [[String: Any]])
        func ids(_ login: String) throws -> (uid: Int, gid: Int) {
            let row = try #require(report.first { $0["kind"] as? String == "perso" && $0["name"] as? String == login })
            return (try #require(row["ownerUid"] as? Int), try #require(row["gid"] as? Int))
        }
        func read(_ login: String, _ path: String) throws -> String {
            let (uid, gid) = try ids(login)
            do {
                try ChildProcess.run("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", "--groups=\(gid)", "--", "/usr/bin/cat", path],
                                     environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
                return "allowed"
            } catch let failure as ChildProcess.Failure {
                return failure.message.contains("Permission denied") ? "denied" : "failed: \(failure.message)"
            }
        }
        #expect(try read(rupn, paths[0]) == "denied", "no RUPN yet: root's alone")

        let granted = await bascule(["rights", "grant"] + data + ["--uai", uai, "--by", head, "--date", "2026-09-06", "rupn", rupn])
        #expect(granted.exitCode == 0, "\(granted.errors)")
        #expect(granted.output.contains("fix-permissions \(uai)/ReferentsInformatique :"), "\(granted.output)")
        for path in paths {
            #expect(try read(rupn, path) == "allowed")
            #expect(try read(student, path) == "denied")
            #expect(try read(other, path) == "denied")
        }
        #expect(try getfaclLines(paths[1]).contains("user:\(try ids(rupn).uid):r--"))
        let revoked = await bascule(["rights", "revoke"] + data + ["--uai", uai, "--by", head, "--date", "2026-09-07", "rupn", rupn])
        #expect(revoked.exitCode == 0, "\(revoked.errors)")
        for path in paths { #expect(try read(rupn, path) == "denied", "a former RUPN reads nothing") }
        let sync = await bascule(["spaces", "sync"] + data + ["--date", "2026-09-07", "--dry-run", "--json"])
        #expect(try #require(try jsonArray(sync.output).first?["operations"] as? [Any]).isEmpty, "spaces sync agrees")

        // Handed out: the passwords' copies and every file that shows them, here and in the data folder.
        let handed = await bascule(["sheets"] + data + ["--school", uai, "--class", division, "--handed-out", "--date", "2026-09-08"])
        #expect(handed.exitCode == 0, "\(handed.errors)")
        let gone = ["\(space)/fiches-classe-\(division).html", "\(space)/fiches-classe-\(division).csv",
                    "\(space)/fiches-groupe-\(group).html", "\(space)/fiches-groupe-\(group).csv",
                    "\(data[1])/schools/\(uai)/ReferentsInformatique/fiches-classe-\(division).html",
                    "\(data[1])/schools/\(uai)/ReferentsInformatique/fiches-classe-\(division).csv"]
        for path in gone {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) still there")
            #expect(handed.output.contains("  " + path), "\(handed.output)")
        }
    }

    @Test("A root that is / or relative, a quota that is no size, a directory home root that differs, or no espaces section: refused with the reason (exit 2)")
    func badConfiguration() async throws {
        let cases: [(String, String)] = [
            ("espaces:\n  racine: /\n", "Racine des espaces refusée (/)"),
            ("espaces:\n  racine: espaces\n", "n'est pas absolu"),
            ("espaces:\n  racine: /srv/e\n  quotas:\n    perso_eleve: beaucoup\n", "n'est pas une taille"),
            ("espaces:\n  racine: /srv/e\n  quotas:\n    perso_chat: 1Go\n", "« perso_chat » inconnu"),
            ("annuaire:\n  url: ldap://x\n  starttls: true\n  base: dc=x\n  compte: cn=x\n  racine_espaces: /home\nespaces:\n  racine: /srv/e\n", "diffèrent"),
            ("annuaire:\n  url: ldap://x\n  starttls: true\n  base: dc=x\n  compte: cn=x\n", "aucun espace de fichiers n'est configuré"),
        ]
        let (dir, data, _) = try await school { _ in "" }
        defer { dir.remove() }
        for (yaml, message) in cases {
            try yaml.write(toFile: data[1] + "/bascule.yml", atomically: true, encoding: .utf8)
            let r = await bascule(["spaces", "sync"] + data + ["--date", "2026-09-04"])
            #expect(r.exitCode == 2 && r.errors.contains(message), "\(yaml): \(r.errors)")
        }
    }
}

@Suite("The tools spaces sync runs as root are the system's, never one planted in PATH",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct PlantedToolTests {
    @Test("spaces sync, run as root with a PATH whose first folder holds a fake setfacl, getfacl and tar, runs none of them, and hands no tool BASCULE_LDAP_PASSWORD")
    func plantedTools() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "40", "--years", "1", "--first-year", "2026", "--seed", "5", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        #expect(await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        try "espaces:\n  racine: \(dir.path)/espaces\n".write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)

        // What a local user who can write in a folder of root's PATH would plant.
        let planted = dir.file("bin").path, log = dir.file("planted.log").path
        try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: true)
        for tool in ["setfacl", "getfacl", "tar", "setquota", "quotaon", "repquota", "chattr"] {
            let script = "#!/bin/sh\necho \"\(tool) ran as $(id -u), BASCULE_LDAP_PASSWORD=$BASCULE_LDAP_PASSWORD\" >> \(log)\nexec /usr/bin/\(tool) \"$@\"\n"
            try script.write(toFile: planted + "/" + tool, atomically: true, encoding: .utf8)
            chmod(planted + "/" + tool, 0o755)
        }
        let ended = try ChildProcess.outcome(exe, ["spaces", "sync", "--data", data, "--date", "2026-09-03"], environment: [
            "PATH": "\(planted):/usr/sbin:/usr/bin:/sbin:/bin", "BASCULE_LDAP_PASSWORD": "secret-du-compte-bascule", "LC_ALL": "C.UTF-8",
        ])
        #expect(ended.code == 0, "\(ended.output)")
        #expect(ended.output.contains("opération(s) faites"), "\(ended.output)")
        #expect(!FileManager.default.fileExists(atPath: log), "a planted tool ran: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        #expect(try ChildProcess.run("/usr/bin/getfacl", ["--numeric", "--omit-header", "\(dir.path)/espaces/\(uai)/Commun"]).contains("group::r-x"),
                "the ACLs were set, by the system's setfacl")
    }
}

@Suite("The executable's umask (077) keeps nobody out of the spaces",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct SpacesUnderUmaskTests {
    @Test("spaces sync by the real executable makes a missing root and its parents 0755, whatever its own umask: a student reaches their space")
    func rootReachable() async throws {
        let exe = ChildProcess.basculeExecutable
        try #require(FileManager.default.isExecutableFile(atPath: exe), "build the bascule executable first (swift build)")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = dir.file("data").path
        #expect(await bascule(["generate", "--students", "30", "--years", "1", "--first-year", "2026", "--seed", "5", "--out", exports]).exitCode == 0)
        #expect(await bascule(["import", "--data", data, "--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        #expect(await bascule(["apply", "--data", data, "--date", "2026-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        chmod(dir.path, 0o755)
        let root = dir.path + "/srv/bascule/espaces"
        try "espaces:\n  racine: \(root)\n".write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        let ended = try ChildProcess.outcome(exe, ["spaces", "sync", "--data", data, "--date", "2026-09-03"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(ended.code == 0, "\(ended.output)")
        for path in [dir.path + "/srv", dir.path + "/srv/bascule", root] {
            var st = stat()
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o755, "\(path): \(String(st.st_mode & 0o777, radix: 8))")
        }
        let uai = try #require(try FileManager.default.contentsOfDirectory(atPath: exports).first)
        let accounts = try jsonArray(await bascule(["accounts", "--data", data, "--json"]).output)
        let student = try #require(accounts.first { $0["kind"] as? String == "student" }?["login"] as? String)
        let home = "\(root)/\(uai)/perso/\(student)"
        var st = stat()
        #expect(stat(home, &st) == 0)
        let args = ["--reuid=\(st.st_uid)", "--regid=\(st.st_gid)", "--groups=\(st.st_gid)", "--", "/usr/bin/touch", home + "/a-moi.txt"]
        #expect((try? ChildProcess.run("/usr/bin/setpriv", args)) != nil, "the student reaches their space through the root")
    }
}

/// `getfacl` of one path: numeric ids, no header, one entry a line.
func getfaclLines(_ path: String) throws -> Set<String> {
    let text = try ChildProcess.run("/usr/bin/getfacl", ["--numeric", "--omit-header", "--no-effective", "--absolute-names", path])
    return Set(text.split(separator: "\n").map(String.init).filter { !$0.isEmpty })
}

import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// The files `bascule generate` wrote under `exports` for the school year starting in `year`.
func generatedFiles(_ exports: String, year: Int) -> [String] {
    FileManager.default.enumerator(atPath: exports)!.compactMap { $0 as? String }
        .filter { $0.contains("/\(year)/") && ($0.hasSuffix(".xml") || $0.hasSuffix(".zip")) }.sorted().map { exports + "/" + $0 }
}

func jsonArray(_ text: String) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array: \(text.prefix(300))")
}

@Suite("bascule accounts rename, rights, password reset")
struct AccountsCommandsTests {
    @Test("A usage name taken between two years: the plan proposes a rename; --accept applies it, --decline stops it, a third answer is refused")
    func rename() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, data = ["--data", dir.file("data").path]
        let generated = await bascule(["generate", "--students", "120", "--years", "2", "--first-year", "2025", "--seed", "4",
                                       "--usage-name-changes", "2", "--out", exports])
        #expect(generated.exitCode == 0, "\(generated.errors)")
        #expect(await bascule(["import"] + data + ["--date", "2025-09-03"] + generatedFiles(exports, year: 2025)).exitCode == 0)
        #expect(await bascule(["apply"] + data + ["--date", "2025-09-03", "--yes", "--password-rounds", "10000"]).exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)

        let planned = await bascule(["plan"] + data + ["--date", "2026-09-03", "--json"])
        let plan = try #require(try jsonArray(planned.output).first)
        let uai = try #require(plan["uai"] as? String)
        let proposals = try #require(plan["actions"] as? [[String: Any]]).filter { $0["kind"] as? String == "propose-rename" }
        #expect(proposals.count == 2)
        let accepted = try #require(proposals.first), declined = try #require(proposals.last)
        let oldLogin = try #require(accepted["login"] as? String), newLogin = try #require(accepted["newLogin"] as? String)
        let newEnt = try #require(accepted["newEntLogin"] as? String)
        let kept = try #require(declined["login"] as? String)

        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        #expect(applied.output.contains("2 renommage(s) proposé(s) en attente"))
        let pending = await bascule(["apply"] + data + ["--date", "2026-09-04", "--yes"])
        #expect(pending.output.contains("rien à changer"), "\(pending.output)")

        // The direction or the RUPN answers (--by); a teacher is refused, and nothing changes.
        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        let accountList = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accountList.first { $0["sourceId"] as? String == id }?["login"] as? String)
        }
        let principal = try login(people.first { $0["function"] as? String == "DIR" })
        let teacher = try login(people.first { $0["kind"] as? String == "teacher" && $0["function"] as? String != "DIR" })
        let neither = await bascule(["accounts", "rename"] + data + ["--uai", uai, oldLogin, "--by", principal, "--date", "2026-09-05"])
        #expect(neither.exitCode != 0)
        let byTeacher = await bascule(["accounts", "rename"] + data + ["--uai", uai, oldLogin, "--accept", "--by", teacher, "--date", "2026-09-05"])
        #expect(byTeacher.exitCode == 4 && byTeacher.errors.contains("seuls la direction (fonction DIR dans STS-Web) et le RUPN"), "\(byTeacher.errors)")
        let byNobody = await bascule(["accounts", "rename"] + data + ["--uai", uai, oldLogin, "--accept", "--date", "2026-09-05"])
        #expect(byNobody.exitCode == 64, "--by is required")
        let yes = await bascule(["accounts", "rename"] + data + ["--uai", uai, oldLogin, "--accept", "--by", principal, "--date", "2026-09-05"])
        #expect(yes.exitCode == 0, "\(yes.errors)")
        #expect(yes.output.contains("Compte renommé dans \(uai) : \(oldLogin) → \(newLogin)"))
        #expect(yes.output.contains("→ \(newEnt)") && yes.output.contains("Groupes suivis") && yes.output.contains("brûlé le 2026-09-05"))
        let no = await bascule(["accounts", "rename"] + data + ["--uai", uai, kept, "--decline", "--by", principal, "--date", "2026-09-05"])
        #expect(no.exitCode == 0, "\(no.errors)")
        #expect(no.output.contains("\(kept) garde son identifiant"))

        // The directory agrees: the new login, the old one gone, nothing left to plan (memberships followed).
        let accounts = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        let logins = Set(accounts.compactMap { $0["login"] as? String })
        #expect(logins.contains(newLogin) && !logins.contains(oldLogin) && logins.contains(kept))
        let after = await bascule(["plan"] + data + ["--date", "2026-09-05"])
        #expect(after.output.contains("Rien à changer."), "\(after.output)")
        let audit = try jsonArray(await bascule(["audit"] + data + ["--event", "rename-account", "--json"]).output)
        #expect(audit.count == 1 && audit.first?["target"] as? String == newLogin && audit.first?["actor"] as? String == principal)
        #expect((audit.first?["french"] as? String)?.contains("\(oldLogin) → \(newLogin)") == true)

        // No proposal any more: refused, with the reason, non-zero.
        for login in [oldLogin, kept, newLogin] {
            let again = await bascule(["accounts", "rename"] + data + ["--uai", uai, login, "--accept", "--by", principal, "--date", "2026-09-05"])
            #expect(again.exitCode == 4)
            #expect(again.errors.contains("ne propose aucun renommage pour « \(login) »"))
        }
    }
}

/// Everything a test saw a command print, to be searched for secrets.
final class Transcript: @unchecked Sendable {
    private(set) var texts: [(String, String)] = []
    func run(_ arguments: [String]) async -> CommandResult {
        let r = await bascule(arguments)
        texts.append((arguments.prefix(3).joined(separator: " "), r.output + r.errors))
        return r
    }
}

@Suite("No clear password anywhere: what the commands print, the data folder, a PostgreSQL dump")
struct NoClearPasswordTests {
    /// Every file under `data` except the key that seals the sheets' copies, as bytes.
    func snapshot(_ data: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in FileManager.default.enumerator(atPath: data)!.compactMap({ $0 as? String }) where name != "secrets/fiches.key" {
            if let bytes = FileManager.default.contents(atPath: data + "/" + name) { out[name] = bytes }
        }
        return out
    }

    /// The temporary passwords of the sheets' CSV files just written (the sealed copies, unsealed).
    func passwords(in written: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for path in written.split(separator: "\n").map(String.init) where path.hasSuffix(".csv") {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(3), as: UTF8.self)
            for line in text.split(separator: "\r\n").dropFirst() {
                let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                out[fields[3]] = fields[5]
            }
        }
        return out
    }

    @Test("apply and password reset: their output, every file of the data folder (SQLite) and a pg_dump (PostgreSQL)",
          arguments: Backend.allCases)
    func nowhere(backend: Backend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let exports = dir.file("exports").path, dataDir = dir.file("data").path
        var data = ["--data", dataDir]
        var databaseURL: String?
        if backend == .postgres {
            databaseURL = try PostgresServer.freshDatabaseURL()
            // The password never on the command line: from a file only its owner reads.
            let url = try #require(URLComponents(string: databaseURL!))
            var bare = url
            bare.password = nil
            let secret = dir.file("pg.pass").path
            try (url.password ?? "").write(toFile: secret, atomically: true, encoding: .utf8)
            chmod(secret, 0o600)
            data += ["--database", try #require(bare.string), "--database-password-file", secret]
        }
        let t = Transcript()
        #expect(await t.run(["generate", "--students", "80", "--years", "1", "--first-year", "2026", "--seed", "8", "--out", exports]).exitCode == 0)
        #expect(await t.run(["import"] + data + ["--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        let applied = await t.run(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        var snapshots = [("after apply", snapshot(dataDir))]

        // Who is who: the head (DIR), a documentalist made RUPN, a teacher, a student.
        let people = try jsonArray(await t.run(["people"] + data + ["--json"]).output)
        let accounts = try jsonArray(await t.run(["accounts"] + data + ["--json"]).output)
        let uai = try #require(accounts.first?["uai"] as? String)
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accounts.first { $0["sourceId"] as? String == id }?["login"] as? String)
        }
        let principal = try login(people.first { $0["function"] as? String == "DIR" })
        let documentalist = try login(people.first { $0["function"] as? String == "DOC" })
        // A teacher resets the passwords of the students they teach: one of theirs.
        let pair = try await taughtPair(databaseURL.map { .postgres(url: $0) } ?? .embedded(dataDirectory: dataDir), uai: uai)
        let teacher = pair.teacher, student = pair.student
        let studentView = people.first { p in accounts.contains { $0["sourceId"] as? String == p["sourceId"] as? String && $0["login"] as? String == student } }
        let division = try #require(studentView?["division"] as? String)
        let divisions = Set(people.compactMap { $0["division"] as? String })

        // The passwords apply issued, from the sheets (unsealed), then the sheets are removed.
        var issued: [String: String] = [:]
        for selection in divisions.sorted().map({ ["--class", $0] }) + [["--staff"]] {
            let sheets = await bascule(["sheets"] + data + ["--school", uai] + selection)
            #expect(sheets.exitCode == 0, "\(sheets.errors)")
            issued.merge(try passwords(in: sheets.output)) { a, _ in a }
        }
        #expect(issued.count == accounts.count, "one temporary password per account")
        try FileManager.default.removeItem(atPath: dataDir + "/schools")

        // Rights, refusals, and two resets.
        let refused = await t.run(["rights", "grant"] + data + ["--uai", uai, "--by", teacher, "--date", "2026-10-05", "rupn", documentalist])
        #expect(refused.exitCode == 4 && refused.errors.contains("seule la direction délègue les droits"))
        let granted = await t.run(["rights", "grant"] + data + ["--uai", uai, "--by", principal, "--date", "2026-10-05", "rupn", documentalist])
        #expect(granted.exitCode == 0, "\(granted.errors)")
        #expect(try jsonArray(await t.run(["rights", "list"] + data + ["--uai", uai, "--json"]).output)
            .map { "\($0["right"]!) \($0["login"]!) \($0["grantedBy"]!)" } == ["rupn \(documentalist) \(principal)"])
        let notStaff = await t.run(["password", "reset"] + data + ["--uai", uai, "--by", teacher, "--date", "2026-10-05",
                                                                  "--password-rounds", "10000", principal])
        #expect(notStaff.exitCode == 4 && notStaff.errors.contains("ne peut réinitialiser que le mot de passe d'un·e élève"))
        // The student and the teacher are logged in to the service (sessions in the store).
        let location: StoreLocation = databaseURL.map { .postgres(url: $0) } ?? .embedded(dataDirectory: dataDir)
        let when = Date(timeIntervalSince1970: 1_790_000_000)
        do {
            let store = try await Store.open(location, creating: false)
            for who in [student, teacher] {
                try await store.createSession(SessionRow(kind: SessionRow.personKind, login: who, uai: UAI(uai), idHash: "session-\(who)",
                                                         csrf: "csrf", createdAt: when, expiresAt: when.addingTimeInterval(3600)))
            }
            await store.close()
        }
        let byTeacher = await t.run(["password", "reset"] + data + ["--uai", uai, "--by", teacher, "--date", "2026-10-05",
                                                                   "--password-rounds", "10000", student])
        #expect(byTeacher.exitCode == 0, "\(byTeacher.errors)")
        // A reset from the command line logs the student out of the service too; the teacher stays.
        do {
            let store = try await Store.open(location, creating: false)
            #expect(try await store.session(idHash: "session-\(student)", now: when) == nil, "the student's session ended")
            #expect(try await store.session(idHash: "session-\(teacher)", now: when) != nil, "the teacher's session stays")
            await store.close()
        }
        #expect(byTeacher.output.contains("bascule sheets") && byTeacher.output.contains("--class \(division.contains(" ") ? "\"\(division)\"" : division) --since 2026-10-05"))
        let byRUPN = await t.run(["password", "reset"] + data + ["--uai", uai, "--by", documentalist, "--date", "2026-10-05",
                                                                "--password-rounds", "10000", principal])
        #expect(byRUPN.exitCode == 0, "\(byRUPN.errors)")
        #expect(byRUPN.output.contains("--staff --since 2026-10-05"))
        #expect(await t.run(["rights", "revoke"] + data + ["--uai", uai, "--by", principal, "--date", "2026-10-05", "rupn", documentalist]).exitCode == 0)
        let revoked = await t.run(["password", "reset"] + data + ["--uai", uai, "--by", documentalist, "--date", "2026-10-05",
                                                                 "--password-rounds", "10000", teacher])
        #expect(revoked.exitCode == 4 && revoked.errors.contains("ne peut réinitialiser aucun mot de passe"))
        let unknown = await t.run(["password", "reset"] + data + ["--uai", uai, "--by", "personne", "--date", "2026-10-05", teacher])
        #expect(unknown.exitCode == 2 && unknown.errors.contains("Aucun compte « personne »"))
        snapshots.append(("after the resets", snapshot(dataDir)))
        var dump: Data?
        if let databaseURL {
            let file = dir.file("dump.sql").path
            try PostgresServer.dump(databaseURL, to: file)
            dump = try Data(contentsOf: URL(fileURLWithPath: file))
        }

        // The new passwords, from the sheets of the day: those two people only.
        var reset: [String: String] = [:]
        for selection in [["--class", division], ["--staff"]] {
            let sheets = await bascule(["sheets"] + data + ["--school", uai, "--since", "2026-10-05"] + selection)
            reset.merge(try passwords(in: sheets.output)) { a, _ in a }
        }
        #expect(Set(reset.keys) == [student, principal])
        #expect(reset[student] != issued[student] && reset[principal] != issued[principal])

        let secrets = Set(issued.values).union(reset.values)
        #expect(secrets.count == issued.count + 2 && secrets.allSatisfy { $0.count == 12 })
        for (command, text) in t.texts {
            for p in secrets { #expect(!text.contains(p), "« \(command) » printed a password") }
        }
        for (moment, files) in snapshots {
            for (name, bytes) in files {
                for p in secrets { #expect(bytes.range(of: Data(p.utf8)) == nil, "\(name) holds a clear password \(moment)") }
            }
        }
        if backend == .sqlite {
            // The scan reads the real thing: the database holds the logins and the hashes.
            let database = try #require(snapshots.last?.1["bascule.sqlite"])
            #expect(database.range(of: Data(student.utf8)) != nil && database.range(of: Data("$pbkdf2-sha256$10000$".utf8)) != nil)
        }
        if let dump {
            #expect(dump.range(of: Data("COPY public.credentials".utf8)) != nil)
            #expect(dump.range(of: Data("$pbkdf2-sha256$10000$".utf8)) != nil && dump.range(of: Data(student.utf8)) != nil)
            for p in secrets { #expect(dump.range(of: Data(p.utf8)) == nil, "the PostgreSQL dump holds a clear password") }
        }
    }
}

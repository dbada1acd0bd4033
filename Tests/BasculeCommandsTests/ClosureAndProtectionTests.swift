import BasculeTesting
import Foundation
import Testing

/// A generated collège imported and applied, with the logins of who is who.
private struct School {
    let data: [String]
    let uai: String
    let principal: String
    let teacher: String
    let accounts: [[String: Any]]

    static func make(_ dir: TemporaryDirectory, years: Int, importOn day: String, applyOn applyDay: String) async throws -> School {
        let exports = dir.file("exports").path, data = ["--data", dir.file("data").path]
        let first = Int(day.prefix(4))!
        #expect(await bascule(["generate", "--students", "80", "--years", "\(years)", "--first-year", "\(first)", "--seed", "8",
                               "--out", exports]).exitCode == 0)
        #expect(await bascule(["import"] + data + ["--date", day] + generatedFiles(exports, year: first)).exitCode == 0)
        let applied = await bascule(["apply"] + data + ["--date", applyDay, "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        let accounts = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accounts.first { $0["sourceId"] as? String == id }?["login"] as? String)
        }
        return School(data: data, uai: try #require(accounts.first?["uai"] as? String),
                      principal: try login(people.first { $0["function"] as? String == "DIR" }),
                      teacher: try login(people.first { $0["kind"] as? String == "teacher" }), accounts: accounts)
    }
}

@Suite("The ENT's rentrée closure lifted early, and accounts protected from deletion")
struct ClosureAndProtectionTests {
    @Test("The direction opens the ENT early to students only; the calendar and the plan show it; a teacher cannot; it can be taken back")
    func closureLift() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let s = try await School.make(dir, years: 1, importOn: "2026-08-24", applyOn: "2026-08-28")
        let data = s.data

        let before = await bascule(["plan"] + data + ["--date", "2026-08-26"])
        #expect(before.output.contains("🔒 ENT (ENEJ86) fermé aux élèves jusqu'au 2026-09-01 inclus"), "\(before.output)")
        #expect(before.output.contains("levable plus tôt par : principal, principal adjoint"))
        let hashBefore = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-08-26", "--json"]).output)
            .first?["hash"] as? String)

        let byTeacher = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.teacher, "--for", "eleves",
                                                                   "--date", "2026-08-27"])
        #expect(byTeacher.exitCode == 4 && byTeacher.errors.contains("seule la direction lève la fermeture"), "\(byTeacher.errors)")
        let lifted = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.principal, "--for", "eleves",
                                                                 "--date", "2026-08-27"])
        #expect(lifted.exitCode == 0, "\(lifted.errors)")
        #expect(lifted.output.contains("ouvert aux élèves à partir du 2026-08-27"))
        #expect(lifted.output.contains("Pilotage > Fermeture rentrée"))

        // Seen the day before it opens, and on the day.
        let dayBefore = await bascule(["calendar"] + data + ["--school", s.uai, "--date", "2026-08-26"])
        #expect(dayBefore.output.contains("Levées anticipées à venir") && dayBefore.output.contains("élèves à partir du 2026-08-27"),
                "\(dayBefore.output)")
        let onTheDay = try #require(try JSONSerialization.jsonObject(with: Data(await bascule(
            ["calendar"] + data + ["--school", s.uai, "--date", "2026-08-27", "--json"]).output.utf8)) as? [String: Any])
        let access = try #require(onTheDay["access"] as? [[String: Any]])
        #expect(access.map { "\($0["role"] as? String ?? "?") \($0["open"] as? Bool ?? false)" } == ["students true", "parents false"])
        #expect(access.first?["liftedBy"] as? String == s.principal)

        // The plan shows it without becoming stale: the lifting changes no account.
        let after = await bascule(["plan"] + data + ["--date", "2026-08-27"])
        #expect(after.output.contains("🔓 ENT (ENEJ86) ouvert aux élèves depuis le 2026-08-27"), "\(after.output)")
        #expect(after.output.contains("🔒 ENT (ENEJ86) fermé aux responsables"))
        let hashAgain = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-08-26", "--json"]).output)
            .first?["hash"] as? String)
        #expect(hashAgain == hashBefore)
        // Nobody's calendar says anything on another school's behalf, and a day after the end there is nothing to lift.
        let over = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.principal, "--date", "2026-09-02"])
        #expect(over.exitCode == 4 && over.errors.contains("finit le 2026-09-01"), "\(over.errors)")
        let wrongEntry = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.principal, "--entry", "nettoyage-classes-commun", "--date", "2026-08-27"])
        #expect(wrongEntry.exitCode == 4 && wrongEntry.errors.contains("n'est pas une fermeture d'accès"), "\(wrongEntry.errors)")

        let cancelled = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.principal, "--cancel", "--date", "2026-08-27"])
        #expect(cancelled.exitCode == 0 && cancelled.output.contains("de nouveau fermé aux élèves"), "\(cancelled.errors)")
        let closedAgain = await bascule(["calendar"] + data + ["--school", s.uai, "--date", "2026-08-28", "--json"])
        #expect(closedAgain.output.contains("\"open\" : false") && !closedAgain.output.contains("\"open\" : true"))
        let notLifted = await bascule(["calendar", "lift"] + data + ["--uai", s.uai, "--by", s.principal, "--cancel", "--date", "2026-08-27"])
        #expect(notLifted.exitCode == 4 && notLifted.errors.contains("n'a pas été levée"))

        let audit = await bascule(["audit"] + data + ["--json"])
        #expect(audit.output.contains("lift-closure") && audit.output.contains("cancel-lift-closure"))
    }

    @Test("A protected account is marked leaving but never disabled nor deleted, in the window or after; only the direction or the RUPN protects; --off gives it back to the plan")
    func protection() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let s = try await School.make(dir, years: 2, importOn: "2025-09-03", applyOn: "2025-09-03")
        let data = s.data
        let exports = dir.file("exports").path
        #expect(await bascule(["import"] + data + ["--date", "2026-09-03"] + generatedFiles(exports, year: 2026)).exitCode == 0)
        let plan = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-09-03", "--json"]).output).first)
        let leaving = try #require(plan["actions"] as? [[String: Any]]).filter { $0["kind"] as? String == "mark-leaving" }
            .compactMap { $0["login"] as? String }
        let kept = try #require(leaving.first { $0 != s.principal && $0 != s.teacher })

        let student = try #require(s.accounts.first { $0["kind"] as? String == "student" && $0["login"] as? String != kept }?["login"] as? String)
        let refused = await bascule(["accounts", "protect"] + data + ["--uai", s.uai, "--by", student, kept])
        #expect(refused.exitCode == 4 && refused.errors.contains("seuls la direction et le RUPN"), "\(refused.errors)")
        let protected = await bascule(["accounts", "protect"] + data + ["--uai", s.uai, "--by", s.principal, "--reason", "examen en cours", kept])
        #expect(protected.exitCode == 0 && protected.output.contains("est protégé"), "\(protected.errors)")
        let twice = await bascule(["accounts", "protect"] + data + ["--uai", s.uai, "--by", s.principal, kept])
        #expect(twice.exitCode == 4 && twice.errors.contains("déjà protégé"))

        let applied = await bascule(["apply"] + data + ["--date", "2026-09-03", "--yes", "--password-rounds", "10000"])
        #expect(applied.exitCode == 0, "\(applied.errors)")
        let listed = await bascule(["accounts"] + data)
        #expect(listed.output.split(separator: "\n").contains { $0.contains(" \(kept) ") && $0.contains("[protégé]") })

        // The September window, once the former users settled: the others go, the protected one stays, still leaving.
        let window = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-09-15", "--json"]).output).first)
        let deleted = try #require(window["actions"] as? [[String: Any]]).filter { $0["kind"] as? String == "delete-account" }
            .compactMap { $0["login"] as? String }
        #expect(!deleted.isEmpty && !deleted.contains(kept), "\(deleted)")
        let windowApplied = await bascule(["apply"] + data + ["--date", "2026-09-15", "--yes"])
        #expect(windowApplied.exitCode == 0, "\(windowApplied.errors)")
        let survivors = try jsonArray(await bascule(["accounts"] + data + ["--json"]).output)
        #expect(survivors.first { $0["login"] as? String == kept }.map { "\($0["status"]!) \($0["protected"]!)" } == "leaving 1",
                "\(survivors.first { $0["login"] as? String == kept } ?? [:])")
        #expect(survivors.filter { deleted.contains($0["login"] as? String ?? "") }.allSatisfy { $0["status"] as? String == "deleted" })
        // Even three months after: a protection is a person's decision, audited with its reason.
        let later = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2027-01-15", "--json"]).output).first)
        #expect(try #require(later["actions"] as? [[String: Any]]).allSatisfy { $0["login"] as? String != kept })

        let off = await bascule(["accounts", "protect"] + data + ["--uai", s.uai, "--by", s.principal, "--off", kept])
        #expect(off.exitCode == 0 && off.output.contains("Protection levée"), "\(off.errors)")
        let again = try #require(try jsonArray(await bascule(["plan"] + data + ["--date", "2026-09-15", "--json"]).output).first)
        #expect(try #require(again["actions"] as? [[String: Any]]).filter { $0["login"] as? String == kept }.compactMap { $0["kind"] as? String }
                == ["disable-account", "delete-account"])
        let audit = await bascule(["audit"] + data + ["--target", kept])
        #expect(audit.output.contains("compte protégé") && audit.output.contains("examen en cours") && audit.output.contains("protection levée"),
                "\(audit.output)")
    }
}

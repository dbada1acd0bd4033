import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Telling people: one digest a day per person, through the relay, in French")
struct DigestTests {
    @Test("Each open to-do reaches who can act (RUPN, direction, department, or the department for a role no one can be reached for), at most one message a day each, with the to-do's reason and nothing more")
    func digests() async throws {
        let department = try await GeneratedDepartment(schools: 1, students: 40)
        defer { department.remove() }
        let smtp = try SMTPServer()
        let uai = department.schools[0], data = ["--data", department.data]
        let ldapPassword = "secret-annuaire-de-test"
        // A directory that cannot be reached gives the department a to-do every day.
        try department.configure("""
            annuaire:
              url: ldap://127.0.0.1:1
              base: dc=bascule,dc=test
              compte: cn=admin,dc=bascule,dc=test
            courriel:
              relais: "\(smtp.address)"
              expediteur: bascule@departement.exemple.fr
              departement: [dsi@departement.exemple.fr]
            """)
        func run(_ date: String) async -> CommandResult {
            await bascule(["run"] + data + ["--date", date, "--password-rounds", "10000"], environment: ["BASCULE_LDAP_PASSWORD": ldapPassword])
        }
        try department.drop(uai, year: 2026)
        let first = await run("2026-09-01")
        #expect(first.exitCode == 0 && first.output.contains("courriel du 2026-09-01 : 1 message(s) envoyé(s)"), "\(first.output) \(first.errors)")
        var mails = try smtp.messages()
        #expect(mails.map(\.to) == [["dsi@departement.exemple.fr"]])
        #expect(mails.first?.body.contains("annuaire injoignable") == true && mails.first?.subject.contains("1 tâche(s) en attente au 2026-09-01") == true,
                "\(mails.first?.subject ?? "") \(mails.first?.body ?? "")")

        // The RUPN and the principal record their addresses; a teacher may not record another's.
        let who = try await SchoolPeople(data: department.data)
        #expect(await bascule(["rights", "grant"] + data + ["--uai", uai, "--by", who.principal, "rupn", who.documentalist, "--date", "2026-09-01"]).exitCode == 0)
        func contact(_ args: [String]) async -> CommandResult {
            await bascule(["contacts"] + args + data + ["--uai", uai, "--date", "2026-09-01"])
        }
        #expect(await contact(["set", who.documentalist, "doc@clg.exemple.fr", "--by", who.documentalist]).exitCode == 0)
        #expect(await contact(["set", who.principal, "direction@clg.exemple.fr", "--by", who.principal]).exitCode == 0)
        let byTeacher = await contact(["set", who.documentalist, "pirate@exemple.org", "--by", who.teacher])
        #expect(byTeacher.exitCode == 4, "\(byTeacher.errors)")
        let hostile = await contact(["set", who.documentalist, "doc@clg.exemple.fr>\r\nRCPT TO:<pirate@exemple.org", "--by", who.documentalist])
        #expect(hostile.exitCode == 2 && hostile.errors.contains("n'est pas une adresse de courriel utilisable"), "\(hostile.errors)")
        let listed = await bascule(["contacts", "list"] + data)
        #expect(listed.output.contains("doc@clg.exemple.fr  rupn") && listed.output.contains("direction@clg.exemple.fr  direction"), "\(listed.output)")
        #expect(!listed.output.contains("pirate"))

        // A truncated export: the plan is held, a to-do for the RUPN, who hears of it by e-mail
        // the same day; the department hears of its own; the direction, with nothing to do, nothing.
        try department.drop(uai, files: [try truncatedStudents(uai, year: 2026, in: department.dir.file("cut").path)])
        let held = await run("2026-09-02")
        #expect(held.output.contains("courriel du 2026-09-02 : 2 message(s) envoyé(s)"), "\(held.output) \(held.errors)")
        let todos = try await openToDos(department.data)
        let heldID = try #require(todos.first { $0["kind"] as? String == "plan-held" }?["id"] as? Int)
        let heldReason = try #require((todos.first { $0["kind"] as? String == "plan-held" }?["reason"] as? [String: Any])?["french"] as? String)
        mails = try smtp.messages()
        let toRUPN = try #require(mails.first { $0.to == ["doc@clg.exemple.fr"] })
        #expect(toRUPN.body.contains(heldReason) && toRUPN.body.contains("Tâche n° \(heldID)") && toRUPN.body.contains("bascule todos confirm \(heldID)"),
                "\(toRUPN.body)")
        #expect(toRUPN.subject == "Bascule : 1 tâche(s) en attente au 2026-09-02 (\(uai))")
        #expect(!toRUPN.body.contains("annuaire injoignable"), "the department's to-do is not the RUPN's")
        #expect(mails.filter { $0.to == ["dsi@departement.exemple.fr"] }.count == 2)
        #expect(!mails.contains { $0.to == ["direction@clg.exemple.fr"] })

        // The same day again: nothing run twice, nothing sent twice.
        let again = await run("2026-09-02")
        #expect(again.output.contains("déjà fait") && again.output.contains("2 déjà envoyé(s) aujourd'hui"), "\(again.output)")
        #expect(try smtp.messages().count == mails.count)

        // The RUPN's address removed: their to-do goes to the department, which is told why.
        #expect(await contact(["remove", who.documentalist, "--departement"]).exitCode == 0)
        _ = await run("2026-09-03")
        mails = try smtp.messages()
        let forwarded = try #require(mails.last { $0.to == ["dsi@departement.exemple.fr"] })
        #expect(forwarded.body.contains(heldReason) && forwarded.body.contains("Transmise au département : aucune adresse n'est enregistrée pour le rôle RUPN"),
                "\(forwarded.body)")
        #expect(mails.filter { $0.to == ["doc@clg.exemple.fr"] }.count == 1)

        // One a day per person, whatever ran.
        var perDay: [String: Int] = [:]
        for m in mails { perDay["\(m.to) \(m.subject.components(separatedBy: " au ").last ?? "")", default: 0] += 1 }
        #expect(perDay.values.allSatisfy { $0 == 1 }, "\(perDay)")
        #expect(mails.allSatisfy { !$0.tls }, "loopback relay, no STARTTLS configured")

        // Nothing a to-do does not say: no password (the directory's, a temporary one, a hash), no
        // birth date, no INE, no one's name.
        let store = try await Store.open(.embedded(dataDirectory: department.data), creating: false)
        let credentials = try await store.credentials(uai: UAI(uai)!)
        await store.close()
        let vault = try SheetVault(dataDirectory: department.data)
        var secrets = [ldapPassword]
        for c in credentials.values {
            secrets.append(c.passwordHash)
            if let sealed = c.sealedTemporary { secrets.append(try vault.open(sealed)) }
        }
        #expect(secrets.count > 40)
        let people = try jsonArray(await bascule(["people"] + data + ["--json"]).output)
        var personal: [String] = []
        for p in people {
            if let ine = p["ine"] as? String { personal.append(ine) }
            if let birth = p["birthDate"] as? String, let d = CivilDate(parsing: birth) {
                personal += [birth, String(format: "%02d/%02d/%04d", d.day, d.month, d.year)]
            }
            if let first = p["firstName"] as? String, let last = p["lastName"] as? String { personal.append("\(first) \(last)") }
        }
        #expect(personal.count > 80)
        for m in mails {
            for s in secrets + personal { #expect(!m.raw.contains(s) && !m.body.contains(s), "\(s) in a message to \(m.to)") }
        }
    }

    @Test("Without a relay configured, nothing is sent: the to-dos stay in bascule todos")
    func noRelay() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        try department.drop(department.schools[0], year: 2026)
        try department.configure("annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=bascule,dc=test\n  compte: cn=admin,dc=bascule,dc=test\n")
        let done = try await department.scheduler(clock: TestClock("2026-09-01T07:00:00+02:00"), variables: ["BASCULE_LDAP_PASSWORD": "x"])
            .runDay(CivilDate(parsing: "2026-09-01")!)
        #expect(done.digests == nil)
        #expect(try await openToDos(department.data).count == 1)
        let store = try await Store.open(.embedded(dataDirectory: department.data), creating: false)
        #expect(try await store.digests().isEmpty)
        await store.close()
    }

    @Test("A relay that cannot be reached: the digest is marked failed and sent by a later run the same day, once")
    func relayDown() async throws {
        let department = try await GeneratedDepartment(schools: 1)
        defer { department.remove() }
        let uai = department.schools[0]
        try department.drop(uai, year: 2026)
        // A port nobody listens on, then the real server there is no way to choose: two configurations.
        let ldap = "annuaire:\n  url: ldap://127.0.0.1:1\n  base: dc=bascule,dc=test\n  compte: cn=admin,dc=bascule,dc=test\n"
        let mail = { (relay: String) in "courriel:\n  relais: \"\(relay)\"\n  expediteur: bascule@exemple.fr\n  departement: [dsi@exemple.fr]\n" }
        try department.configure(ldap + mail("127.0.0.1:1"))
        let clock = TestClock("2026-09-01T07:00:00+02:00")
        let down = try await department.scheduler(clock: clock, variables: ["BASCULE_LDAP_PASSWORD": "x"]).runDue()
        #expect(down.digests?.failed["dsi@exemple.fr"]?.contains("injoignable") == true, "\(String(describing: down.digests))")
        let smtp = try SMTPServer()
        try department.configure(ldap + mail(smtp.address))
        clock.set("2026-09-01T07:30:00+02:00")
        let up = try await department.scheduler(clock: clock, variables: ["BASCULE_LDAP_PASSWORD": "x"]).runDue()
        #expect(up.digests?.sent == ["dsi@exemple.fr"])
        clock.set("2026-09-01T08:00:00+02:00")
        let later = try await department.scheduler(clock: clock, variables: ["BASCULE_LDAP_PASSWORD": "x"]).runDue()
        #expect(later.digests?.alreadySent == ["dsi@exemple.fr"] && later.digests?.sent.isEmpty == true)
        #expect(try smtp.messages().count == 1)
    }
}

import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Issue 12's "done when", without HTTP: the service's scheduler runs a generated department of
/// three collèges from June to October on a clock the test moves, with a real slapd, the real
/// file spaces (as root) and a real SMTP relay.
@Suite("The service through a school year: three collèges, June to October, the clock the test's")
struct SchoolYearServiceTests {
    @Test("Summer pause holds the plans; the rentrée applies by itself on 28 August; former users go in September, in one run; the check runs from 7 September; a day skipped is caught up once; a truncated export waits for a person's confirmation, told by e-mail")
    func schoolYear() async throws {
        let department = try await GeneratedDepartment(schools: 3, students: 30, years: 2, firstYear: 2025, seed: 31)
        defer { department.remove() }
        let slapd = try SlapdServer()
        let smtp = try SMTPServer()
        let asRoot = getuid() == 0
        let spaces = department.dir.file("espaces").path
        // Four days of catch-up at most: the test jumps weeks at a time, and each day caught up is a
        // whole day's work for three schools.
        try department.configure("""
            annuaire:
              url: \(slapd.url)
              base: \(slapd.base)
              compte: \(slapd.adminDN)
            \(asRoot ? "espaces:\n  racine: \(spaces)\n" : "")
            service:
              heure: "06:30"
              fuseau: Europe/Paris
              rattrapage: 4
            courriel:
              relais: "\(smtp.address)"
              expediteur: bascule@departement.exemple.fr
              departement: [dsi@departement.exemple.fr]
            """)
        let variables = ["BASCULE_LDAP_PASSWORD": slapd.adminPassword]
        let clock = TestClock("2026-06-15T07:00:00+02:00")
        let scheduler = try department.scheduler(clock: clock, variables: variables)
        let schools = department.schools
        let data = ["--data", department.data]
        let ldap = try slapd.adminConnection()
        func inDirectory(_ uai: String) throws -> Set<String> {
            Set(try ldap.search(base: "ou=\(uai),\(slapd.base)", filter: "(objectClass=posixAccount)", attributes: ["uid"]).compactMap { $0.first("uid") })
        }
        func accounts() async throws -> [[String: Any]] { try jsonArray(await bascule(["accounts"] + data + ["--json"]).output) }
        func tick(_ at: String) async throws -> DepartmentDay {
            clock.set(at)
            let done = try await scheduler.runDue()
            #expect(done.schools.allSatisfy { $0.failure == nil }, "\(at): \(done.schools.compactMap { $0.failure?.french })")
            return done
        }
        func steps(_ done: DepartmentDay, _ uai: String, _ day: String) -> [String] {
            done.schools.first { $0.uai.code == uai }?.reports.first { $0.day.description == day && !$0.skipped }?.steps ?? []
        }

        // June: the year's exports dropped and applied; every account in slapd (and its folder).
        for uai in schools { try department.drop(uai, year: 2025) }
        let june = try await tick("2026-06-15T07:00:00+02:00")
        #expect(june.schools.count == 3 && schools.allSatisfy { uai in steps(june, uai, "2026-06-15").contains { $0.contains("appliqué") } })
        let year1 = try await accounts()
        for uai in schools {
            let logins = Set(year1.filter { $0["uai"] as? String == uai }.compactMap { $0["login"] as? String })
            let seen = try inDirectory(uai)
            #expect(!logins.isEmpty && seen == logins)
            if asRoot { #expect(logins.allSatisfy { FileManager.default.fileExists(atPath: "\(spaces)/\(uai)/perso/\($0)") }) }
        }
        // The first school's RUPN, told by e-mail.
        let first = schools[0]
        let who = try await SchoolPeople(data: department.data, school: first)
        #expect(await bascule(["rights", "grant"] + data + ["--uai", first, "--by", who.principal, "rupn", who.documentalist, "--date", "2026-06-15"],
                              environment: variables).exitCode == 0)
        #expect(await bascule(["contacts", "set"] + data + ["--uai", first, who.documentalist, "rupn@clg.exemple.fr", "--by", who.documentalist,
                                                           "--date", "2026-06-15"]).exitCode == 0)

        // 24 August: the new exports arrive; the pedagogical server's imports stay paused until the 28th.
        for uai in schools { try department.drop(uai, year: 2026) }
        let arrived = try await tick("2026-08-24T07:00:00+02:00")
        for uai in schools {
            #expect(steps(arrived, uai, "2026-08-24").contains { $0.contains("importé(s)") })
            #expect(steps(arrived, uai, "2026-08-24").contains { $0.contains("gardé : imports vers Serveur pédagogique (KoXo) suspendus") },
                    "\(steps(arrived, uai, "2026-08-24"))")
        }
        let paused = try await tick("2026-08-25T07:00:00+02:00")
        #expect(schools.allSatisfy { uai in steps(paused, uai, "2026-08-25").contains { $0.contains("gardé") } })
        #expect(try await accounts().map { "\($0["login"]!) \($0["status"]!)" } == year1.map { "\($0["login"]!) \($0["status"]!)" },
                "the summer pause holds the plans")

        // 28 August, the service down on the 26th and 27th: caught up, the rentrée applied by itself, once, on the 28th.
        let rentree = try await tick("2026-08-28T07:00:00+02:00")
        for uai in schools {
            let days = rentree.schools.first { $0.uai.code == uai }?.reports.filter { !$0.skipped }.map(\.day.description)
            #expect(days == ["2026-08-26", "2026-08-27", "2026-08-28"])
            #expect(steps(rentree, uai, "2026-08-27").contains { $0.contains("gardé") })
            #expect(steps(rentree, uai, "2026-08-28").contains { $0.contains("appliqué") }, "\(steps(rentree, uai, "2026-08-28"))")
        }
        let afterRentree = try await accounts()
        let leaving = afterRentree.filter { $0["status"] as? String == "leaving" }
        let newcomers = afterRentree.filter { a in !year1.contains { $0["login"] as? String == a["login"] as? String } }
        #expect(!leaving.isEmpty && !newcomers.isEmpty)
        for uai in schools {
            let live = Set(afterRentree.filter { $0["uai"] as? String == uai && $0["status"] as? String != "deleted" }.compactMap { $0["login"] as? String })
            #expect(try inDirectory(uai) == live, "slapd follows the rentrée")
        }

        // September: the former users deleted in the window, by one run, and only one.
        let september = try await tick("2026-09-02T07:00:00+02:00")
        let deletingDays = schools.flatMap { uai in
            (september.schools.first { $0.uai.code == uai }?.reports ?? []).filter { r in
                r.steps.contains { $0.contains("appliqué") && !$0.contains(" 0 supprimé(s)") }
            }.map { "\(uai) \($0.day)" }
        }
        #expect(deletingDays.count == 3 && deletingDays.allSatisfy { $0.hasSuffix("2026-09-01") }, "\(deletingDays)")
        let afterDeletion = try await accounts()
        let deleted = afterDeletion.filter { $0["status"] as? String == "deleted" }
        #expect(!deleted.isEmpty && deleted.allSatisfy { d in leaving.contains { $0["login"] as? String == d["login"] as? String && $0["uai"] as? String == d["uai"] as? String } },
                "former users, marked leaving at the rentrée")
        for uai in schools {
            let gone = Set(deleted.filter { $0["uai"] as? String == uai }.compactMap { $0["login"] as? String })
            #expect(try inDirectory(uai).isDisjoint(with: gone), "deleted from slapd")
            if asRoot { #expect(gone.allSatisfy { !FileManager.default.fileExists(atPath: "\(spaces)/\(uai)/perso/\($0)") }, "folders archived then removed") }
        }

        // The scheduler not called on 3, 4 and 5 September: the 6th catches them up, each once.
        let skipped = try await tick("2026-09-06T07:00:00+02:00")
        for uai in schools {
            #expect(skipped.schools.first { $0.uai.code == uai }?.reports.filter { !$0.skipped }.map(\.day.description)
                    == ["2026-09-03", "2026-09-04", "2026-09-05", "2026-09-06"])
        }
        let again = try await tick("2026-09-06T09:00:00+02:00")
        #expect(again.schools.allSatisfy { $0.reports.allSatisfy(\.skipped) })

        // 7 September: the rentrée check, and not before.
        let check = try await tick("2026-09-07T07:00:00+02:00")
        for uai in schools {
            #expect(steps(check, uai, "2026-09-07").contains("vérification de rentrée : 0 écart(s)"), "\(steps(check, uai, "2026-09-07"))")
            #expect(!steps(skipped, uai, "2026-09-06").contains { $0.hasPrefix("vérification") })
        }

        // 15 September: the first school's students export arrives cut short; its plan is held, and
        // the RUPN is told that day.
        try department.drop(first, files: [try truncatedStudents(first, year: 2026, in: department.dir.file("cut").path)])
        let beforeCut = try inDirectory(first)
        let held = try await tick("2026-09-15T07:00:00+02:00")
        #expect(steps(held, first, "2026-09-15").contains { $0.contains("retenu : hors de l'ordinaire") }, "\(steps(held, first, "2026-09-15"))")
        let todo = try #require(try await openToDos(department.data).first { $0["kind"] as? String == "plan-held" })
        let id = try #require(todo["id"] as? Int)
        let told = try smtp.messages().filter { $0.to == ["rupn@clg.exemple.fr"] && $0.subject.contains("au 2026-09-15") }
        #expect(told.count == 1 && told.first?.body.contains("bascule todos confirm \(id)") == true)
        let stillHeld = try await tick("2026-09-16T07:00:00+02:00")
        #expect(steps(stillHeld, first, "2026-09-16").contains { $0.contains("retenu") }, "held every day until a person decides")
        #expect(try inDirectory(first) == beforeCut)

        // The RUPN confirms with a reason; the next day's run applies that plan.
        let confirmed = await bascule(["todos", "confirm"] + data + ["\(id)", "--by", who.documentalist, "--reason", "Départ massif voulu (test)",
                                                                     "--date", "2026-09-16"])
        #expect(confirmed.exitCode == 0, "\(confirmed.errors)")
        let applied = try await tick("2026-09-17T07:00:00+02:00")
        #expect(steps(applied, first, "2026-09-17").contains { $0.contains("appliqué sur confirmation de \(who.documentalist)") },
                "\(steps(applied, first, "2026-09-17"))")
        #expect(try await openToDos(department.data).allSatisfy { $0["kind"] as? String != "plan-held" })

        // October: nothing left to catch up but the days; no school failed all year.
        let october = try await tick("2026-10-01T07:00:00+02:00")
        #expect(october.schools.count == 3)

        // One digest a day at most per person, all year.
        var perDay: [String: Int] = [:]
        for m in try smtp.messages() { perDay["\(m.to) \(m.subject.components(separatedBy: " au ").last ?? "")", default: 0] += 1 }
        #expect(!perDay.isEmpty && perDay.values.allSatisfy { $0 == 1 }, "\(perDay)")
    }
}

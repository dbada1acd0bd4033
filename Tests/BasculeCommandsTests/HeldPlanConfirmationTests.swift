import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Who is who in a generated school, by login: the principal (DIR), a documentalist, a teacher.
struct SchoolPeople {
    var principal: String
    var documentalist: String
    var teacher: String

    init(data: String, school: String? = nil) async throws {
        let people = try jsonArray(await bascule(["people", "--data", data, "--json"] + (school.map { ["--school", $0] } ?? [])).output)
        let accounts = try jsonArray(await bascule(["accounts", "--data", data, "--json"]).output)
            .filter { school == nil || $0["uai"] as? String == school }
        func login(_ p: [String: Any]?) throws -> String {
            let id = try #require(p?["sourceId"] as? String)
            return try #require(accounts.first { $0["sourceId"] as? String == id }?["login"] as? String)
        }
        principal = try login(people.first { $0["function"] as? String == "DIR" })
        documentalist = try login(people.first { $0["function"] as? String == "DOC" })
        teacher = try login(people.first { $0["kind"] as? String == "teacher" && $0["function"] as? String == "ENS" })
    }
}

@Suite("A held plan waits for a person: bascule todos confirm, for that plan only")
struct HeldPlanConfirmationTests {
    @Test("Confirmed by the RUPN or the department with a reason, through AccessRules, audited; the next run applies exactly that plan with the reason; a plan changed since is held again and the to-do stays")
    func confirm() async throws {
        let department = try await GeneratedDepartment(schools: 1, students: 40)
        defer { department.remove() }
        let uai = department.schools[0], data = ["--data", department.data]
        try department.drop(uai, year: 2026)
        let clock = TestClock("2026-09-14T07:00:00+02:00")
        let first = try await department.scheduler(clock: clock).runDay(CivilDate(parsing: "2026-09-14")!)
        #expect(first.schools.first?.reports.first?.steps.contains { $0.contains("appliqué") } == true)
        let who = try await SchoolPeople(data: department.data)
        #expect(await bascule(["rights", "grant"] + data + ["--uai", uai, "--by", who.principal, "rupn", who.documentalist,
                                                            "--date", "2026-09-14"]).exitCode == 0)
        func active() async throws -> Int {
            try jsonArray(await bascule(["accounts"] + data + ["--json"]).output).filter { $0["status"] as? String == "active" }.count
        }
        let before = try await active()

        // A students export cut short: held, a to-do for the RUPN carrying the plan's hash.
        try department.drop(uai, files: [try truncatedStudents(uai, year: 2026, id: "999001", in: department.dir.file("cut1").path)])
        let held = try await department.scheduler(clock: clock).runDay(CivilDate(parsing: "2026-09-15")!)
        #expect(held.schools[0].reports[0].steps.contains { $0.contains("retenu : hors de l'ordinaire") }, "\(held.schools[0].reports[0].steps)")
        var todos = try await openToDos(department.data)
        #expect(todos.count == 1 && todos[0]["kind"] as? String == "plan-held" && todos[0]["role"] as? String == "rupn")
        let id = try #require(todos.first?["id"] as? Int)
        let firstHash = try #require(todos.first?["planHash"] as? String)
        #expect(await bascule(["todos"] + data).output.contains("[plan \(firstHash.prefix(12))]"))

        // Who may not, and what is not a confirmation.
        func confirm(_ args: [String], on date: String = "2026-09-15") async -> CommandResult {
            await bascule(["todos", "confirm"] + data + ["--date", date] + args)
        }
        let teacher = await confirm(["\(id)", "--by", who.teacher, "--reason", "je confirme"])
        #expect(teacher.exitCode == 4 && teacher.errors.contains("seuls le RUPN de l'établissement"), "\(teacher.errors)")
        let principal = await confirm(["\(id)", "--by", who.principal, "--reason", "je confirme"])
        #expect(principal.exitCode == 4, "the direction holds no right by office: \(principal.errors)")
        #expect(await confirm(["999", "--by", who.documentalist, "--reason", "x"]).exitCode == 2)
        #expect(await confirm(["\(id)", "--by", who.documentalist, "--reason", "  "]).exitCode == 64)
        #expect(await confirm(["\(id)", "--by", who.documentalist, "--reason", "ligne\nforgée"]).exitCode == 64)
        #expect(await confirm(["\(id)", "--reason", "personne"]).exitCode == 64)
        #expect(await confirm(["\(id)", "--by", who.documentalist, "--departement", "--reason", "les deux"]).exitCode == 64)
        #expect(await bascule(["audit"] + data + ["--event", "confirm-plan", "--json"]).output.contains("confirm-plan") == false)

        // The RUPN confirms; then another truncated export arrives before the next run: that plan
        // is not the one confirmed, so it is held, and the to-do stays (same number, new hash).
        let rupn = await confirm(["\(id)", "--by", who.documentalist, "--reason", "Export partiel : le secrétariat le refait"])
        #expect(rupn.exitCode == 0, "\(rupn.errors)")
        #expect(await confirm(["\(id)", "--by", who.documentalist, "--reason", "encore"]).exitCode == 4, "already confirmed")
        try department.drop(uai, files: [try truncatedStudents(uai, year: 2026, id: "999002", name: "AUTRE", in: department.dir.file("cut2").path)])
        let changed = try await department.scheduler(clock: clock).runDay(CivilDate(parsing: "2026-09-16")!)
        let steps = changed.schools[0].reports[0].steps
        #expect(steps.contains { $0.contains("le plan a changé depuis") } && steps.contains { $0.contains("retenu") }, "\(steps)")
        #expect(try await active() == before, "nothing applied")
        todos = try await openToDos(department.data)
        #expect(todos.count == 1 && todos[0]["id"] as? Int == id, "the same to-do: \(todos)")
        let secondHash = try #require(todos.first?["planHash"] as? String)
        #expect(secondHash != firstHash)

        // The department confirms the plan as it is now; the next run applies it, with the reason.
        let byDepartment = await confirm(["\(id)", "--departement", "--reason", "Changement voulu, vérifié avec le collège"], on: "2026-09-16")
        #expect(byDepartment.exitCode == 0, "\(byDepartment.errors)")
        let applied = try await department.scheduler(clock: clock).runDay(CivilDate(parsing: "2026-09-17")!)
        #expect(applied.schools[0].reports[0].steps.contains { $0.contains("appliqué sur confirmation de département") }, "\(applied.schools[0].reports[0].steps)")
        #expect(try await active() < before)
        #expect(try await openToDos(department.data).isEmpty, "the to-do closes once the plan is applied")
        let audit = try jsonArray(await bascule(["audit"] + data + ["--json"]).output)
        let confirmations = audit.filter { $0["event"] as? String == "confirm-plan" }
        #expect(confirmations.count == 2 && confirmations.contains { ($0["french"] as? String)?.contains("Export partiel : le secrétariat le refait") == true })
        #expect(confirmations.contains { ($0["actor"] as? String)?.hasPrefix("département") == true && ($0["planHash"] as? String) == secondHash })
        let apply = try #require(audit.last { $0["event"] as? String == "apply" })
        #expect((apply["french"] as? String)?.contains("raison donnée : Changement voulu, vérifié avec le collège") == true, "\(apply)")
        #expect((apply["actor"] as? String)?.contains("confirmé par département") == true, "\(apply)")
        #expect(await confirm(["\(id)", "--departement", "--reason", "trop tard"], on: "2026-09-17").exitCode == 4, "closed")
    }
}

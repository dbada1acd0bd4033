import BasculeApp
import BasculeDomain
import BasculeImport
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Plan and apply a generated collège's rollover on the embedded directory")
struct RolloverTests {
    func files(_ uai: UAI, _ year: Int) -> [URL] {
        IdentityAcrossYearsTests.academy.files.filter { $0.uai == uai && $0.year.startYear == year }.map(\.url)
    }

    @Test("Year one creates everyone; a normal rentrée needs no override; applied plans converge", arguments: Backend.allCases)
    func twoRentrees(backend: Backend) async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        let day1 = CivilDate(year: 2025, month: 9, day: 3)!, day2 = CivilDate(year: 2026, month: 9, day: 3)!
        try await withStore(backend) { store, _ in
            let planning = PlanningService(store: store)
            _ = try await ImportService(store: store, today: day1).importFiles(files(uai, 2025))
            let first = try await planning.apply(uai: uai, date: day1, expectedHash: nil, allowMassChange: false)
            let people = try await PeopleQuery(store: store).people(uai: uai)
            let present = people.filter { $0.kind != .parent && $0.status == .active }.count
            #expect(first.plan.summary.accountsCreated == present)
            let directory = try await store.directoryState(uai: uai)
            #expect(Set(directory.accounts.map(\.login)).count == present, "logins are unique")
            #expect(try await planning.plan(uai: uai, date: day1).plan.actions.isEmpty, "nothing left to do once applied")

            _ = try await ImportService(store: store, today: day2).importFiles(files(uai, 2026))
            let second = try await planning.plan(uai: uai, date: day2)
            #expect(!second.plan.safety.needsConfirmation, "the 3e leaving is the normal rentrée: \(second.plan.safety.reasons)")
            #expect(second.plan.summary.accountsLeaving > 0)
            #expect(second.plan.summary.accountsCreated > 0)
            // Everyone who stayed keeps their login.
            let before = Dictionary(directory.accounts.map { ($0.personID, $0.login) }, uniquingKeysWith: { a, _ in a })
            #expect(second.plan.actions.filter { $0.kind == .createAccount }.allSatisfy { before[$0.personID!] == nil })
            let applied = try await planning.apply(uai: uai, date: day2, expectedHash: String(second.hash.prefix(12)),
                                                   allowMassChange: false)
            #expect(applied.hash == second.hash)
            let after = try await store.directoryState(uai: uai)
            for a in after.accounts where before[a.personID] != nil { #expect(a.login == before[a.personID]) }
            #expect(try await planning.plan(uai: uai, date: day2).plan.actions.isEmpty)
        }
    }

    @Test("A stale plan and a truncated export are refused; the override is explicit", arguments: Backend.allCases)
    func refusals(backend: Backend) async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        let day = CivilDate(year: 2025, month: 9, day: 3)!
        try await withStore(backend) { store, dir in
            let planning = PlanningService(store: store)
            _ = try await ImportService(store: store, today: day).importFiles(files(uai, 2025))
            let shown = try await planning.plan(uai: uai, date: day)
            _ = try await planning.apply(uai: uai, date: day, expectedHash: nil, allowMassChange: false)
            await #expect(throws: ApplyRefusal.self) {
                try await planning.apply(uai: uai, date: day, expectedHash: shown.hash, allowMassChange: false)
            }

            // The same school's export cut to a tenth of its students, a day later.
            let full = files(uai, 2025).first { $0.lastPathComponent.hasSuffix(".zip") }!
            guard case .students(let s) = try ExportReader().read(full) else {
                Issue.record("\(full.lastPathComponent) is not read as a students export")
                return
            }
            let kept = s.students.prefix(s.students.count / 10)
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BEE_ELEVES><PARAMETRES><UAJ>\(uai)</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE><DATE_EXPORT>20/09/2025</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>\n"
            for st in kept {
                xml += "<ELEVE ELEVE_ID=\"\(st.sourceID)\">\(st.ine.map { "<ID_NATIONAL>\($0)</ID_NATIONAL>" } ?? "")<NOM_DE_FAMILLE>\(st.name.familyName)</NOM_DE_FAMILLE><PRENOM>\(st.name.firstName)</PRENOM><DATE_NAISS>\(st.birthDate.french)</DATE_NAISS></ELEVE>\n"
            }
            xml += "</ELEVES></DONNEES></BEE_ELEVES>\n"
            let cut = try dir.write("ElevesSansAdresses.xml", text: xml)
            let summary = try await ImportService(store: store, today: day).importFiles([cut])
            #expect(summary.notices.contains { $0.code == .exportShrank })
            let later = CivilDate(year: 2025, month: 9, day: 21)!
            let risky = try await planning.plan(uai: uai, date: later)
            #expect(risky.plan.safety.needsConfirmation)
            let before = try await store.directoryState(uai: uai)
            await #expect(throws: ApplyRefusal.self) {
                try await planning.apply(uai: uai, date: later, expectedHash: nil, allowMassChange: false)
            }
            let unchanged = try await store.directoryState(uai: uai)
            #expect(unchanged.accounts == before.accounts, "a refused plan changes nothing")
            _ = try await planning.apply(uai: uai, date: later, expectedHash: nil, allowMassChange: true)
            let leaving = try await store.directoryState(uai: uai).accounts.filter { $0.status == .leaving }
            #expect(leaving.count > 100, "applied once a person confirmed it")
        }
    }
}

@Suite("Audit log and approved departures")
struct AuditAndDeparturesTests {
    @Test("Every applied action is in the audit with its reason; where the calendar asks, former staff are deleted only once approved", arguments: Backend.allCases)
    func auditAndApproval(backend: Backend) async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        let files = { (year: Int) in IdentityAcrossYearsTests.academy.files.filter { $0.uai == uai && $0.year.startYear == year }.map(\.url) }
        let day1 = CivilDate(year: 2025, month: 9, day: 3)!, day2 = CivilDate(year: 2026, month: 9, day: 1)!
        try await withStore(backend) { store, _ in
            let planning = PlanningService(store: store)
            _ = try await ImportService(store: store, today: day1).importFiles(files(2025))
            let first = try await planning.apply(uai: uai, date: day1, expectedHash: nil, allowMassChange: false, actor: "rupn")
            let audit = try await store.auditEntries(AuditFilter(uai: uai))
            #expect(audit.count == first.plan.actions.count + 1)
            #expect(audit.first?.event == "apply" && audit.first?.actor == "rupn" && audit.first?.planHash == first.hash)
            let login = try #require(first.plan.actions.first { $0.kind == .createAccount }?.login)
            let mine = try await store.auditEntries(AuditFilter(target: login))
            #expect(mine.contains { $0.event == "create-account" && $0.french.contains("nouvel") })

            // Year two: some teachers are gone. Where the calendar asks the school to approve the
            // list (the 2024 memo's process), the window deletes a former teacher once approved.
            let asks: @Sendable (UAI, CivilDate) throws -> CalendarGate = { _, d in
                var gate = PlanningService.defaultGate(on: d)
                gate.approvalRequired = [.teacher, .staff]
                return gate
            }
            let strict = PlanningService(store: store, gate: asks)
            _ = try await ImportService(store: store, today: day2).importFiles(files(2026))
            _ = try await strict.apply(uai: uai, date: day2, expectedHash: nil, allowMassChange: false)
            let leavingStaff = try await store.directoryState(uai: uai).accounts.filter { $0.kind == .teacher && $0.status == .leaving }
            #expect(!leavingStaff.isEmpty)
            let september = CivilDate(year: 2026, month: 9, day: 10)!
            let before = try await strict.plan(uai: uai, date: september)
            #expect(!before.plan.actions.contains { $0.kind == .deleteAccount && $0.personKind == .teacher })
            #expect(before.plan.deletions.filter { $0.personKind == .teacher }.allSatisfy { $0.awaitsApproval })
            try await store.approveDepartures([leavingStaff[0].personID: leavingStaff[0].login], uai: uai, on: september, by: "principal")
            let after = try await strict.plan(uai: uai, date: september)
            let deleted = after.plan.actions.filter { $0.kind == .deleteAccount && $0.personKind == .teacher }
            #expect(deleted.map(\.personID) == [leavingStaff[0].personID])
            #expect(try await store.auditEntries(AuditFilter(event: "approve-departure")).first?.actor == "principal")
        }
    }
}

import BasculeDomain
import Testing

@Suite("A departed person's account: leaving, disabled after the grace, deleted in the September window or three months after leaving")
struct LifecycleTests {
    let uai = UAI("0860001X")!
    let september = DayWindow(from: CivilDate(year: 2026, month: 9, day: 1)!, until: CivilDate(year: 2026, month: 9, day: 30)!)
    let y2025 = SchoolYear(startYear: 2025), y2026 = SchoolYear(startYear: 2026)

    func d(_ text: String) -> CivilDate { CivilDate(parsing: text)! }

    func person(_ id: String, _ kind: PersonKind = .student, division: String? = "5A", leaving: CivilDate? = nil) -> RosterPerson {
        RosterPerson(personID: id, kind: kind, sourceID: "S\(id)", name: PersonName(familyName: "NOM\(id.uppercased())", firstName: "Prénom"),
                     birthDate: d("2013-02-01"), division: kind == .student ? division : nil, hasLeft: leaving != nil, leavingDate: leaving)
    }

    func account(_ id: String, _ kind: PersonKind = .student, status: AccountStatus = .active, since: String = "2025-09-03",
                 protected: Bool = false) -> Account {
        Account(personID: id, kind: kind, login: "pnom\(id)", entLogin: "p.nom\(id)",
                name: PersonName(familyName: "NOM\(id.uppercased())", firstName: "Prénom"), status: status,
                statusSince: d(since), protected: protected)
    }

    /// A school whose newest exports are of `year`; `gone` were last seen in `lastSeen` and first
    /// missed on `missed`.
    func roster(present: [RosterPerson], year: SchoolYear, gone: [String], lastSeen: SchoolYear, missed: CivilDate) -> SchoolRoster {
        SchoolRoster(uai: uai, students: present.filter { $0.kind == .student }, staff: present.filter { $0.kind != .student },
                     structures: [], services: [], studentsYear: year, staffYear: year,
                     departures: Dictionary(uniqueKeysWithValues: gone.map { ($0, DepartureFacts(lastSeenYear: lastSeen, firstMissedOn: missed)) }))
    }

    func gate(_ day: CivilDate, approval: Set<PersonKind> = []) -> CalendarGate {
        CalendarGate(deletionOpen: september.contains(day) ? [.student, .teacher, .staff] : [],
                     deletionWindows: [.student: september, .teacher: september, .staff: september], approvalRequired: approval)
    }

    func steps(_ plan: Plan, _ login: String) -> [PlanAction.Kind] {
        plan.actions.filter { $0.login == login && [.markLeaving, .disableAccount, .deleteAccount].contains($0.kind) }.map(\.kind)
    }

    @Test("Former students and staff: one plan on any day of the window, once settled, marks, disables and deletes them; this year's people stay",
          arguments: ["2026-09-01", "2026-09-08", "2026-09-17", "2026-09-30"])
    func formerDeletedInTheWindow(day: String) throws {
        let directory = DirectoryState(accounts: [account("a"), account("b"), account("t", .teacher), account("s", .staff)])
        let r = roster(present: [person("a")], year: y2026, gone: ["b", "t", "s"], lastSeen: y2025, missed: d("2026-08-24"))
        let plan = Planner().plan(.init(roster: r, directory: directory, date: d(day), gate: gate(d(day))))
        for login in ["pnomb", "pnomt", "pnoms"] {
            #expect(steps(plan, login) == [.markLeaving, .disableAccount, .deleteAccount], "\(login) on \(day)")
        }
        #expect(steps(plan, "pnoma").isEmpty)
        let reason = try #require(plan.actions.first { $0.login == "pnomb" && $0.kind == .deleteAccount }?.reason.french)
        #expect(reason.contains("ancien·ne élève (dernier export 2025-2026)") && reason.contains("du 2026-09-01 au 2026-09-30"), "\(reason)")
        #expect(plan.deletions.isEmpty)
        // Applied, nothing is left to do.
        let after = directory.applying(plan.actions, on: d(day))
        #expect(after.accounts.filter { $0.status == .deleted }.map(\.personID).sorted() == ["b", "s", "t"])
        #expect(Planner().plan(.init(roster: r, directory: after, date: d(day), gate: gate(d(day)))).actions.isEmpty)
    }

    @Test("Before the settling period is over, only leaving: a late enrolment that reappears keeps its account; the forecast names the day")
    func settling() throws {
        let directory = DirectoryState(accounts: [account("b")])
        let missedLate = roster(present: [], year: y2026, gone: ["b"], lastSeen: y2025, missed: d("2026-09-05"))
        let early = Planner().plan(.init(roster: missedLate, directory: directory, date: d("2026-09-10"), gate: gate(d("2026-09-10"))))
        #expect(steps(early, "pnomb") == [.markLeaving])
        let forecast = try #require(early.deletions.first)
        #expect(forecast.login == "pnomb" && forecast.deleteOn == d("2026-09-12") && forecast.rule == "window")
        let leaving = directory.applying(early.actions, on: d("2026-09-10"))
        // Back in the next export: reactivated, same login.
        let back = roster(present: [person("b")], year: y2026, gone: [], lastSeen: y2025, missed: d("2026-09-05"))
        let plan = Planner().plan(.init(roster: back, directory: leaving, date: d("2026-09-11"), gate: gate(d("2026-09-11"))))
        #expect(plan.actions.filter { $0.personID == "b" }.map(\.kind) == [.reactivateAccount])
        // Not back: deleted on the first settled day of the window.
        let due = Planner().plan(.init(roster: missedLate, directory: leaving, date: d("2026-09-12"), gate: gate(d("2026-09-12"))))
        #expect(steps(due, "pnomb") == [.disableAccount, .deleteAccount])
    }

    @Test("A plan that catches up after the window still deletes a former user whose window day went by")
    func catchUp() {
        let directory = DirectoryState(accounts: [account("b", status: .leaving, since: "2026-08-28")])
        let r = roster(present: [], year: y2026, gone: ["b"], lastSeen: y2025, missed: d("2026-08-24"))
        let plan = Planner().plan(.init(roster: r, directory: directory, date: d("2026-10-05"), gate: gate(d("2026-10-05"))))
        #expect(steps(plan, "pnomb") == [.disableAccount, .deleteAccount])
    }

    @Test("Someone who leaves during the year: leaving, disabled once the grace is over, deleted 90 days after leaving, not at the next September")
    func midYearLeaver() throws {
        let directory = DirectoryState(accounts: [account("m", since: "2026-09-03")])
        let left = d("2027-01-10")
        // Still in the export, with a leaving date (SIECLE's DATE_SORTIE); same school year.
        let r = SchoolRoster(uai: uai, students: [person("m", leaving: left)], staff: [], structures: [], services: [],
                             studentsYear: y2026, departures: ["m": DepartureFacts(lastSeenYear: y2026, firstMissedOn: d("2027-01-15"))])
        func plan(_ day: String, _ state: DirectoryState) -> Plan {
            Planner().plan(.init(roster: r, directory: state, date: d(day), gate: gate(d(day))))
        }
        let marked = plan("2027-01-15", directory)
        #expect(steps(marked, "pnomm") == [.markLeaving])
        #expect(marked.deletions.first.map { "\($0.deleteOn) \($0.rule)" } == "2027-04-10 legal-limit")
        let leaving = directory.applying(marked.actions, on: d("2027-01-15"))
        #expect(steps(plan("2027-02-08", leaving), "pnomm").isEmpty)
        let disabled = plan("2027-02-09", leaving)
        #expect(steps(disabled, "pnomm") == [.disableAccount])
        #expect(disabled.actions.first?.reason.french.contains("délai de grâce de 30 jours écoulé le 2027-02-09") == true)
        let off = leaving.applying(disabled.actions, on: d("2027-02-09"))
        #expect(steps(plan("2027-04-09", off), "pnomm").isEmpty)
        let deleted = plan("2027-04-10", off)
        #expect(steps(deleted, "pnomm") == [.deleteAccount])
        let why = try #require(deleted.actions.first?.reason.french)
        #expect(why.contains("parti·e le 2027-01-10 : 90 jours écoulés le 2027-04-10") && why.contains("arrêté ENT, art. 6"), "\(why)")
    }

    @Test("Where the calendar asks the school to approve, a former teacher waits for it in the window, is listed as waiting, and goes at the legal limit all the same")
    func approval() throws {
        let directory = DirectoryState(accounts: [account("t", .teacher)])
        let r = roster(present: [], year: y2026, gone: ["t"], lastSeen: y2025, missed: d("2026-08-24"))
        let waiting = Planner().plan(.init(roster: r, directory: directory, date: d("2026-09-10"), gate: gate(d("2026-09-10"), approval: [.teacher])))
        #expect(steps(waiting, "pnomt") == [.markLeaving])
        let forecast = try #require(waiting.deletions.first)
        #expect(forecast.awaitsApproval && forecast.rule == "legal-limit" && forecast.deleteOn == d("2026-11-22"))
        let approved = Planner().plan(.init(roster: r, directory: directory, date: d("2026-09-10"),
                                            gate: gate(d("2026-09-10"), approval: [.teacher]), approvedDepartures: ["t"]))
        #expect(steps(approved, "pnomt") == [.markLeaving, .disableAccount, .deleteAccount])
        let byLaw = Planner().plan(.init(roster: r, directory: directory, date: d("2026-11-22"), gate: gate(d("2026-11-22"), approval: [.teacher])))
        #expect(steps(byLaw, "pnomt") == [.markLeaving, .disableAccount, .deleteAccount])
    }

    @Test("A protected account is marked leaving and never disabled nor deleted, even past three months")
    func protected() {
        let directory = DirectoryState(accounts: [account("p", protected: true)])
        let r = roster(present: [], year: y2026, gone: ["p"], lastSeen: y2025, missed: d("2026-08-24"))
        let plan = Planner().plan(.init(roster: r, directory: directory, date: d("2027-03-01"), gate: gate(d("2027-03-01"))))
        #expect(steps(plan, "pnomp") == [.markLeaving])
        #expect(plan.deletions.isEmpty)
    }

    @Test("The legal limit is 90 days at most, whatever the configuration asks; grace and settling are per role")
    func policyLimits() {
        #expect(PlanningPolicy(maximumRetentionDays: 365).maximumRetentionDays == 90)
        #expect(PlanningPolicy(maximumRetentionDays: 60).maximumRetentionDays == 60)
        let shorter = PlanningPolicy(graceDays: [.student: 10, .teacher: 60, .staff: 60], maximumRetentionDays: 45)
        let directory = DirectoryState(accounts: [account("m", status: .leaving, since: "2027-01-15")])
        let r = SchoolRoster(uai: uai, students: [], staff: [], structures: [], services: [], studentsYear: y2026,
                             departures: ["m": DepartureFacts(lastSeenYear: y2026, firstMissedOn: d("2027-01-15"))])
        let disabled = Planner(policy: shorter).plan(.init(roster: r, directory: directory, date: d("2027-01-25"), gate: gate(d("2027-01-25"))))
        #expect(steps(disabled, "pnomm") == [.disableAccount])
        let deleted = Planner(policy: shorter).plan(.init(roster: r, directory: directory, date: d("2027-03-01"), gate: gate(d("2027-03-01"))))
        #expect(steps(deleted, "pnomm") == [.disableAccount, .deleteAccount])
    }
}

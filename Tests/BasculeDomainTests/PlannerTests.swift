import BasculeDomain
import Testing

@Suite("The planner: what must change, and why")
struct PlannerTests {
    let uai = UAI("0860001X")!
    let rentree = CivilDate(year: 2026, month: 9, day: 3)!
    let planner = Planner()

    func student(_ id: String, _ first: String, _ family: String, _ division: String?, groups: [String] = [],
                 born: CivilDate = CivilDate(year: 2014, month: 1, day: 1)!, left: Bool = false) -> RosterPerson {
        RosterPerson(personID: id, kind: .student, sourceID: "E\(id)", name: PersonName(familyName: family, firstName: first),
                     birthDate: born, division: left ? nil : division, groups: left ? [] : groups, hasLeft: left)
    }

    func teacher(_ id: String, _ first: String, _ family: String) -> RosterPerson {
        RosterPerson(personID: id, kind: .teacher, sourceID: "T\(id)", name: PersonName(familyName: family, firstName: first), birthDate: nil)
    }

    var structures: [StructureRecord] {
        [StructureRecord(code: "6A", kind: .division, label: nil, divisions: [], mefs: [], location: SourceLocation(file: "", line: 0)),
         StructureRecord(code: "3A", kind: .division, label: nil, divisions: [], mefs: [], location: SourceLocation(file: "", line: 0)),
         StructureRecord(code: "ESP1", kind: .group, label: nil, divisions: ["6A", "3A"], mefs: [], location: SourceLocation(file: "", line: 0))]
    }

    func service(_ code: String, _ kind: StructureKind, _ teacher: String, subject: String = "020100") -> (service: TeachingService, teacherID: String) {
        (TeachingService(structureCode: code, structureKind: kind, subjectCode: subject, courseMode: nil, teacherSourceID: "T\(teacher)"), teacher)
    }

    /// French with its management code; Spanish without one, as some exports give it.
    let subjects = [SubjectRecord(code: "020100", managementCode: "FRANC", shortLabel: "FRANCAIS", longLabel: nil),
                    SubjectRecord(code: "030602", managementCode: nil, shortLabel: "ESPAGNOL LV2", longLabel: nil)]

    func roster(_ students: [RosterPerson], staff: [RosterPerson]? = nil, previous: [PersonKind: Int] = [:],
                departures: [String: DepartureFacts] = [:]) -> SchoolRoster {
        SchoolRoster(uai: uai, students: students, staff: staff ?? [teacher("t1", "Hélène", "LECŒUR"), teacher("t2", "Paul", "Durand")],
                     structures: structures,
                     services: [service("6A", .division, "t1"), service("ESP1", .group, "t2", subject: "030602"),
                                service("3A", .division, "t2")],
                     subjects: subjects, previousCounts: previous, departures: departures)
    }

    var year1: [RosterPerson] {
        [student("s1", "Marie", "DUPONT", "6A", groups: ["ESP1"], born: CivilDate(year: 2014, month: 2, day: 1)!),
         student("s2", "Mathis", "Dupont", "6A", born: CivilDate(year: 2014, month: 5, day: 1)!),
         student("s3", "Zoé", "De La Fontaine", "3A", groups: ["ESP1"]),
         student("s4", "Jean-Étienne", "D'ALEMBERT", "3A")]
    }

    @Test("A class or group coded like a role, a team, a subject or a system group never merges its students into it")
    func hostileCodes() {
        let students = [student("s1", "Marie", "DUPONT", "profs", groups: ["sudo", "matiere-FRANC"]),
                        student("s2", "Mathis", "Dupont", "equipe-6A", groups: ["../../etc"]),
                        student("s3", "Zoé", "Martin", "6A", groups: ["-rf"])]
        var r = roster(students)
        r.services.append(service("profs", .division, "t1"))
        let plan = planner.plan(.init(roster: r, directory: DirectoryState(), date: rentree))
        let members = plan.actions.filter { $0.kind == .addMember }.reduce(into: [String: Set<String>]()) { $0[$1.group!, default: []].insert($1.login!) }
        #expect(members["profs"] == ["hlecoeur", "pdurand"], "only teachers in profs: \(members["profs"] ?? [])")
        #expect(members["equipe-6A"] == ["hlecoeur", "pdurand"], "the team of 6A is its teachers only")
        #expect(members["matiere-FRANC"] == ["hlecoeur", "pdurand"])
        #expect(members["6A"] == ["zmartin"])
        let created = Set(plan.actions.filter { $0.kind == .createGroup }.compactMap(\.group))
        for refused in ["sudo", "../../etc", "-rf", "equipe-profs", "equipe-equipe-6A"] { #expect(!created.contains(refused), "\(refused)") }
        #expect(plan.actions.filter { $0.kind == .createGroup && $0.group == "profs" }.map(\.groupKind) == [.role])
        // The verifier reads the same groups: it expects nobody in a group the planner refused.
        #expect(planner.expectedGroups(r)["profs"]?.members == ["t1", "t2"])
    }

    @Test("An empty directory: every account, class, group, team and role is created, with reasons")
    func fromScratch() {
        let plan = planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree))
        #expect(plan.summary.accountsCreated == 6)
        let logins = plan.actions.filter { $0.kind == .createAccount }.reduce(into: [String: String]()) { $0[$1.personID!] = $1.login }
        #expect(logins == ["s1": "mdupont", "s2": "mdupont1", "s3": "zdelafontaine", "s4": "jdalembert", "t1": "hlecoeur", "t2": "pdurand"])
        #expect(plan.actions.first { $0.personID == "s1" }?.entLogin == "m.dupont")
        #expect(plan.actions.first { $0.personID == "s1" }?.reason.french == "nouvel·le élève en 6A")
        let groups = Set(plan.actions.filter { $0.kind == .createGroup }.compactMap(\.group))
        #expect(groups == ["6A", "3A", "ESP1", "equipe-6A", "equipe-3A", "equipe-ESP1", "matiere-FRANC", "matiere-030602",
                           "eleves", "profs", "administratifs"])
        let team6A = Set(plan.actions.filter { $0.kind == .addMember && $0.group == "equipe-6A" }.compactMap(\.login))
        #expect(team6A == ["hlecoeur", "pdurand"], "the ESP1 teacher teaches students of 6A too")
        #expect(Set(plan.actions.filter { $0.kind == .addMember && $0.group == "equipe-3A" }.compactMap(\.login)) == ["pdurand"])
        func members(_ group: String) -> Set<String> {
            Set(plan.actions.filter { $0.kind == .addMember && $0.group == group }.compactMap(\.login))
        }
        #expect(members("equipe-ESP1") == ["pdurand"], "a group's team is its own teachers only")
        #expect(members("matiere-FRANC") == ["hlecoeur", "pdurand"], "everyone who teaches French, whatever the class")
        #expect(members("matiere-030602") == ["pdurand"], "without a management code, the national code names the subject")
        #expect(plan.actions.first { $0.group == "matiere-FRANC" && $0.kind == .createGroup }?.groupKind == .subject)
        #expect(plan.actions.first?.kind == .createGroup, "groups exist before anyone joins them")
        #expect(!plan.safety.needsConfirmation)
    }

    @Test("A subject's group is named by its management code, made safe for a folder and a group name")
    func subjectGroupNames() {
        let policy = PlanningPolicy.default
        func name(_ code: String, _ management: String?) -> String {
            policy.subjectGroupName(SubjectRecord(code: code, managementCode: management, shortLabel: nil, longLabel: nil))
        }
        #expect(name("030201", "AGL1") == "matiere-AGL1")
        #expect(name("030201", " agl1 ") == "matiere-AGL1")
        #expect(name("041000", "HIST GEO") == "matiere-HIST-GEO")
        #expect(name("041000", "ÉDUC/MUS") == "matiere-EDUC-MUS")
        #expect(name("030602", "  ") == "matiere-030602")
    }

    @Test("The same inputs in another order give the same plan; applied, nothing is left to do")
    func deterministicAndConvergent() {
        let a = planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree))
        let b = planner.plan(.init(roster: roster(year1.reversed()), directory: DirectoryState(), date: rentree))
        #expect(a.actions == b.actions)
        let after = DirectoryState().applying(a.actions, on: rentree)
        let again = planner.plan(.init(roster: roster(year1), directory: after, date: rentree))
        #expect(again.actions.isEmpty, "\(again.actions.map(\.french))")
    }

    @Test("A year later: 3e leave without alarm, others move class, a newcomer homonym gets the next number")
    func nextYear() {
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions, on: rentree)
        let next = CivilDate(year: 2027, month: 9, day: 2)!
        let year2 = [student("s1", "Marie", "DUPONT", "5A", groups: ["ESP1"]), student("s2", "Mathis", "Dupont", "5A"),
                     student("s5", "Manon", "Dupont", "6A")]
        let plan = planner.plan(.init(roster: roster(year2, previous: [.student: 3]), directory: d1, date: next))
        #expect(plan.actions.filter { $0.kind == .markLeaving }.compactMap(\.login).sorted() == ["jdalembert", "zdelafontaine"])
        #expect(plan.actions.first { $0.kind == .createAccount }?.login == "mdupont2")
        #expect(plan.actions.contains { $0.kind == .removeMember && $0.login == "mdupont" && $0.group == "6A" })
        #expect(plan.actions.contains { $0.kind == .addMember && $0.login == "mdupont" && $0.group == "5A" })
        #expect(plan.actions.contains { $0.kind == .deleteGroup && $0.group == "3A" })
        #expect(!plan.safety.needsConfirmation, "the 3e leaving is the normal rentrée: \(plan.safety.reasons)")
    }

    @Test("Leaving during the year, then disabled after the grace period, then deleted three months after, window or not; a return reactivates")
    func lifecycle() {
        // The import of the day after the rentrée lists her among the departed (Inactifs).
        let facts = ["s2": DepartureFacts(lastSeenYear: SchoolYear(startYear: 2026), firstMissedOn: rentree.adding(days: 1))]
        func roster(_ people: [RosterPerson]) -> SchoolRoster { self.roster(people, departures: facts) }
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions, on: rentree)
        let without2 = year1.filter { $0.personID != "s2" } + [student("s2", "Mathis", "Dupont", nil, left: true)]
        let leave = planner.plan(.init(roster: roster(without2), directory: d1, date: rentree.adding(days: 1)))
        #expect(leave.actions.contains { $0.kind == .markLeaving && $0.login == "mdupont1" && $0.reason.french.contains("Inactifs") })
        #expect(leave.actions.contains { $0.kind == .removeMember && $0.login == "mdupont1" && $0.group == "6A" })
        let d2 = d1.applying(leave.actions, on: rentree.adding(days: 1))

        let early = planner.plan(.init(roster: roster(without2), directory: d2, date: rentree.adding(days: 20)))
        #expect(!early.actions.contains { $0.kind == .disableAccount }, "still within the 30 days of grace")
        let late = planner.plan(.init(roster: roster(without2), directory: d2, date: rentree.adding(days: 31)))
        #expect(late.actions.map(\.kind) == [.disableAccount])
        let d3 = d2.applying(late.actions, on: rentree.adding(days: 31))

        let window = CalendarGate(deletionOpen: [.student], deletionWindows: [.student: DayWindow(from: rentree, until: rentree.adding(days: 60))])
        let open = planner.plan(.init(roster: roster(without2), directory: d3, date: rentree.adding(days: 40), gate: window))
        #expect(open.actions.isEmpty, "not a former student: the window of former users is not hers")
        #expect(open.deletions.map { "\($0.login) \($0.deleteOn) \($0.rule)" } == ["mdupont1 \(rentree.adding(days: 91)) legal-limit"])
        #expect(planner.plan(.init(roster: roster(without2), directory: d3, date: rentree.adding(days: 90))).actions.isEmpty)
        let due = planner.plan(.init(roster: roster(without2), directory: d3, date: rentree.adding(days: 91)))
        #expect(due.actions.map(\.kind) == [.deleteAccount])
        #expect(due.actions.first?.reason.french.contains("aucun compte ne survit plus de trois mois au départ") == true)

        let back = planner.plan(.init(roster: roster(year1), directory: d3, date: rentree.adding(days: 45)))
        #expect(back.actions.contains { $0.kind == .reactivateAccount && $0.login == "mdupont1" })
        #expect(back.actions.contains { $0.kind == .addMember && $0.login == "mdupont1" && $0.group == "6A" })
    }

    @Test("Staff who leave during the year go three months after, even where the calendar asks the school to approve former staff")
    func staffApproval() {
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions, on: rentree)
        let onlyT1 = roster(year1, staff: [teacher("t1", "Hélène", "LECŒUR")],
                            departures: ["t2": DepartureFacts(lastSeenYear: SchoolYear(startYear: 2026), firstMissedOn: rentree)])
        var d = d1.applying(planner.plan(.init(roster: onlyT1, directory: d1, date: rentree)).actions, on: rentree)
        d = d.applying(planner.plan(.init(roster: onlyT1, directory: d, date: rentree.adding(days: 60))).actions, on: rentree.adding(days: 60))
        #expect(d.accounts.first { $0.personID == "t2" }?.status == .disabled)
        let gate = CalendarGate(deletionOpen: [.teacher, .staff, .student], approvalRequired: [.teacher, .staff])
        #expect(planner.plan(.init(roster: onlyT1, directory: d, date: rentree.adding(days: 89), gate: gate)).actions.isEmpty)
        let due = planner.plan(.init(roster: onlyT1, directory: d, date: rentree.adding(days: 90), gate: gate))
        #expect(due.actions.map(\.kind) == [.deleteAccount])
        #expect(due.actions[0].reason.french.contains("trois mois"))
    }

    @Test("A corrected name updates the account and only proposes a new login")
    func nameCorrection() {
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions, on: rentree)
        var fixed = year1
        fixed[0].name = PersonName(familyName: "DUPONT", usageName: "MARTIN", firstName: "Marie")
        let plan = planner.plan(.init(roster: roster(fixed), directory: d1, date: rentree))
        #expect(plan.actions.map(\.kind) == [.updateAccount, .proposeRename])
        #expect(plan.actions[1].newLogin == "mmartin")
        #expect(plan.actions[1].login == "mdupont")
    }

    @Test("A truncated export needs a person's confirmation and can never empty a school silently")
    func safety() {
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions, on: rentree)
        let tiny = planner.plan(.init(roster: roster([year1[0]], previous: [.student: 4]), directory: d1, date: rentree))
        #expect(tiny.safety.needsConfirmation)
        #expect(tiny.safety.reasons.count == 2, "export shrank, and too many accounts would go: \(tiny.safety.reasons)")
    }

    @Test("Paused imports defer the plan with the calendar's reason")
    func deferred() {
        let why = Reason("imports suspendus jusqu'au 2026-08-28", "imports paused until 2026-08-28")
        let plan = planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree, gate: CalendarGate(pushesPaused: why)))
        #expect(plan.deferred == why)
        #expect(plan.summary.accountsCreated == 6, "the plan is still shown")
    }
}

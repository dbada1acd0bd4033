import BasculeDomain
import Testing

@Suite("Burnt logins expire; renames are proposed until a person answers")
struct AccountsPlanningTests {
    let uai = UAI("0860001X")!
    let rentree = CivilDate(year: 2026, month: 9, day: 3)!
    let planner = Planner()

    func student(_ id: String, _ first: String, _ family: String, usage: String? = nil, _ division: String = "6A",
                 groups: [String] = []) -> RosterPerson {
        RosterPerson(personID: id, kind: .student, sourceID: "E\(id)",
                     name: PersonName(familyName: family, usageName: usage, firstName: first),
                     birthDate: CivilDate(year: 2014, month: 3, day: 1)!, division: division, groups: groups)
    }

    func roster(_ students: [RosterPerson]) -> SchoolRoster {
        SchoolRoster(uai: uai, students: students, staff: [], structures: [], services: [])
    }

    func created(_ plan: Plan) -> [String: String] {
        plan.actions.filter { $0.kind == .createAccount }.reduce(into: [:]) { $0[$1.personID!] = $1.login }
    }

    @Test("A login burnt six years ago is given to a new homonym; two years ago it is not; undated, never")
    func burntExpiry() {
        let directory = DirectoryState(burntLogins: ["mdupont", "lmartin", "pdurand"],
                                       burntOn: ["mdupont": rentree.adding(years: -6), "lmartin": rentree.adding(years: -2)])
        let people = [student("a", "Marie", "DUPONT"), student("b", "Louis", "MARTIN"), student("c", "Paul", "DURAND")]
        let plan = planner.plan(.init(roster: roster(people), directory: directory, date: rentree))
        #expect(created(plan) == ["a": "mdupont", "b": "lmartin1", "c": "pdurand1"])

        // Never again with no expiry in the policy; free again on the anniversary of its burning.
        let forever = Planner(policy: PlanningPolicy(burntLoginYears: nil))
            .plan(.init(roster: roster(people), directory: directory, date: rentree))
        #expect(created(forever)["a"] == "mdupont1")
        let anniversary = DirectoryState(burntLogins: ["mdupont"], burntOn: ["mdupont": rentree.adding(years: -5)])
        let dayBefore = DirectoryState(burntLogins: ["mdupont"], burntOn: ["mdupont": rentree.adding(years: -5).adding(days: 1)])
        #expect(created(planner.plan(.init(roster: roster([people[0]]), directory: anniversary, date: rentree)))["a"] == "mdupont")
        #expect(created(planner.plan(.init(roster: roster([people[0]]), directory: dayBefore, date: rentree)))["a"] == "mdupont1")
        #expect(directory.burntLogins(on: rentree, keptYears: 5) == ["lmartin", "pdurand"])
    }

    @Test("A deleted account's network and ENT logins are burnt on the day; reused once expired, the owner who comes back gets a new one")
    func deletedThenReused() {
        let old = Account(personID: "old", kind: .student, login: "mdupont", entLogin: "m.dupont",
                          name: PersonName(familyName: "DUPONT", firstName: "Marie"), status: .disabled,
                          statusSince: CivilDate(year: 2020, month: 7, day: 10)!)
        let deletion = PlanAction(kind: .deleteAccount, personID: "old", personKind: .student, login: "mdupont",
                                  reason: Reason("test", "test"))
        let september2020 = CivilDate(year: 2020, month: 9, day: 15)!
        let deleted = DirectoryState(accounts: [old]).applying([deletion], on: september2020)
        #expect(deleted.burntLogins == ["mdupont", "m.dupont"])
        #expect(deleted.burntOn == ["mdupont": september2020, "m.dupont": september2020])

        // Two years later a homonym arrives: the old login is still burnt, ENT included.
        let twoYears = planner.plan(.init(roster: roster([student("new", "Marie", "DUPONT")]), directory: deleted,
                                          date: CivilDate(year: 2022, month: 9, day: 1)!))
        let early = twoYears.actions.first { $0.kind == .createAccount }
        #expect(early?.login == "mdupont1" && early?.entLogin == "m.dupont1")

        // Six years later it is given again, to both of its forms.
        let plan = planner.plan(.init(roster: roster([student("new", "Marie", "DUPONT")]), directory: deleted, date: rentree))
        let create = plan.actions.first { $0.kind == .createAccount }
        #expect(create?.login == "mdupont" && create?.entLogin == "m.dupont")
        let after = deleted.applying(plan.actions, on: rentree)
        #expect(after.burntLogins.isEmpty)
        #expect(after.accounts.filter { $0.login == "mdupont" }.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.active, .deleted])

        // The former owner comes back: their login is someone else's now.
        let back = planner.plan(.init(roster: roster([student("new", "Marie", "DUPONT"), student("old", "Marie", "DUPONT", "5B")]),
                                      directory: after, date: rentree.adding(days: 30)))
        let again = back.actions.first { $0.kind == .createAccount && $0.personID == "old" }
        #expect(again?.login == "mdupont1")
        #expect(again?.reason.french.contains("l'ancien identifiant mdupont a été redonné depuis") == true)
    }

    @Test("A rename is proposed with a free login until a person answers; declining holds until the name changes again")
    func renames() throws {
        let year1 = [student("s1", "Marie", "DUPONT", groups: ["ESP1"]), student("s2", "Hugo", "MARTIN")]
        let d1 = DirectoryState().applying(planner.plan(.init(roster: roster(year1), directory: DirectoryState(), date: rentree)).actions,
                                           on: rentree)
        #expect(d1.groups.first { $0.name == "ESP1" }?.members == ["mdupont"])
        var fixed = year1
        fixed[0].name = PersonName(familyName: "DUPONT", usageName: "MARTIN", firstName: "Marie")
        // A newcomer with the same name arrives the same day: the proposal holds its login for her.
        let newcomer = student("s3", "Maëlle", "MARTIN")
        let plan = planner.plan(.init(roster: roster(fixed + [newcomer]), directory: d1, date: rentree))
        let proposal = try #require(plan.actions.first { $0.kind == .proposeRename })
        #expect(proposal.login == "mdupont" && proposal.newLogin == "mmartin")
        #expect(proposal.entLogin == "m.dupont" && proposal.newEntLogin == "m.martin")
        #expect(created(plan)["s3"] == "mmartin1", "the proposed login is kept for the person it is proposed to")
        #expect(plan.actions.map(\.kind).contains(.updateAccount))

        // Once the name's update is applied, the proposal is still there: nobody answered it.
        let d2 = d1.applying(plan.actions, on: rentree)
        let later = planner.plan(.init(roster: roster(fixed + [newcomer]), directory: d2, date: rentree.adding(days: 1)))
        #expect(later.actions.map(\.kind) == [.proposeRename])
        #expect(!later.changesDirectory)

        // Accepted: the new logins, the groups follow, the old ones burnt on the day.
        let accepted = d2.renaming(later.actions[0], on: rentree.adding(days: 1))
        let account = accepted.accounts.first { $0.personID == "s1" }!
        #expect(account.login == "mmartin" && account.entLogin == "m.martin")
        #expect(accepted.groups.first { $0.name == "ESP1" }?.members == ["mmartin"])
        #expect(accepted.groups.first { $0.name == "6A" }?.members.contains("mdupont") == false)
        #expect(accepted.burntOn == ["mdupont": rentree.adding(days: 1), "m.dupont": rentree.adding(days: 1)])
        #expect(planner.plan(.init(roster: roster(fixed + [newcomer]), directory: accepted, date: rentree.adding(days: 2))).actions.isEmpty)

        // Declined: no proposal while the name stays; a new change of name proposes again.
        let declined = planner.plan(.init(roster: roster(fixed + [newcomer]), directory: d2, date: rentree.adding(days: 1),
                                          declinedRenames: ["s1": fixed[0].name]))
        #expect(declined.actions.isEmpty)
        var again = fixed
        again[0].name = PersonName(familyName: "DUPONT", usageName: "MARTIN-ROUX", firstName: "Marie")
        let renewed = planner.plan(.init(roster: roster(again + [newcomer]), directory: d2, date: rentree.adding(days: 40),
                                         declinedRenames: ["s1": fixed[0].name]))
        #expect(renewed.actions.first { $0.kind == .proposeRename }?.newLogin == "mmartinroux")
    }

    @Test("A login cut to the target's length is not taken for a changed name")
    func truncated() throws {
        let ad = try LoginTemplate("{p}{nom}", maximumLength: 20)
        let allocator = LoginAllocator(template: ad)
        let name = PersonName(familyName: "DE LA FONTAINE-DUPONTEL", firstName: "Jean")
        var taken = TakenLogins(inUse: ["jdelafontaineduponte"])
        let given = allocator.allocate([LoginRequest(personID: "1", name: name, birthDate: nil, sourceID: "1")], taken: &taken)["1"]!
        #expect(given.count == 20 && given.hasSuffix("1"))
        #expect(allocator.proposedRename(current: given, newName: name) == nil)
        #expect(allocator.proposedRename(current: given, newName: PersonName(familyName: "ROUX", firstName: "Jean")) == "jroux")
    }
}

import BasculeDomain
import Testing

/// A small collège: 6A and 3A, the group ESP1 drawn from both, Hélène Lecœur teaching French to 6A
/// and Paul Durand teaching Spanish to ESP1 (so in the teams of ESP1, 6A and 3A). Its directory is
/// the planner's own plan applied.
@Suite("The verifier: what the directory shows against what the exports say")
struct VerifierTests {
    let uai = UAI("0860001X")!
    let rentree = CivilDate(year: 2026, month: 9, day: 3)!
    let checkDay = CivilDate(year: 2026, month: 9, day: 10)!
    let lastYear = CivilDate(year: 2025, month: 9, day: 2)!
    let thisYear = CivilDate(year: 2026, month: 9, day: 1)!

    func student(_ id: String, _ first: String, _ family: String, _ division: String?, groups: [String] = [], left: Bool = false,
                 leavingDate: CivilDate? = nil) -> RosterPerson {
        RosterPerson(personID: id, kind: .student, sourceID: "E\(id)", name: PersonName(familyName: family, firstName: first),
                     birthDate: CivilDate(year: 2014, month: 1, day: 1)!, division: left ? nil : division, groups: left ? [] : groups,
                     hasLeft: left, leavingDate: leavingDate)
    }

    func teacher(_ id: String, _ first: String, _ family: String) -> RosterPerson {
        RosterPerson(personID: id, kind: .teacher, sourceID: "T\(id)", name: PersonName(familyName: family, firstName: first), birthDate: nil)
    }

    let location = SourceLocation(file: "", line: 0)

    var students: [RosterPerson] {
        [student("s1", "Marie", "DUPONT", "6A", groups: ["ESP1"]),
         student("s2", "Mathis", "Martin", "6A"),
         student("s3", "Zoé", "Bernard", "3A", groups: ["ESP1"])]
    }

    var staff: [RosterPerson] { [teacher("t1", "Hélène", "LECŒUR"), teacher("t2", "Paul", "Durand")] }

    func roster(_ students: [RosterPerson]? = nil, staff: [RosterPerson]? = nil) -> SchoolRoster {
        SchoolRoster(
            uai: uai, students: students ?? self.students, staff: staff ?? self.staff,
            structures: [StructureRecord(code: "6A", kind: .division, label: nil, divisions: [], mefs: [], location: location),
                         StructureRecord(code: "3A", kind: .division, label: nil, divisions: [], mefs: [], location: location),
                         StructureRecord(code: "ESP1", kind: .group, label: nil, divisions: ["6A", "3A"], mefs: [], location: location)],
            services: [(TeachingService(structureCode: "6A", structureKind: .division, subjectCode: "020100", courseMode: nil, teacherSourceID: "Tt1"), "t1"),
                       (TeachingService(structureCode: "ESP1", structureKind: .group, subjectCode: "030602", courseMode: nil, teacherSourceID: "Tt2"), "t2")],
            subjects: [SubjectRecord(code: "020100", managementCode: "FRANC", shortLabel: "FRANCAIS", longLabel: "FRANCAIS"),
                       SubjectRecord(code: "030602", managementCode: "ESP2", shortLabel: "ESPAGNOL LV2", longLabel: nil)])
    }

    /// The directory as a clean rollover leaves it.
    func applied(_ roster: SchoolRoster) -> DirectoryState {
        DirectoryState().applying(Planner().plan(.init(roster: roster, directory: DirectoryState(), date: rentree)).actions, on: rentree)
    }

    func verify(_ roster: SchoolRoster, observed: ObservedDirectory, embedded: DirectoryState, history: ExportHistory = .init(),
                date: CivilDate? = nil, windows: [PersonKind: DayWindow] = [:], approved: Set<String> = [],
                approval: Set<PersonKind> = [], spaces: [ObservedSpace]? = nil) -> VerificationReport {
        Verifier().verify(.init(roster: roster, observed: observed, embedded: embedded, history: history, date: date ?? checkDay,
                                deletionWindows: windows, approvedDepartures: approved, approvalRequired: approval, spaces: spaces,
                                dataOption: "--data /srv/bascule"))
    }

    func embeddedView(_ state: DirectoryState) -> ObservedDirectory { ObservedDirectory(embedded: state, source: "annuaire intégré") }

    /// The same directory as a real one that follows the embedded directory.
    func realView(_ state: DirectoryState, edit: (inout ObservedDirectory) -> Void = { _ in }) -> ObservedDirectory {
        var o = ObservedDirectory(embedded: state, source: "annuaire LDAP")
        o.isRealDirectory = true
        o.groups = o.groups.map { var g = $0; g.writtenMembers = g.members; return g }
        edit(&o)
        return o
    }

    func group(_ name: String, in o: inout ObservedDirectory, _ edit: (inout ObservedGroup) -> Void) {
        let i = o.groups.firstIndex { $0.name == name }!
        edit(&o.groups[i])
    }

    @Test("A clean school gives no finding, and the report says how much it checked")
    func clean() {
        let state = applied(roster())
        let report = verify(roster(), observed: embeddedView(state), embedded: state)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.what.french))")
        #expect(report.isClean)
        #expect(report.checked.students == 3 && report.checked.teachers == 2 && report.checked.accounts == 5)
        #expect(report.checked.groups == 11, "6A, 3A, ESP1, their three teams, two subjects, three roles")
        #expect(report.checked.spaces == nil)
        #expect(report.french.contains("3 élève(s), 2 enseignant(s)"))
        #expect(report.french.contains("Aucun écart"))
        #expect(report.counts.values.allSatisfy { $0 == 0 } && report.counts.count == VerificationFinding.Kind.allCases.count)
        let real = verify(roster(), observed: realView(state), embedded: state)
        #expect(real.isClean, "\(real.findings.map(\.what.french))")
    }

    @Test("account-missing: someone in the exports without an account; a sync fixes it when only the real directory lacks it")
    func accountMissing() throws {
        let state = applied(roster())
        var observed = embeddedView(state)
        observed.accounts.removeAll { $0.personID == "s2" }
        let history = ExportHistory(timelines: [ExportTimeline(moments: [
            ExportMoment(date: lastYear, present: ["s1"], memberships: [:]),
            ExportMoment(date: thisYear, present: ["s1", "s2"], memberships: [:])])])
        let report = verify(roster(), observed: observed, embedded: state, history: history)
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.kind == .accountMissing && f.severity == .error)
        #expect(f.who == "mmartin (Mathis Martin)")
        #expect(f.since == thisYear)
        #expect(f.what.french.contains("élève dans l'export Siècle-BEE (6A)"))
        #expect(f.fix.french.hasPrefix("bascule plan --data /srv/bascule pour relire, puis bascule apply --data /srv/bascule"))

        let real = verify(roster(), observed: realView(state) { $0.accounts.removeAll { $0.personID == "s2" } }, embedded: state)
        #expect(real.findings.first?.fix.french.hasPrefix("bascule directory sync --data /srv/bascule") == true)
    }

    @Test("account-not-active: the account of someone in the exports is locked or leaving")
    func accountNotActive() throws {
        var state = applied(roster())
        let i = state.accounts.firstIndex { $0.personID == "s1" }!
        state.accounts[i].status = .disabled
        state.accounts[i].statusSince = CivilDate(year: 2026, month: 7, day: 10)!
        let report = verify(roster(), observed: embeddedView(state), embedded: state)
        let f = try #require(report.findings.first { $0.kind == .accountNotActive })
        #expect(report.findings.count == 1)
        #expect(f.login == "mdupont" && f.since == CivilDate(year: 2026, month: 7, day: 10)!)
        #expect(f.what.french.contains("verrouillé"))
        #expect(f.fix.french.contains("réactive le compte"))
    }

    @Test("group-missing: a class the exports imply is not in the directory (once, not per member)")
    func groupMissing() throws {
        let state = applied(roster())
        let report = verify(roster(), observed: realView(state) { $0.groups.removeAll { $0.name == "3A" } }, embedded: state)
        #expect(report.findings.map(\.kind) == [.groupMissing])
        let f = try #require(report.findings.first)
        #expect(f.who == "3A")
        #expect(f.what.french.contains("classe attendu·e d'après les exports (1 membre(s))"))
        #expect(f.fix.french.hasPrefix("bascule directory sync"))
    }

    @Test("teacher-missing-access: a teacher not in the team of a class they teach, naming the service")
    func teacherMissingAccess() throws {
        let state = applied(roster())
        let report = verify(roster(), observed: realView(state) { o in group("equipe-6A", in: &o) { $0.members.remove("hlecoeur") } },
                            embedded: state)
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.kind == .teacherMissingAccess && f.group == "equipe-6A" && f.login == "hlecoeur")
        #expect(f.who == "hlecoeur (Hélène LECŒUR)")
        #expect(f.what.french == "enseigne en 6A : FRANC d'après STS-Web, mais n'est pas membre de equipe-6A")
        #expect(f.fix.french.contains("ajoute hlecoeur à equipe-6A"))

        // A teaching group's own team and a subject's group, the same way.
        let more = verify(roster(), observed: realView(state) { o in
            group("equipe-ESP1", in: &o) { $0.members.remove("pdurand") }
            group("matiere-ESP2", in: &o) { $0.members.remove("pdurand") }
        }, embedded: state)
        #expect(more.findings.map(\.kind) == [.teacherMissingAccess, .teacherMissingAccess])
        #expect(more.findings.map(\.what.french) == [
            "enseigne en ESP1 : ESP2 d'après STS-Web, mais n'est pas membre de equipe-ESP1",
            "enseigne en ESP1 : ESP2 d'après STS-Web, mais n'est pas membre de matiere-ESP2"])
    }

    @Test("student-missing-group: a student not in one of their groups; missing-member: not in their role group")
    func studentMissingGroup() {
        let state = applied(roster())
        let report = verify(roster(), observed: realView(state) { o in
            group("ESP1", in: &o) { $0.members.remove("mdupont") }
            group("eleves", in: &o) { $0.members.remove("mdupont") }
        }, embedded: state)
        #expect(report.findings.map(\.kind) == [.studentMissingGroup, .missingMember])
        #expect(report.findings[0].group == "ESP1" && report.findings[0].login == "mdupont")
        #expect(report.findings[1].group == "eleves")
    }

    @Test("departed-account-active: someone gone whose account is still usable after the grace period, and not before")
    func departedAccountActive() throws {
        let state = applied(roster())
        let without = roster(students.filter { $0.personID != "s3" })
        let history = ExportHistory(timelines: [ExportTimeline(moments: [
            ExportMoment(date: lastYear, present: ["s1", "s2", "s3"], memberships: [:]),
            ExportMoment(date: thisYear, present: ["s1", "s2"], memberships: [:])])])
        var observed = embeddedView(state)
        for name in ["3A", "ESP1", "eleves"] { group(name, in: &observed) { $0.members.remove("zbernard") } }
        observed.groups.removeAll { $0.name == "3A" }
        #expect(verify(without, observed: observed, embedded: state, history: history).isClean, "within the 30 days of grace")

        let late = verify(without, observed: observed, embedded: state, history: history, date: CivilDate(year: 2026, month: 10, day: 15)!)
        let f = try #require(late.findings.first)
        #expect(late.findings.count == 1)
        #expect(f.kind == .departedAccountActive && f.severity == .error && f.login == "zbernard")
        #expect(f.since == thisYear)
        #expect(f.what.french.contains("a quitté l'établissement le 2026-09-01 ; délai de grâce de 30 jours écoulé le 2026-10-01"))
        #expect(f.fix.french.contains("désactive les comptes dont le délai de grâce est écoulé"))

        // Leaving: the grace counts from the departure, not from the day an apply marked it, as the planner counts it.
        var leaving = observed
        let i = leaving.accounts.firstIndex { $0.login == "zbernard" }!
        leaving.accounts[i].status = .leaving
        leaving.accounts[i].statusSince = CivilDate(year: 2026, month: 9, day: 20)!
        #expect(verify(without, observed: leaving, embedded: state, history: history, date: CivilDate(year: 2026, month: 9, day: 30)!).isClean)
        #expect(verify(without, observed: leaving, embedded: state, history: history, date: CivilDate(year: 2026, month: 10, day: 15)!)
            .findings.map(\.kind) == [.departedAccountActive])
        // A protected account is a person's decision: never reported.
        var protected = state
        protected.accounts[protected.accounts.firstIndex { $0.personID == "s3" }!].protected = true
        #expect(verify(without, observed: observed, embedded: protected, history: history, date: CivilDate(year: 2026, month: 10, day: 15)!).isClean)
    }

    @Test("teacher-former-team: a teacher still in the team of a class they no longer teach, since the export that changed it")
    func teacherFormerTeam() throws {
        let state = applied(roster())
        let history = ExportHistory(timelines: [ExportTimeline(moments: [
            ExportMoment(date: lastYear, present: ["t1", "t2"], memberships: ["equipe-3A": ["t1", "t2"]]),
            ExportMoment(date: thisYear, present: ["t1", "t2"], memberships: ["equipe-3A": ["t2"]])])])
        let report = verify(roster(), observed: realView(state) { o in group("equipe-3A", in: &o) { $0.members.insert("hlecoeur") } },
                            embedded: state, history: history)
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.kind == .teacherFormerTeam && f.group == "equipe-3A" && f.login == "hlecoeur" && f.since == thisYear)
        #expect(f.what.french.contains("n'a plus de service dans cette classe ou ce groupe d'après STS-Web"))
        #expect(f.fix.french.contains("retire hlecoeur de equipe-3A"))

        // The subject they no longer teach.
        let subjectHistory = ExportHistory(timelines: [ExportTimeline(moments: [
            ExportMoment(date: lastYear, present: ["t1", "t2"], memberships: ["matiere-ESP2": ["t1", "t2"]]),
            ExportMoment(date: thisYear, present: ["t1", "t2"], memberships: ["matiere-ESP2": ["t2"]])])])
        let subject = verify(roster(), observed: realView(state) { o in group("matiere-ESP2", in: &o) { $0.members.insert("hlecoeur") } },
                             embedded: state, history: subjectHistory)
        #expect(subject.findings.map(\.what.french) == ["n'enseigne plus cette matière d'après STS-Web, encore membre de matiere-ESP2"])
        #expect(subject.findings.first?.since == thisYear)
    }

    @Test("student-former-group: a student still in the class they left; former-member: someone gone still in a role group")
    func studentFormerGroup() throws {
        let state = applied(roster())
        let history = ExportHistory(timelines: [
            ExportTimeline(moments: [
                ExportMoment(date: lastYear, present: ["s1", "s2", "s3"], memberships: ["3A": ["s2", "s3"]]),
                ExportMoment(date: thisYear, present: ["s1", "s2", "s3"], memberships: ["3A": ["s3"], "6A": ["s1", "s2"]])]),
            ExportTimeline(moments: [
                ExportMoment(date: lastYear, present: ["t1", "t2", "t3"], memberships: ["profs": ["t1", "t2", "t3"]]),
                ExportMoment(date: thisYear, present: ["t1", "t2"], memberships: ["profs": ["t1", "t2"]])]),
        ])
        var embedded = state
        embedded.accounts.append(Account(personID: "t3", kind: .teacher, login: "jancien", entLogin: "j.ancien",
                                         name: PersonName(familyName: "Ancien", firstName: "Jean"), status: .leaving, statusSince: rentree))
        let observed = realView(embedded) { o in
            group("3A", in: &o) { $0.members.insert("mmartin") }
            group("profs", in: &o) { $0.members.insert("jancien") }
        }
        let report = verify(roster(), observed: observed, embedded: embedded, history: history)
        #expect(report.findings.map(\.kind) == [.studentFormerGroup, .formerMember])
        let f = report.findings[0]
        #expect(f.login == "mmartin" && f.group == "3A" && f.since == thisYear)
        #expect(f.what.french == "n'est plus dans 3A d'après Siècle-BEE (aujourd'hui en 6A), encore membre du groupe 3A")
        #expect(report.findings[1].login == "jancien" && report.findings[1].since == thisYear)
        #expect(report.findings[1].fix.french.hasPrefix("bascule directory sync"), "the embedded directory already removed them")
    }

    @Test("hand-added-member: a login that is no account, or a member Bascule never wrote; unexpected-member otherwise")
    func handAddedAndUnexpected() throws {
        let state = applied(roster())
        let report = verify(roster(), observed: realView(state) { o in
            group("6A", in: &o) { $0.members.formUnion(["intrus", "zbernard"]) }
        }, embedded: state)
        #expect(report.findings.map(\.kind) == [.handAddedMember, .handAddedMember])
        let intrus = try #require(report.findings.first { $0.login == "intrus" })
        #expect(intrus.what.french == "« intrus » est membre de 6A sans être un compte créé par Bascule")
        #expect(intrus.since == nil && intrus.sinceUnknown?.french == "l'annuaire ne date pas l'ajout d'un membre")
        #expect(intrus.fix.french.hasPrefix("à retirer à la main"))
        let zoe = try #require(report.findings.first { $0.login == "zbernard" })
        #expect(zoe.what.french.contains("ajouté à la main"))

        // On the embedded directory there is no record of what was written: the member is only unexpected.
        var embedded = state
        embedded.groups[embedded.groups.firstIndex { $0.name == "6A" }!].members.insert("zbernard")
        let plain = verify(roster(), observed: embeddedView(embedded), embedded: embedded)
        #expect(plain.findings.map(\.kind) == [.unexpectedMember])
        #expect(plain.findings[0].fix.french.contains("retire zbernard de 6A"))
    }

    @Test("former-group: a class of last year, a group never in the exports, a class with no one left")
    func formerGroup() throws {
        let state = applied(roster())
        let history = ExportHistory(timelines: [ExportTimeline(moments: [
            ExportMoment(date: lastYear, present: ["s1"], memberships: ["4Z": ["s1"]]),
            ExportMoment(date: thisYear, present: ["s1"], memberships: ["6A": ["s1"]])])])
        let report = verify(roster(), observed: realView(state) { o in
            o.groups.append(ObservedGroup(name: "4Z", kind: .division, members: ["mdupont"]))
            o.groups.append(ObservedGroup(name: "club-echecs", kind: .group, members: []))
        }, embedded: state, history: history)
        #expect(report.findings.map(\.kind) == [.formerGroup, .formerGroup])
        let z = try #require(report.findings.first { $0.who == "4Z" })
        #expect(z.since == thisYear)
        #expect(z.what.french == "classe 4Z : n'est plus dans STS-Web ni dans Siècle-BEE ; encore dans l'annuaire avec 1 membre(s)")
        let club = try #require(report.findings.first { $0.who == "club-echecs" })
        #expect(club.since == nil && club.sinceUnknown?.french.contains("créé hors des exports") == true)

        // 3A still in STS-Web, but nobody left in it.
        let no3A = roster(students.filter { $0.personID != "s3" })
        var emptied = state
        emptied.groups = emptied.groups.map { var g = $0; g.members.remove("zbernard"); return g }
        emptied.accounts.removeAll { $0.personID == "s3" }
        let empty = verify(no3A, observed: embeddedView(emptied), embedded: emptied)
        #expect(empty.findings.map(\.who).sorted() == ["3A"], "\(empty.findings.map(\.what.french))")
        #expect(empty.findings.first?.what.french.contains("plus aucun membre d'après les exports") == true)
    }

    @Test("account-past-deletion: former users not deleted once their window day went by; a former teacher the school has not approved, once the window closed; anyone three months after leaving")
    func accountPastDeletion() throws {
        var state = applied(roster())
        let september = DayWindow(from: CivilDate(year: 2026, month: 9, day: 1)!, until: CivilDate(year: 2026, month: 9, day: 30)!)
        var without = roster(students.filter { $0.personID != "s3" }, staff: [teacher("t1", "Hélène", "LECŒUR")])
        without.studentsYear = SchoolYear(startYear: 2026)
        without.staffYear = SchoolYear(startYear: 2026)
        without.departures = ["s3": DepartureFacts(lastSeenYear: SchoolYear(startYear: 2025), firstMissedOn: CivilDate(year: 2026, month: 8, day: 24)!),
                              "t2": DepartureFacts(lastSeenYear: SchoolYear(startYear: 2025), firstMissedOn: CivilDate(year: 2026, month: 8, day: 24)!)]
        for id in ["s3", "t2"] {
            let i = state.accounts.firstIndex { $0.personID == id }!
            state.accounts[i].status = .disabled
            state.accounts[i].statusSince = CivilDate(year: 2026, month: 9, day: 5)!
        }
        state.groups = state.groups.map { var g = $0; g.members.subtract(["zbernard", "pdurand"]); return g }.filter { !$0.members.isEmpty || $0.kind == .role }
        let windows: [PersonKind: DayWindow] = [.student: september, .teacher: september, .staff: september]
        // Settled on 31 August: due on the window's first day, so a check on 1 September finds nothing yet.
        #expect(verify(without, observed: embeddedView(state), embedded: state, date: CivilDate(year: 2026, month: 9, day: 1)!,
                       windows: windows, approval: [.teacher]).isClean)

        let after = verify(without, observed: embeddedView(state), embedded: state, date: CivilDate(year: 2026, month: 9, day: 10)!,
                           windows: windows, approval: [.teacher])
        #expect(after.findings.map(\.kind) == [.accountPastDeletion], "the teacher waits for the school while the window is open")
        let zoe = try #require(after.findings.first { $0.login == "zbernard" })
        #expect(zoe.since == CivilDate(year: 2026, month: 9, day: 1)!)
        #expect(zoe.what.french.contains("à supprimer depuis le 2026-09-01, dans la période du calendrier du 2026-09-01 au 2026-09-30"), "\(zoe.what.french)")
        #expect(zoe.fix.french.hasPrefix("bascule apply --data /srv/bascule"))

        let october = verify(without, observed: embeddedView(state), embedded: state, date: CivilDate(year: 2026, month: 10, day: 15)!,
                             windows: windows, approval: [.teacher])
        let paul = try #require(october.findings.first { $0.login == "pdurand" })
        #expect(paul.what.french.contains("sans validation du départ par l'établissement ; suppression d'office le 2026-11-22"), "\(paul.what.french)")
        #expect(paul.fix.french.hasPrefix("bascule departures approve --data /srv/bascule --school 0860001X --by IDENTIFIANT pdurand"))
        let approved = verify(without, observed: embeddedView(state), embedded: state, date: CivilDate(year: 2026, month: 10, day: 15)!,
                              windows: windows, approved: ["t2"], approval: [.teacher])
        #expect(approved.findings.first { $0.login == "pdurand" }?.fix.french.hasPrefix("bascule apply") == true)

        // No calendar window known: three months after leaving, whoever it is.
        let late = verify(without, observed: embeddedView(state), embedded: state, date: CivilDate(year: 2026, month: 11, day: 23)!)
        #expect(late.findings.map(\.kind) == [.accountPastDeletion, .accountPastDeletion])
        #expect(late.findings.allSatisfy { $0.what.french.contains("à supprimer depuis le 2026-11-22 : trois mois après le départ") })
    }

    @Test("manual-entry: an entry of the branch Bascule did not create, with its creation date")
    func manualEntry() throws {
        let state = applied(roster())
        let created = CivilDate(year: 2026, month: 6, day: 12)!
        let report = verify(roster(), observed: realView(state) { o in
            o.foreign.append(ObservedForeignEntry(dn: "uid=stagiaire,ou=enseignants,ou=0860001X,dc=test", label: "stagiaire",
                                                  objectClasses: ["inetOrgPerson"], created: created))
        }, embedded: state)
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.kind == .manualEntry && f.who == "stagiaire" && f.since == created)
        #expect(f.fix.french.hasPrefix("à retirer à la main : entrée non créée par Bascule"))
        #expect(f.location == "uid=stagiaire,ou=enseignants,ou=0860001X,dc=test")
    }

    @Test("space-without-owner and space-of-former-class: the spaces hook")
    func spaces() throws {
        let state = applied(roster())
        let spaces = [
            ObservedSpace(kind: .personal, name: "mdupont", path: "/srv/espaces/0860001X/perso/mdupont", ownerUID: 100_001, ownerLogin: "mdupont"),
            ObservedSpace(kind: .personal, name: "ancien", path: "/srv/espaces/0860001X/perso/ancien", ownerUID: 100_999, ownerLogin: nil),
            ObservedSpace(kind: .division, name: "6A", path: "/srv/espaces/0860001X/classes/6A", ownerUID: 0, ownerLogin: nil),
            ObservedSpace(kind: .division, name: "4Z", path: "/srv/espaces/0860001X/classes/4Z", ownerUID: 0, ownerLogin: nil),
            ObservedSpace(kind: .division, name: "archives-2019", path: "/srv/espaces/0860001X/classes/archives-2019", ownerUID: 1000,
                          ownerLogin: nil, createdByBascule: false),
        ]
        let report = verify(roster(), observed: embeddedView(state), embedded: state, spaces: spaces)
        #expect(report.findings.map(\.kind) == [.manualEntry, .spaceWithoutOwner, .spaceOfFormerClass])
        #expect(report.findings[0].who == "archives-2019" && report.findings[0].fix.french.hasPrefix("à déplacer ou retirer à la main"),
                "a folder Bascule did not make is a person's to deal with, never the sync's")
        #expect(report.findings[1].who == "ancien" && report.findings[1].what.french.contains("uid 100999"))
        #expect(report.findings[1].fix.french.hasPrefix("bascule spaces sync"))
        #expect(report.findings[2].who == "4Z" && report.findings[2].location == "/srv/espaces/0860001X/classes/4Z")
        #expect(report.checked.spaces == 5)
    }

    @Test("The report is sorted by kind then who, and counts every kind")
    func ordering() {
        let state = applied(roster())
        let report = verify(roster(), observed: realView(state) { o in
            group("6A", in: &o) { $0.members.insert("zz-intrus"); $0.members.insert("aa-intrus") }
            o.foreign.append(ObservedForeignEntry(dn: "cn=imprimante,ou=0860001X,dc=test", label: "imprimante", objectClasses: ["device"]))
            o.accounts.removeAll { $0.personID == "s2" }
        }, embedded: state)
        #expect(report.findings.map(\.who) == ["mmartin (Mathis Martin)", "aa-intrus", "zz-intrus", "imprimante"])
        #expect(report.counts["hand-added-member"] == 2 && report.counts["manual-entry"] == 1 && report.counts["account-missing"] == 1)
        #expect(report.french.contains("-- hand-added-member : Membre ajouté à la main (2)"))
    }
}

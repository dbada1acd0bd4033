import BasculeDomain
import Testing

@Suite("Who may reset whose password, and who delegates rights")
struct AccessRulesTests {
    static let rupn = AccountHolder(login: "rupn.doc", kind: .staff, status: .active, function: "DOC", rights: [.rupn])
    static let rupnTeacher = AccountHolder(login: "prof.rupn", kind: .teacher, status: .active, function: "ENS", rights: [.rupn])
    static let teacher = AccountHolder(login: "prof", kind: .teacher, status: .active, function: "ENS", teaches: ["6A", "4ESP2"])
    /// A teacher whose newest STS-Web export has no service (or no export at all).
    static let teacherWithoutServices = AccountHolder(login: "prof.sans", kind: .teacher, status: .active, function: "ENS")
    static let leavingTeacher = AccountHolder(login: "prof.partant", kind: .teacher, status: .leaving, function: "ENS")
    static let principal = AccountHolder(login: "principal", kind: .staff, status: .active, function: "DIR")
    static let deputy = AccountHolder(login: "adjoint", kind: .staff, status: .active, function: "dir")
    static let formerPrincipal = AccountHolder(login: "ancien.principal", kind: .staff, status: .disabled, function: "DIR")
    static let cpe = AccountHolder(login: "cpe", kind: .staff, status: .active, function: "EDU", rights: [.entManager, .garAssignment])
    static let student = AccountHolder(login: "eleve", kind: .student, status: .active, structures: ["6A"])
    static let parent = AccountHolder(login: "responsable", kind: .parent, status: .active)
    /// Taught by `teacher` in a group drawn from another class.
    static let groupStudent = AccountHolder(login: "eleve.groupe", kind: .student, status: .active, structures: ["4B", "4ESP2"])
    /// Taught by nobody the table knows.
    static let otherStudent = AccountHolder(login: "eleve.autre", kind: .student, status: .active, structures: ["5C", "5ALL1"])
    static let leavingStudent = AccountHolder(login: "eleve.partant", kind: .student, status: .leaving, structures: ["6A"])
    static let disabledStudent = AccountHolder(login: "eleve.parti", kind: .student, status: .disabled)
    static let deletedStudent = AccountHolder(login: "eleve.supprime", kind: .student, status: .deleted)
    static let revokedRUPN = AccountHolder(login: "ex.rupn", kind: .staff, status: .disabled, function: "DOC", rights: [.rupn])

    /// actor, target, allowed, a word the reason must contain.
    static let resets: [(AccountHolder, AccountHolder, Bool, String)] = [
        (rupn, student, true, "RUPN"),
        (rupn, teacher, true, "RUPN"),
        (rupn, principal, true, "RUPN"),
        (rupn, cpe, true, "RUPN"),
        (rupn, rupn, true, "RUPN"),
        (rupn, leavingStudent, true, "RUPN"),
        (rupnTeacher, teacher, true, "RUPN"),
        (teacher, student, true, "enseignant·e de eleve (6A)"),
        (teacher, groupStudent, true, "enseignant·e de eleve.groupe (4ESP2)"),
        (teacher, leavingStudent, true, "enseignant"),
        (teacher, otherStudent, false, "n'enseigne pas à eleve.autre"),
        (teacherWithoutServices, student, false, "n'enseigne pas à eleve"),
        (rupnTeacher, otherStudent, true, "RUPN"),
        (teacher, teacher, false, "que le mot de passe d'un·e élève"),
        (teacher, principal, false, "demandez au RUPN"),
        (teacher, cpe, false, "que le mot de passe d'un·e élève"),
        (leavingTeacher, student, false, "n'est pas actif"),
        (revokedRUPN, student, false, "n'est pas actif"),
        (principal, student, false, "seuls le RUPN"),
        (deputy, teacher, false, "seuls le RUPN"),
        (cpe, student, false, "seuls le RUPN"),
        (student, student, false, "seuls le RUPN"),
        (rupn, disabledStudent, false, "désactivé"),
        (teacher, disabledStudent, false, "désactivé"),
        (rupn, deletedStudent, false, "supprimé"),
    ]

    @Test("Password resets, as the memo says", arguments: resets.indices)
    func reset(row: Int) {
        let (actor, target, allowed, word) = Self.resets[row]
        let decision = AccessRules.passwordReset(by: actor, of: target)
        #expect(decision.isAllowed == allowed, "\(actor.login) → \(target.login): \(decision.reason.french)")
        #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
        #expect(!decision.reason.english.isEmpty)
    }

    /// actor, holder, granting, allowed, a word the reason must contain.
    static let delegations: [(AccountHolder, AccountHolder, Bool, Bool, String)] = [
        (principal, teacher, true, true, "délégué à prof"),
        (deputy, cpe, true, true, "délégué à cpe"),
        (principal, principal, true, true, "délégué à principal"),
        (principal, rupn, false, true, "retiré à rupn.doc"),
        (principal, revokedRUPN, false, true, "retiré"),
        (principal, leavingTeacher, true, false, "n'est pas actif"),
        (principal, student, true, false, "élève"),
        (principal, parent, true, false, "responsable"),
        (formerPrincipal, teacher, true, false, "n'est pas actif"),
        (rupn, teacher, true, false, "seule la direction"),
        (cpe, teacher, true, false, "seule la direction"),
        (teacher, teacher, false, false, "seule la direction"),
        (AccountHolder(login: "eleve.dir", kind: .student, status: .active, function: "DIR"), teacher, true, false, "seule la direction"),
    ]

    @Test("A right recorded for a parent or a student (by hand, or before the rule) opens them no school role; a DIR function on them neither")
    func rolesAreStaffs() {
        for kind in [PersonKind.parent, .student] {
            let holder = AccountHolder(login: "x", kind: kind, status: .active, function: "DIR", rights: [.rupn])
            #expect(Requester.person(holder, at: UAI("0860001X")!).roles(at: UAI("0860001X")!) == [.person], "\(kind)")
        }
        let staff = AccountHolder(login: "y", kind: .staff, status: .active, function: "DIR", rights: [.rupn])
        #expect(Requester.person(staff, at: UAI("0860001X")!).roles(at: UAI("0860001X")!) == [.person, .direction, .rupn])
    }

    @Test("Only the head or their deputy (DIR) delegates rights, and only to staff", arguments: delegations.indices)
    func delegate(row: Int) {
        let (actor, holder, granting, allowed, word) = Self.delegations[row]
        for right in SchoolRight.allCases {
            let decision = AccessRules.rightChange(right, by: actor, to: holder, granting: granting)
            #expect(decision.isAllowed == allowed, "\(actor.login) → \(holder.login) \(right): \(decision.reason.french)")
            #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
        }
    }

    static func closure(liftableBy: Set<CalendarActor>, kind: CalendarEntryKind = .accessClosed) -> CalendarEntry {
        CalendarEntry(id: "fermeture", kind: kind, target: .ent,
                      window: DayWindow(from: CivilDate(year: 2026, month: 8, day: 24), until: CivilDate(year: 2026, month: 9, day: 1)),
                      actor: .department, roles: [.students, .parents], liftableBy: liftableBy, labelFrench: "", labelEnglish: "")
    }

    /// actor, closure, profile, allowed, a word the reason must contain.
    static let lifts: [(AccountHolder, CalendarEntry, CalendarRole, Bool, String)] = [
        (principal, closure(liftableBy: [.principal, .deputy]), .students, true, "par la direction"),
        (deputy, closure(liftableBy: [.principal, .deputy]), .parents, true, "par la direction"),
        (deputy, closure(liftableBy: [.principal]), .parents, true, "par la direction"),
        (principal, closure(liftableBy: [.principal, .deputy]), .staff, false, "ne concerne pas les personnels"),
        (principal, closure(liftableBy: []), .students, false, "ne peut pas être levée"),
        (principal, closure(liftableBy: [.department]), .students, false, "ne peut pas être levée"),
        (principal, closure(liftableBy: [.principal], kind: .cleanup), .students, false, "n'est pas une fermeture"),
        (rupn, closure(liftableBy: [.principal, .deputy]), .students, false, "seule la direction"),
        (teacher, closure(liftableBy: [.principal, .deputy]), .students, false, "seule la direction"),
        (formerPrincipal, closure(liftableBy: [.principal, .deputy]), .students, false, "n'est pas actif"),
    ]

    @Test("Only the head or their deputy lifts a closure the calendar says the school may lift, per profile", arguments: lifts.indices)
    func closureLifts(_ i: Int) {
        let (actor, entry, role, allowed, word) = Self.lifts[i]
        let decision = AccessRules.closureLift(entry, for: role, by: actor)
        #expect(decision.isAllowed == allowed)
        #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
    }

    /// actor, target, allowed, a word the reason must contain.
    static let protections: [(AccountHolder, AccountHolder, Bool, String)] = [
        (principal, leavingStudent, true, "direction"),
        (deputy, teacher, true, "direction"),
        (rupn, leavingTeacher, true, "RUPN"),
        (rupn, disabledStudent, true, "RUPN"),
        (teacher, leavingStudent, false, "seuls la direction et le RUPN"),
        (cpe, student, false, "seuls la direction et le RUPN"),
        (student, student, false, "seuls la direction et le RUPN"),
        (formerPrincipal, student, false, "n'est pas actif"),
        (principal, deletedStudent, false, "déjà supprimé"),
    ]

    @Test("Only the direction or the RUPN protects an account from deletion", arguments: protections.indices)
    func protectionRule(_ i: Int) {
        let (actor, target, allowed, word) = Self.protections[i]
        let decision = AccessRules.protection(by: actor, of: target)
        #expect(decision.isAllowed == allowed)
        #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
    }

    /// actor, target, allowed, a word the reason must contain.
    static let departureApprovals: [(AccountHolder, AccountHolder, Bool, String)] = [
        (principal, leavingTeacher, true, "validé par la direction (principal)"),
        (deputy, cpe, true, "validé par la direction (adjoint)"),
        (rupn, leavingTeacher, true, "validé par le RUPN (rupn.doc)"),
        (rupnTeacher, formerPrincipal, true, "RUPN"),
        (teacher, leavingTeacher, false, "seuls la direction (fonction DIR dans STS-Web) et le RUPN"),
        (cpe, leavingTeacher, false, "seuls la direction"),
        (leavingTeacher, leavingTeacher, false, "n'est pas actif"),
        (student, leavingTeacher, false, "seuls la direction"),
        (formerPrincipal, leavingTeacher, false, "n'est pas actif"),
        (revokedRUPN, leavingTeacher, false, "n'est pas actif"),
        (principal, leavingStudent, false, "suit les exports Siècle-BEE"),
        (principal, parent, false, "responsable"),
        (AccountHolder(login: "eleve.dir", kind: .student, status: .active, function: "DIR"), leavingTeacher, false, "seuls la direction"),
    ]

    @Test("Only the direction or the RUPN approves a member of staff's departure", arguments: departureApprovals.indices)
    func departureApprovalRule(_ i: Int) {
        let (actor, target, allowed, word) = Self.departureApprovals[i]
        let decision = AccessRules.departureApproval(by: actor, of: target)
        #expect(decision.isAllowed == allowed, "\(actor.login) → \(target.login): \(decision.reason.french)")
        #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
        #expect(!decision.reason.english.isEmpty)
    }

    /// actor, target, allowed, a word the reason must contain.
    static let renameAnswers: [(AccountHolder, AccountHolder, Bool, String)] = [
        (principal, student, true, "direction (principal) pour le compte eleve"),
        (deputy, teacher, true, "direction (adjoint)"),
        (rupn, student, true, "RUPN (rupn.doc)"),
        (rupnTeacher, leavingStudent, true, "RUPN"),
        (teacher, student, false, "seuls la direction (fonction DIR dans STS-Web) et le RUPN"),
        (cpe, student, false, "seuls la direction"),
        (student, student, false, "seuls la direction"),
        (formerPrincipal, student, false, "n'est pas actif"),
        (revokedRUPN, student, false, "n'est pas actif"),
    ]

    @Test("Only the direction or the RUPN accepts or declines a proposed rename", arguments: renameAnswers.indices)
    func renameAnswerRule(_ i: Int) {
        let (actor, target, allowed, word) = Self.renameAnswers[i]
        let decision = AccessRules.renameAnswer(by: actor, of: target)
        #expect(decision.isAllowed == allowed, "\(actor.login) → \(target.login): \(decision.reason.french)")
        #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
        #expect(!decision.reason.english.isEmpty)
    }
}

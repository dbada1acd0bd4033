import BasculeDomain
import Testing

@Suite("Who may reset whose password, and who delegates rights")
struct AccessRulesTests {
    static let rupn = AccountHolder(login: "rupn.doc", kind: .staff, status: .active, function: "DOC", rights: [.rupn])
    static let rupnTeacher = AccountHolder(login: "prof.rupn", kind: .teacher, status: .active, function: "ENS", rights: [.rupn])
    static let teacher = AccountHolder(login: "prof", kind: .teacher, status: .active, function: "ENS")
    static let leavingTeacher = AccountHolder(login: "prof.partant", kind: .teacher, status: .leaving, function: "ENS")
    static let principal = AccountHolder(login: "principal", kind: .staff, status: .active, function: "DIR")
    static let deputy = AccountHolder(login: "adjoint", kind: .staff, status: .active, function: "dir")
    static let formerPrincipal = AccountHolder(login: "ancien.principal", kind: .staff, status: .disabled, function: "DIR")
    static let cpe = AccountHolder(login: "cpe", kind: .staff, status: .active, function: "EDU", rights: [.entManager, .garAssignment])
    static let student = AccountHolder(login: "eleve", kind: .student, status: .active)
    static let leavingStudent = AccountHolder(login: "eleve.partant", kind: .student, status: .leaving)
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
        (teacher, student, true, "enseignant"),
        (teacher, leavingStudent, true, "enseignant"),
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
        (formerPrincipal, teacher, true, false, "n'est pas actif"),
        (rupn, teacher, true, false, "seule la direction"),
        (cpe, teacher, true, false, "seule la direction"),
        (teacher, teacher, false, false, "seule la direction"),
        (AccountHolder(login: "eleve.dir", kind: .student, status: .active, function: "DIR"), teacher, true, false, "seule la direction"),
    ]

    @Test("Only the head or their deputy (DIR) delegates rights, and only to staff", arguments: delegations.indices)
    func delegate(row: Int) {
        let (actor, holder, granting, allowed, word) = Self.delegations[row]
        for right in SchoolRight.allCases {
            let decision = AccessRules.rightChange(right, by: actor, to: holder, granting: granting)
            #expect(decision.isAllowed == allowed, "\(actor.login) → \(holder.login) \(right): \(decision.reason.french)")
            #expect(decision.reason.french.contains(word), "\(decision.reason.french)")
        }
    }
}

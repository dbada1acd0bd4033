import BasculeDomain
import Testing

@Suite("Who confirms a held plan, and who records an address for the to-dos")
struct DeciderRulesTests {
    typealias R = AccessRulesTests

    /// decider, allowed, a word the reason must contain.
    static let confirmations: [(Decider, Bool, String)] = [
        (.account(R.rupn), true, "RUPN"),
        (.account(R.rupnTeacher), true, "RUPN"),
        (.department("département (root)"), true, "département"),
        (.account(R.principal), false, "seuls le RUPN de l'établissement"),
        (.account(R.deputy), false, "seuls le RUPN de l'établissement"),
        (.account(R.teacher), false, "seuls le RUPN de l'établissement"),
        (.account(R.cpe), false, "seuls le RUPN de l'établissement"),
        (.account(R.student), false, "seuls le RUPN de l'établissement"),
        (.account(R.revokedRUPN), false, "n'est pas actif"),
    ]

    @Test("A held plan: the RUPN or the department, no one else", arguments: confirmations.indices)
    func heldPlan(_ i: Int) {
        let (decider, allowed, word) = Self.confirmations[i]
        let decision = AccessRules.heldPlanConfirmation(by: decider)
        #expect(decision.isAllowed == allowed, "\(decider.name)")
        #expect(decision.reason.french.contains(word), "\(decider.name): \(decision.reason.french)")
    }

    /// decider, target, allowed, a word the reason must contain.
    static let contacts: [(Decider, AccountHolder, Bool, String)] = [
        (.account(R.rupn), R.rupn, true, "son propre compte"),
        (.account(R.teacher), R.teacher, true, "son propre compte"),
        (.account(R.principal), R.rupn, true, "direction"),
        (.account(R.deputy), R.teacher, true, "direction"),
        (.department("département (root)"), R.cpe, true, "département"),
        (.account(R.rupn), R.teacher, false, "seuls la personne elle-même"),
        (.account(R.teacher), R.rupn, false, "seuls la personne elle-même"),
        (.account(R.formerPrincipal), R.rupn, false, "n'est pas actif"),
        (.account(R.principal), R.student, false, "élève"),
        (.department("département (root)"), R.student, false, "élève"),
        (.account(R.principal), R.parent, false, "responsable"),
        (.account(R.principal), R.leavingTeacher, false, "n'est pas actif"),
    ]

    @Test("An address: the person, the direction or the department; never a student's", arguments: contacts.indices)
    func contact(_ i: Int) {
        let (decider, target, allowed, word) = Self.contacts[i]
        let decision = AccessRules.contactChange(by: decider, of: target)
        #expect(decision.isAllowed == allowed, "\(decider.name) → \(target.login)")
        #expect(decision.reason.french.contains(word), "\(decider.name) → \(target.login): \(decision.reason.french)")
    }
}

import BasculeDomain
import BasculeStore
import Foundation

/// A person confirms a plan the daily run held as out of the ordinary (a truncated export, mass
/// departures), with a reason: the RUPN of the school or the department, as
/// ``AccessRules/heldPlanConfirmation(by:)`` says. The confirmation names the plan held (its
/// hash, recorded on the to-do); the next run applies that plan, and only that one, with the
/// reason in the audit. A plan that changed meanwhile is held again and the to-do stays.
public struct HeldPlanConfirmationService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// At most this many characters: a reason is a sentence for the audit, not a document.
    public static let maximumReasonLength = 500

    @discardableResult
    public func confirm(todoID: Int, by acting: Acting, reason: String, on day: CivilDate,
                        systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> PlanConfirmation {
        let why = try Self.checkedReason(reason)
        guard let row = try await store.todo(id: todoID) else { throw ToDoError.unknownToDo(todoID) }
        if let closed = row.closedOn { throw ToDoError.closed(id: todoID, on: closed) }
        guard row.todo.isConfirmable, let hash = row.todo.planHash else {
            throw ToDoError.notConfirmable(id: todoID, kind: row.todo.kind)
        }
        let uai = row.todo.uai
        let decider = try acting.decider(in: try await SchoolAccounts.load(store, uai: uai), uai: uai)
        let decision = AccessRules.heldPlanConfirmation(by: decider)
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        let confirmation = PlanConfirmation(todoID: todoID, uai: uai, planHash: hash, confirmedBy: decider.name, reason: why,
                                            confirmedOn: day, appliedOn: nil)
        let audit = AuditEntry(at: now.formatted(.iso8601), day: day, actor: decider.name, uai: uai, event: "confirm-plan",
                               target: "tâche \(todoID)",
                               french: "plan retenu \(hash.prefix(12)) confirmé : la prochaine exécution l'applique s'il n'a pas changé ; \(decision.reason.french) ; raison : \(why) ; commande lancée par l'utilisateur système \(systemUser)",
                               english: "held plan \(hash.prefix(12)) confirmed: the next run applies it if unchanged; \(decision.reason.english); reason: \(why); command run by system user \(systemUser)",
                               planHash: hash)
        guard try await store.recordConfirmation(confirmation, audit: [audit], at: now) else {
            throw ToDoError.alreadyConfirmed(id: todoID, planHash: hash)
        }
        return confirmation
    }

    /// A reason goes to the audit and to e-mails: one line of text, not empty, not a document.
    public static func checkedReason(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ToDoError.invalidReason("elle est vide ; dites pourquoi ce plan est voulu") }
        guard trimmed.count <= maximumReasonLength else {
            throw ToDoError.invalidReason("\(trimmed.count) caractères, \(maximumReasonLength) au plus")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
            throw ToDoError.invalidReason("elle contient un saut de ligne ou un caractère de contrôle ; une seule ligne de texte")
        }
        return trimmed
    }
}

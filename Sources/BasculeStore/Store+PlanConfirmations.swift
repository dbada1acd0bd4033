import BasculeDomain
import Foundation
import SQLKit

/// A person's confirmation of a plan the daily run held: for that plan (its hash) only, applied
/// once by the next run that finds the same plan.
public struct PlanConfirmation: Sendable, Hashable, Codable {
    public var todoID: Int
    public var uai: UAI
    /// The held plan's hash (``ToDo/planHash``): the plan without its day.
    public var planHash: String
    /// Who confirmed: an RUPN's login, or the department's name.
    public var confirmedBy: String
    public var reason: String
    public var confirmedOn: CivilDate
    /// The day a run applied it; nil while it waits.
    public var appliedOn: CivilDate?

    public init(todoID: Int, uai: UAI, planHash: String, confirmedBy: String, reason: String, confirmedOn: CivilDate,
                appliedOn: CivilDate? = nil) {
        self.todoID = todoID
        self.uai = uai
        self.planHash = planHash
        self.confirmedBy = confirmedBy
        self.reason = reason
        self.confirmedOn = confirmedOn
        self.appliedOn = appliedOn
    }
}

extension Store {
    /// Records the confirmation of `planHash` for to-do `todoID`, with its audit entry, in one
    /// transaction; false when that very plan was already confirmed for this to-do.
    public func recordConfirmation(_ confirmation: PlanConfirmation, audit: [AuditEntry], at now: Date) async throws -> Bool {
        try await storing("confirmations") {
            try await self.transaction {
                let existing = try await self.query("""
                    SELECT todo_id FROM plan_confirmations
                    WHERE todo_id = \(bind: confirmation.todoID) AND plan_hash = \(bind: confirmation.planHash)
                    """, "confirmations")
                guard existing.isEmpty else { return false }
                try await self.insertRows("plan_confirmations",
                    columns: ["todo_id", "uai", "plan_hash", "confirmed_by", "reason", "confirmed_on", "confirmed_at"],
                    rows: [[confirmation.todoID, confirmation.uai.code, confirmation.planHash, confirmation.confirmedBy, confirmation.reason,
                            confirmation.confirmedOn.description, Self.timestamp(now)]])
                try await self.appendAudit(audit)
                return true
            }
        }
    }

    /// The confirmations of a school not applied yet, oldest first.
    public func pendingConfirmations(uai: UAI) async throws -> [PlanConfirmation] {
        try await query("""
            SELECT * FROM plan_confirmations WHERE uai = \(bind: uai.code) AND applied_on IS NULL ORDER BY confirmed_at, todo_id
            """, "confirmations").map(Self.confirmation)
    }

    public func confirmations(todoID: Int) async throws -> [PlanConfirmation] {
        try await query("SELECT * FROM plan_confirmations WHERE todo_id = \(bind: todoID) ORDER BY confirmed_at",
                        "confirmations").map(Self.confirmation)
    }

    /// The run applied the confirmed plan on `day`: the confirmation is used up.
    public func markConfirmationApplied(todoID: Int, planHash: String, on day: CivilDate) async throws {
        try await storing("confirmations") {
            try await self.transaction {
                try await self.db.raw("""
                    UPDATE plan_confirmations SET applied_on = \(bind: day.description)
                    WHERE todo_id = \(bind: todoID) AND plan_hash = \(bind: planHash)
                    """).run()
            }
        }
    }

    static func confirmation(_ r: any SQLRow) throws -> PlanConfirmation {
        PlanConfirmation(todoID: try r.decode(column: "todo_id", as: Int.self),
                         uai: UAI(try r.decode(column: "uai", as: String.self))!,
                         planHash: try r.decode(column: "plan_hash", as: String.self),
                         confirmedBy: try r.decode(column: "confirmed_by", as: String.self),
                         reason: try r.decode(column: "reason", as: String.self),
                         confirmedOn: CivilDate(parsing: try r.decode(column: "confirmed_on", as: String.self))!,
                         appliedOn: try r.decode(column: "applied_on", as: String?.self).flatMap(CivilDate.init(parsing:)))
    }
}

import BasculeDomain
import BasculeStore
import Foundation

/// The school approves the departure of members of staff gone from STS-Web, so that the
/// calendar's deletion window deletes their accounts: the direction's or the RUPN's decision
/// (``AccessRules/departureApproval(by:of:)``), named by their login, audited.
public struct DepartureApprovalService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// What could not be approved, login by login: nothing is approved then.
    public enum Refusal: Error, Sendable, Equatable {
        /// No member of staff leaving or disabled holds this login in the school.
        case notDeparted(login: String, uai: UAI)
    }

    /// `actor` approves the departures of `logins`; all of them, or none when one is refused.
    /// Returns the accounts approved.
    @discardableResult
    public func approve(uai: UAI, logins: [String], by actor: String, on date: CivilDate,
                        systemUser: String = PlanningService.defaultActor) async throws -> [Account] {
        try await approve(uai: uai, logins: logins, as: .account(actor), on: date, systemUser: systemUser)
    }

    @discardableResult
    public func approve(uai: UAI, logins: [String], as acting: Acting, on date: CivilDate,
                        systemUser: String = PlanningService.defaultActor) async throws -> [Account] {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let holder = try school.actor(acting, uai: uai)
        var approved: [Account] = []
        for login in logins {
            guard let a = school.directory.accounts.first(where: { $0.login == login && $0.status != .deleted }) else {
                throw Refusal.notDeparted(login: login, uai: uai)
            }
            let decision = AccessRules.departureApproval(by: holder, of: school.holder(a))
            guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
            guard a.status == .leaving || a.status == .disabled else { throw Refusal.notDeparted(login: login, uai: uai) }
            approved.append(a)
        }
        try await store.approveDepartures(Dictionary(approved.map { ($0.personID, $0.login) }, uniquingKeysWith: { a, _ in a }), uai: uai, on: date, by: acting.name,
                                          note: Reason("commande lancée par l'utilisateur système \(systemUser)",
                                                       "command run by system user \(systemUser)"))
        return approved
    }
}

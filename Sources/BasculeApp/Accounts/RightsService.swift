import BasculeDomain
import BasculeStore
import Foundation

/// The rights the direction delegates (RUPN, ENT manager, GAR assignment): granted and revoked
/// only by the head of the school or their deputy, each change audited.
public struct RightsService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// A right as listed: who holds it, granted by whom and when.
    public struct Held: Sendable, Hashable {
        public var right: SchoolRight
        public var login: String
        public var name: PersonName
        public var status: AccountStatus
        public var grantedBy: String
        public var grantedOn: CivilDate
    }

    public func list(uai: UAI) async throws -> [Held] {
        let accounts = Dictionary(try await store.directoryState(uai: uai).accounts.map { ($0.personID, $0) },
                                  uniquingKeysWith: { a, _ in a })
        return try await store.rights(uai: uai).compactMap { g in
            guard let a = accounts[g.personID] else { return nil }
            return Held(right: g.right, login: a.login, name: a.name, status: a.status, grantedBy: g.grantedBy, grantedOn: g.grantedOn)
        }.sorted { ($0.right, $0.login) < ($1.right, $1.login) }
    }

    /// `actor` gives `right` to `login`; the access rules decide. Returns the rule's reason.
    @discardableResult
    public func grant(uai: UAI, right: SchoolRight, to login: String, by actor: String, on date: CivilDate,
                      systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Reason {
        try await change(uai: uai, right: right, login: login, acting: .account(actor), date: date, systemUser: systemUser, now: now,
                         granting: true)
    }

    /// `actor` takes `right` back from `login`.
    @discardableResult
    public func revoke(uai: UAI, right: SchoolRight, from login: String, by actor: String, on date: CivilDate,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Reason {
        try await change(uai: uai, right: right, login: login, acting: .account(actor), date: date, systemUser: systemUser, now: now,
                         granting: false)
    }

    /// `acting` gives (`granting`) or takes back `right` from `login`; the access rules decide.
    @discardableResult
    public func change(uai: UAI, right: SchoolRight, login: String, acting: Acting, date: CivilDate,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date(), granting: Bool) async throws -> Reason {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        let actor = acting.name
        let to = try school.account(login, uai: uai)
        let decision = AccessRules.rightChange(right, by: by, to: school.holder(to), granting: granting)
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        let held = school.rights[to.personID]?.contains(right) ?? false
        if granting && held { throw AccountsError.alreadyHeld(login: login, right: right) }
        if !granting && !held { throw AccountsError.notHeld(login: login, right: right) }
        let audit = AuditEntry(at: now.formatted(.iso8601), actor: actor, uai: uai,
                               event: granting ? "grant-right" : "revoke-right", target: login,
                               french: decision.reason.french + " ; commande lancée par l'utilisateur système \(systemUser)",
                               english: decision.reason.english + "; command run by system user \(systemUser)", planHash: nil)
        if granting {
            try await store.grantRight(uai: uai, RightGrant(personID: to.personID, right: right, grantedBy: actor, grantedOn: date),
                                       audit: [audit])
        } else {
            try await store.revokeRight(uai: uai, personID: to.personID, right: right, audit: [audit])
        }
        return decision.reason
    }
}

import BasculeDomain
import BasculeStore
import Foundation

/// A new temporary password for a person who lost theirs, given by someone the access rules
/// allow: issued exactly as for a new account (slow hash, sealed copy for the sheet, to be
/// changed at first login), audited without the password.
public struct PasswordResetService: Sendable {
    public let store: Store
    public let issuer: CredentialIssuer

    public init(store: Store, issuer: CredentialIssuer) {
        self.store = store
        self.issuer = issuer
    }

    public struct Outcome: Sendable {
        public var account: Account
        /// Why the reset was allowed (the rule's reason).
        public var allowedBecause: Reason
        public var issuedOn: CivilDate
        /// The student's class, for the sheet: `bascule sheets --class D --since DAY`.
        public var division: String?
    }

    public func reset(uai: UAI, login: String, by actor: String, on date: CivilDate,
                      systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Outcome {
        try await reset(uai: uai, login: login, as: .account(actor), on: date, systemUser: systemUser, now: now)
    }

    /// A reset is what a school does when an account is taken over: whoever is logged in to the
    /// service with the old password is logged out, from the CLI as from the service; the session
    /// `keepingSession` names (the one asking, were it their own account) stays.
    public func reset(uai: UAI, login: String, as acting: Acting, on date: CivilDate,
                      systemUser: String = PlanningService.defaultActor, now: Date = Date(),
                      keepingSession: String? = nil) async throws -> Outcome {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        let actor = acting.name
        let target = try school.account(login, uai: uai)
        let decision = AccessRules.passwordReset(by: by, of: school.holder(target))
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        // Nothing of the old password survives: its hash and any sealed copy are replaced.
        let row = try issuer.issue(for: [target.personID], on: date)[0]
        let audit = AuditEntry(at: now.formatted(.iso8601), actor: actor, uai: uai, event: "password-reset", target: target.login,
                               french: "mot de passe provisoire réinitialisé, à changer à la première connexion ; \(decision.reason.french) ; commande lancée par l'utilisateur système \(systemUser)",
                               english: "temporary password reset, to be changed at first login; \(decision.reason.english); command run by system user \(systemUser)",
                               planHash: nil)
        try await store.resetCredential(uai: uai, row, audit: [audit])
        try await store.deleteSessions(kind: SessionRow.personKind, login: target.login, uai: uai, except: keepingSession)
        let division = target.kind == .student
            ? try await PeopleQuery(store: store).people(uai: uai, kind: .student).first { $0.id == target.personID }?.division
            : nil
        return Outcome(account: target, allowedBecause: decision.reason, issuedOn: date, division: division)
    }
}

import BasculeDomain
import BasculeStore
import Foundation

/// A person's answer to a rename the plan proposes: accepted (the new login, in one transaction)
/// or declined (the person keeps their login while their name stays the same). The direction or
/// the RUPN answers (``AccessRules/renameAnswer(by:of:)``), named by their login.
public struct RenameService: Sendable {
    public let planning: PlanningService

    public init(planning: PlanningService) { self.planning = planning }

    public struct Outcome: Sendable {
        public var proposal: PlanAction
        public var oldLogin: String
        public var newLogin: String
        public var oldEntLogin: String
        /// The new ENT login, when the plan proposed one.
        public var newEntLogin: String?
        /// The groups the account is in, now under its new login.
        public var groups: [String]
    }

    /// The rename the plan of `date` proposes for `login`.
    public func proposal(uai: UAI, login: String, date: CivilDate) async throws -> (HashedPlan, PlanAction) {
        let hashed = try await planning.plan(uai: uai, date: date)
        guard let p = hashed.plan.actions.first(where: { $0.kind == .proposeRename && $0.login == login }),
              p.newLogin != nil, p.personID != nil else {
            throw AccountsError.noRenameProposed(login: login, uai: uai)
        }
        return (hashed, p)
    }

    /// `acting` (a person of the school, or an authority such as a department administrator) may
    /// answer the rename proposed for `login`: the access rules decide. Returns the name audited.
    func authorize(uai: UAI, login: String, acting: Acting) async throws -> (actor: String, reason: Reason) {
        let school = try await SchoolAccounts.load(planning.store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        let decision = AccessRules.renameAnswer(by: by, of: school.holder(try school.account(login, uai: uai)))
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        return (by.login, decision.reason)
    }

    /// Gives the account the login the plan proposes, never another: its groups follow, its old
    /// logins are burnt, and the audit says who, when, from what to what and why.
    public func accept(uai: UAI, login: String, date: CivilDate, by actor: String,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Outcome {
        try await accept(uai: uai, login: login, date: date, as: .account(actor), systemUser: systemUser, now: now)
    }

    public func accept(uai: UAI, login: String, date: CivilDate, as acting: Acting,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Outcome {
        let (hashed, proposal) = try await proposal(uai: uai, login: login, date: date)
        let (actor, rule) = try await authorize(uai: uai, login: login, acting: acting)
        if let why = hashed.plan.deferred { throw AccountsError.deferred(why) }
        let store = planning.store
        let before = try await store.directoryState(uai: uai)
        let after = before.renaming(proposal, on: date)
        let newLogin = proposal.newLogin!
        let oldEnt = proposal.entLogin ?? before.accounts.first { $0.personID == proposal.personID }?.entLogin ?? login
        let groups = before.groups.filter { $0.members.contains(login) }.map(\.name).sorted()
        let ent = proposal.newEntLogin.map { " ; ENT : \(oldEnt) → \($0)" } ?? ""
        let entEnglish = proposal.newEntLogin.map { "; ENT: \(oldEnt) → \($0)" } ?? ""
        let burnt = [login] + (proposal.newEntLogin != nil ? [oldEnt] : [])
        let audit = AuditEntry(
            at: now.formatted(.iso8601), actor: actor, uai: uai, event: "rename-account", target: newLogin,
            french: "renommage accepté : \(login) → \(newLogin)\(ent) (\(proposal.name?.full ?? "")) ; \(groups.count) groupe(s) suivi(s) ; "
                + "\(burnt.joined(separator: ", ")) brûlé(s) le \(date) ; raison : \(proposal.reason.french) ; \(rule.french) ; "
                + "commande lancée par l'utilisateur système \(systemUser)",
            english: "rename accepted: \(login) → \(newLogin)\(entEnglish); \(groups.count) group(s) follow; \(burnt.joined(separator: ", ")) burnt on \(date); why: \(proposal.reason.english); \(rule.english); command run by system user \(systemUser)",
            planHash: hashed.hash)
        try await store.acceptRename(uai: uai, personID: proposal.personID!, directory: after, expecting: before, audit: [audit])
        return Outcome(proposal: proposal, oldLogin: login, newLogin: newLogin, oldEntLogin: oldEnt,
                       newEntLogin: proposal.newEntLogin, groups: groups)
    }

    /// Records that the person keeps `login`: the plan stops proposing this rename until their
    /// name changes again.
    public func decline(uai: UAI, login: String, date: CivilDate, by actor: String,
                        systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Outcome {
        try await decline(uai: uai, login: login, date: date, as: .account(actor), systemUser: systemUser, now: now)
    }

    public func decline(uai: UAI, login: String, date: CivilDate, as acting: Acting,
                        systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Outcome {
        let (hashed, proposal) = try await proposal(uai: uai, login: login, date: date)
        let (actor, rule) = try await authorize(uai: uai, login: login, acting: acting)
        let store = planning.store
        let before = try await store.directoryState(uai: uai)
        guard let name = proposal.name, let personID = proposal.personID, let newLogin = proposal.newLogin else {
            throw AccountsError.noRenameProposed(login: login, uai: uai)
        }
        let audit = AuditEntry(
            at: now.formatted(.iso8601), actor: actor, uai: uai, event: "decline-rename", target: login,
            french: "renommage refusé : \(login) garde son identifiant (proposé : \(newLogin)) tant que son nom reste « \(name.full) » ; \(rule.french) ; commande lancée par l'utilisateur système \(systemUser)",
            english: "rename declined: \(login) keeps the login (proposed: \(newLogin)) while the name stays \"\(name.full)\"; \(rule.english); command run by system user \(systemUser)",
            planHash: hashed.hash)
        try await store.declineRename(uai: uai, personID: personID, name: name, keptLogin: login, proposedLogin: newLogin,
                                      on: date, by: actor, audit: [audit])
        return Outcome(proposal: proposal, oldLogin: login, newLogin: newLogin, oldEntLogin: proposal.entLogin ?? login,
                       newEntLogin: proposal.newEntLogin,
                       groups: before.groups.filter { $0.members.contains(login) }.map(\.name).sorted())
    }
}

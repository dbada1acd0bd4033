import BasculeDomain
import BasculeMail
import BasculeStore
import Foundation

/// The address at which a member of staff hears of the to-dos they can act on: recorded by the
/// person, the direction or the department (``AccessRules/contactChange(by:of:)``), audited
/// without the address itself.
public struct ContactService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Records `address` for `login` (nil removes it).
    public func set(uai: UAI, login: String, address text: String?, by acting: Acting, on day: CivilDate,
                    systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws {
        var address: MailAddress?
        if let text {
            guard let a = MailAddress(text) else { throw ToDoError.invalidAddress(text) }
            address = a
        }
        let school = try await SchoolAccounts.load(store, uai: uai)
        let target = try school.account(login, uai: uai)
        let decider = try acting.decider(in: school, uai: uai)
        let decision = AccessRules.contactChange(by: decider, of: school.holder(target))
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        let audit = AuditEntry(at: now.formatted(.iso8601), day: day, actor: decider.name, uai: uai,
                               event: address == nil ? "remove-contact" : "set-contact", target: target.login,
                               french: (address == nil ? "adresse de courriel retirée" : "adresse de courriel enregistrée pour les tâches (domaine \(address!.domain))")
                                   + " ; \(decision.reason.french) ; commande lancée par l'utilisateur système \(systemUser)",
                               english: (address == nil ? "e-mail address removed" : "e-mail address recorded for to-dos (domain \(address!.domain))")
                                   + "; \(decision.reason.english); command run by system user \(systemUser)",
                               planHash: nil)
        try await store.setContact(uai: uai, personID: target.personID, address: address?.value, by: decider.name, on: day, audit: [audit])
    }

    /// One recorded address, with what it is used for.
    public struct Entry: Sendable, Codable {
        public var uai: UAI
        public var login: String
        public var address: String
        /// `direction`, `rupn`: the to-dos it receives; empty when the person holds neither.
        public var roles: [String]
        public var setBy: String
        public var setOn: CivilDate
    }

    public func list(uai: UAI? = nil) async throws -> [Entry] {
        var out: [Entry] = []
        let contacts = try await store.contacts(uai: uai)
        for school in Set(contacts.map(\.uai)).sorted(by: { $0.code < $1.code }) {
            let accounts = try await SchoolAccounts.load(store, uai: school)
            for c in contacts where c.uai == school {
                guard let account = accounts.directory.accounts.first(where: { $0.personID == c.personID && $0.status != .deleted })
                        ?? accounts.directory.accounts.first(where: { $0.personID == c.personID }) else { continue }
                let holder = accounts.holder(account)
                var roles: [String] = []
                if account.status == .active, holder.isDirection { roles.append(ToDo.Role.direction.rawValue) }
                if account.status == .active, holder.rights.contains(.rupn) { roles.append(ToDo.Role.rupn.rawValue) }
                out.append(Entry(uai: school, login: account.login, address: c.address, roles: roles, setBy: c.setBy, setOn: c.setOn))
            }
        }
        return out
    }
}

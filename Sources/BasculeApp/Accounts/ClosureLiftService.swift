import BasculeDomain
import BasculeStore
import Foundation

/// The principal or deputy opens an access closure early for a profile (the ENT's rentrée
/// closure, "Pilotage > Fermeture rentrée"), or takes the opening back; each audited. The plan
/// and `bascule calendar` show it from then on.
public struct ClosureLiftService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The closure `entryID`, or the calendar's only closure the school may lift when nil.
    public static func closure(_ entryID: String?, in calendar: SchoolCalendar) throws(AccountsError) -> CalendarEntry {
        let liftable = calendar.entries.filter { $0.kind == .accessClosed && !$0.liftableBy.isEmpty }
        if let entryID {
            guard let e = calendar.entry(entryID), e.kind == .accessClosed else {
                throw .noSuchClosure("« \(entryID) » n'est pas une fermeture d'accès du calendrier \(calendar.year)")
            }
            return e
        }
        guard liftable.count == 1 else {
            throw .noSuchClosure(liftable.isEmpty
                ? "le calendrier \(calendar.year) n'en a aucune qu'on puisse lever"
                : "le calendrier \(calendar.year) en a plusieurs (\(liftable.map(\.id).joined(separator: ", "))) : précisez --entry")
        }
        return liftable[0]
    }

    /// `actor` opens `entry` for `roles` from `date` on. Returns the liftings recorded.
    public func lift(uai: UAI, calendar: SchoolCalendar, entry: CalendarEntry, roles: [CalendarRole], by actor: String,
                     on date: CivilDate, systemUser: String = PlanningService.defaultActor,
                     now: Date = Date()) async throws -> [AccessLifting] {
        try await lift(uai: uai, calendar: calendar, entry: entry, roles: roles, as: .account(actor), on: date,
                       systemUser: systemUser, now: now)
    }

    public func lift(uai: UAI, calendar: SchoolCalendar, entry: CalendarEntry, roles: [CalendarRole], as acting: Acting,
                     on date: CivilDate, systemUser: String = PlanningService.defaultActor,
                     now: Date = Date()) async throws -> [AccessLifting] {
        if let until = entry.until, date > until { throw AccountsError.closureOver(entryID: entry.id, until: until) }
        let school = try await SchoolAccounts.load(store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        var done: [AccessLifting] = []
        for role in roles.isEmpty ? CalendarRole.allCases.filter(entry.roles.contains) : roles {
            let decision = AccessRules.closureLift(entry, for: role, by: by)
            guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
            let lifting = AccessLifting(year: calendar.year, entryID: entry.id, role: role, from: date, by: by.login,
                                        byLabel: { if case .authority = acting { "département" } else { "direction" } }())
            let audit = AuditEntry(at: now.formatted(.iso8601), actor: by.login, uai: uai, event: "lift-closure", target: entry.id,
                                   french: "\(entry.target.label) ouvert aux \(role.label) à partir du \(date) (fermeture prévue jusqu'au \(entry.until.map(\.description) ?? "—")) ; \(decision.reason.french) ; commande lancée par l'utilisateur système \(systemUser)",
                                   english: "\(entry.target.id) open to \(role.rawValue) from \(date); \(decision.reason.english); command run by system user \(systemUser)",
                                   planHash: nil)
            try await store.recordLifting(uai: uai, lifting, audit: [audit])
            done.append(lifting)
        }
        return done
    }

    /// `actor` takes back the early opening of `entry` for `roles`: the closure applies again.
    public func cancel(uai: UAI, calendar: SchoolCalendar, entry: CalendarEntry, roles: [CalendarRole], by actor: String,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> [CalendarRole] {
        try await cancel(uai: uai, calendar: calendar, entry: entry, roles: roles, as: .account(actor), systemUser: systemUser, now: now)
    }

    public func cancel(uai: UAI, calendar: SchoolCalendar, entry: CalendarEntry, roles: [CalendarRole], as acting: Acting,
                       systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> [CalendarRole] {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        let existing = calendar.applicable(try await store.accessLiftings(uai: uai)).filter { $0.entryID == entry.id }
        var done: [CalendarRole] = []
        for role in roles.isEmpty ? CalendarRole.allCases.filter(entry.roles.contains) : roles {
            let decision = AccessRules.closureLift(entry, for: role, by: by)
            guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
            guard existing.contains(where: { $0.role == role }) else {
                if roles.isEmpty { continue }
                throw AccountsError.notLifted(entryID: entry.id, role: role)
            }
            let audit = AuditEntry(at: now.formatted(.iso8601), actor: by.login, uai: uai, event: "cancel-lift-closure", target: entry.id,
                                   french: "ouverture anticipée annulée : \(entry.target.label) de nouveau fermé aux \(role.label) jusqu'au \(entry.until.map(\.description) ?? "—") ; commande lancée par l'utilisateur système \(systemUser)",
                                   english: "early opening cancelled: \(entry.target.id) closed again to \(role.rawValue); command run by system user \(systemUser)",
                                   planHash: nil)
            try await store.cancelLifting(uai: uai, year: calendar.year, entryID: entry.id, role: role, audit: [audit])
            done.append(role)
        }
        if done.isEmpty, let role = CalendarRole.allCases.first(where: entry.roles.contains) {
            throw AccountsError.notLifted(entryID: entry.id, role: role)
        }
        return done
    }
}

/// Protects an account from being disabled or deleted by any plan (or lifts the protection):
/// the direction's or the RUPN's decision, audited.
public struct ProtectionService: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    @discardableResult
    public func set(uai: UAI, login: String, protected: Bool, by actor: String, reason: String?,
                    systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Account {
        try await set(uai: uai, login: login, protected: protected, as: .account(actor), reason: reason, systemUser: systemUser, now: now)
    }

    /// As ``set(uai:login:protected:by:reason:systemUser:now:)``, by a person of the school or an
    /// authority without an account there (a department administrator, audited under its name).
    @discardableResult
    public func set(uai: UAI, login: String, protected: Bool, as acting: Acting, reason: String?,
                    systemUser: String = PlanningService.defaultActor, now: Date = Date()) async throws -> Account {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let by = try school.actor(acting, uai: uai)
        var target = try school.account(login, uai: uai)
        let decision = AccessRules.protection(by: by, of: school.holder(target))
        guard decision.isAllowed else { throw AccountsError.refused(decision.reason) }
        guard target.protected != protected else { throw AccountsError.alreadyProtected(login: login, protected: protected) }
        let why = reason.map { " ; raison : \($0)" } ?? ""
        let audit = AuditEntry(at: now.formatted(.iso8601), actor: by.login, uai: uai, event: protected ? "protect" : "unprotect",
                               target: target.login,
                               french: (protected ? "compte protégé : aucun plan ne le désactive ni ne le supprime" : "protection levée : le compte suit de nouveau les départs")
                                   + " ; \(decision.reason.french)\(why) ; commande lancée par l'utilisateur système \(systemUser)",
                               english: (protected ? "account protected from being disabled or deleted" : "protection lifted")
                                   + "; \(decision.reason.english)\(reason.map { "; reason: \($0)" } ?? ""); command run by system user \(systemUser)",
                               planHash: nil)
        try await store.setProtected(uai: uai, personID: target.personID, protected, audit: [audit])
        target.protected = protected
        return target
    }
}

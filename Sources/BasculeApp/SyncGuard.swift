import BasculeDomain
import BasculeStore
import Foundation

/// Why a run on the real directory or on the file spaces was refused before it changed anything.
public enum SyncRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store has no import of the school: it cannot say what the school's directory or spaces
    /// must hold, and a run would remove all of it (a wrong `--data`, a mistyped `--database`).
    case unknownSchool(uai: UAI, store: String, target: String)
    /// More removals than the guard allows that no applied plan decided.
    case massDeletion(uai: UAI, target: String, count: Int, total: Int, examples: [String])
    /// Accounts of people this store has never known, in the school's branch: another store put
    /// them there (a newer one, when this one is a stale copy or a restored backup).
    case unknownPeople(uai: UAI, target: String, count: Int, examples: [String])

    public var french: String {
        switch self {
        case let .unknownSchool(uai, store, target):
            "Refusé : la base \(store) n'a aucun import de l'établissement \(uai) ; elle ne sait rien de ce qu'il doit y avoir dans \(target), et une synchronisation y supprimerait tout ce que Bascule y a mis. Rien n'a été modifié. Vérifiez --data (ou --database) et --school : c'est la base où les exports de \(uai) ont été importés qu'il faut donner. / Refused: this store has no import of \(uai); check --data."
        case let .massDeletion(uai, target, count, total, examples):
            "Refusé : \(count) suppression(s) sur \(total) entrée(s) de Bascule pour \(uai) dans \(target) (plus de \(Int(SyncDeletionGuard.ratio * 100)) %), sans plan appliqué qui les ait décidées"
                + (examples.isEmpty ? "" : " (par exemple \(examples.prefix(3).joined(separator: ", ")))")
                + ". Rien n'a été modifié. Vérifiez --data (ou --database) : est-ce bien la base de cet établissement ? Si c'est voulu : --allow-mass-change --reason \"…\". / Refused: \(count) of \(total) of Bascule's entries would be removed with no applied plan behind them."
        case let .unknownPeople(uai, target, count, examples):
            "Refusé : \(count) compte(s) de \(uai) dans \(target) appartiennent à des personnes que cette base n'a jamais connues"
                + (examples.isEmpty ? "" : " (par exemple \(examples.prefix(3).joined(separator: ", ")))")
                + " : une autre base, plus récente, les y a mis (cette base serait-elle une copie ancienne ou une sauvegarde restaurée ?). Ils ne sont jamais supprimés sans confirmation. Rien n'a été modifié. Vérifiez --data (ou --database) ; si c'est voulu : --allow-mass-change --reason \"…\". / Refused: \(count) accounts belong to people this store never knew; is it a stale copy?"
        }
    }

    public var description: String { french }
}

/// The syncs' own mass-change guard, the same as the plans': removals that no applied plan
/// decided (an account the store does not record as deleted, a group no plan deleted) are
/// refused past 10 % of the school's entries unless a person confirms with a reason.
/// Removals a plan decided passed the plan's guard already, and are not counted again.
public struct SyncDeletionGuard: Sendable {
    public var allowMassChange: Bool
    public var reason: String?

    public init(allowMassChange: Bool = false, reason: String? = nil) {
        self.allowMassChange = allowMassChange
        self.reason = reason
    }

    /// The plans' threshold.
    public static let ratio = PlanningPolicy.default.massChangeRatio

    /// What applied plans removed for the school: accounts the store records as deleted (by
    /// person id), and groups deleted by a plan (its audit) that no plan made again since.
    public struct Planned: Sendable {
        public var persons: Set<String>
        public var groups: Set<String>
    }

    /// Refuses a school the store has no import of: it knows nothing of what must be there.
    public static func requireKnown(_ uai: UAI, store: Store, target: String) async throws {
        if try await store.imports(uai: uai).isEmpty {
            throw SyncRefusal.unknownSchool(uai: uai, store: store.location.description, target: target)
        }
    }

    public static func planned(_ uai: UAI, store: Store) async throws -> Planned {
        let state = try await store.directoryState(uai: uai)
        let live = Set(state.groups.map(\.name))
        let deleted = try await store.auditEntries(AuditFilter(uai: uai, event: PlanAction.Kind.deleteGroup.rawValue))
        return Planned(persons: Set(state.accounts.filter { $0.status == .deleted }.map(\.personID)),
                       groups: Set(deleted.compactMap(\.target)).subtracting(live))
    }

    /// Throws when accounts of people the store never knew would be removed, whatever their
    /// number, unless a person confirmed (the confirmation is audited by ``check``).
    public func checkStrangers(uai: UAI, target: String, strangers: [String]) throws {
        guard !strangers.isEmpty else { return }
        guard allowMassChange, let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SyncRefusal.unknownPeople(uai: uai, target: target, count: strangers.count, examples: Array(strangers.sorted().prefix(3)))
        }
    }

    /// Throws when `unexplained` removals are more than 10 % of `total` and no person confirmed;
    /// returns the audit line of a confirmed one (nil when the guard had nothing to say).
    public func check(uai: UAI, target: String, unexplained: [String], total: Int, event: String, actor: String,
                      at: Date) throws -> AuditEntry? {
        guard total > 0, Double(unexplained.count) > Double(total) * Self.ratio else { return nil }
        guard allowMassChange, let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SyncRefusal.massDeletion(uai: uai, target: target, count: unexplained.count, total: total,
                                           examples: Array(unexplained.sorted().prefix(3)))
        }
        return AuditEntry(at: at.formatted(.iso8601), actor: actor, uai: uai, event: event, target: nil,
                          french: "\(unexplained.count) suppression(s) sur \(target) (sur \(total) entrée(s) de Bascule) sans plan appliqué qui les ait décidées, confirmées — raison donnée : \(reason)",
                          english: "\(unexplained.count) removals on \(target) (of \(total) Bascule entries) with no applied plan behind them, confirmed: \(reason)",
                          planHash: nil)
    }
}

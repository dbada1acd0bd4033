import BasculeDomain
import BasculeStore

/// Why a person's action on an account (rename, right, password reset) was not done. French first.
public enum AccountsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No account with this login in the school's directory.
    case unknownAccount(login: String, uai: UAI)
    /// The current plan proposes no rename for this login.
    case noRenameProposed(login: String, uai: UAI)
    /// The calendar keeps changes from reaching the directory today.
    case deferred(Reason)
    /// The access rules say no, with their reason.
    case refused(Reason)
    case alreadyHeld(login: String, right: SchoolRight)
    case notHeld(login: String, right: SchoolRight)
    /// The calendar has no closure to lift under that name (or none at all).
    case noSuchClosure(String)
    /// The closure is already over on that day: there is nothing left to lift.
    case closureOver(entryID: String, until: CivilDate)
    case notLifted(entryID: String, role: CalendarRole)
    case alreadyProtected(login: String, protected: Bool)

    public var french: String {
        switch self {
        case .unknownAccount(let login, let uai):
            "Aucun compte « \(login) » dans l'annuaire de \(uai) (bascule accounts --school \(uai) les liste)."
        case .noRenameProposed(let login, let uai):
            "Le plan actuel de \(uai) ne propose aucun renommage pour « \(login) » : rien n'a été changé (bascule plan --school \(uai) montre les propositions)."
        case .deferred(let why): "Rien n'est changé aujourd'hui : \(why.french)"
        case .refused(let why): "Refusé : \(why.french)."
        case .alreadyHeld(let login, let right): "\(login) a déjà le droit \(right.rawValue) : rien n'a été changé."
        case .notHeld(let login, let right): "\(login) n'a pas le droit \(right.rawValue) : rien n'a été retiré."
        case .noSuchClosure(let what): "Aucune fermeture d'accès à lever : \(what) (bascule calendar montre les entrées du calendrier)."
        case .closureOver(let id, let until): "La fermeture « \(id) » finit le \(until) : après cette date, il n'y a plus rien à lever."
        case .notLifted(let id, let role): "La fermeture « \(id) » n'a pas été levée pour les \(role.label) : rien n'a été annulé."
        case .alreadyProtected(let login, let protected):
            protected ? "\(login) est déjà protégé : rien n'a été changé." : "\(login) n'est pas protégé : rien n'a été changé."
        }
    }

    public var description: String { french }
}

/// A school's accounts as the access rules see them: the directory, each person's STS-Web
/// function in the newest export, and the rights the direction delegated.
struct SchoolAccounts {
    var directory: DirectoryState
    var functions: [String: String]
    var rights: [String: Set<SchoolRight>]

    static func load(_ store: Store, uai: UAI) async throws -> SchoolAccounts {
        var functions: [String: String] = [:]
        if let sts = try await store.latestImport(uai: uai, source: .sts) {
            for p in try await store.snapshotPeople(importID: sts.id) where !p.hasLeft {
                if let f = p.function { functions[p.personID] = f }
            }
        }
        var rights: [String: Set<SchoolRight>] = [:]
        for g in try await store.rights(uai: uai) { rights[g.personID, default: []].insert(g.right) }
        return SchoolAccounts(directory: try await store.directoryState(uai: uai), functions: functions, rights: rights)
    }

    /// The account holding `login`: the live one, when a deleted account once had the same login.
    func account(_ login: String, uai: UAI) throws(AccountsError) -> Account {
        let matching = directory.accounts.filter { $0.login == login }
        guard let a = matching.first(where: { $0.status != .deleted }) ?? matching.first else {
            throw .unknownAccount(login: login, uai: uai)
        }
        return a
    }

    func holder(_ a: Account) -> AccountHolder {
        AccountHolder(login: a.login, kind: a.kind, status: a.status, function: functions[a.personID],
                      rights: rights[a.personID] ?? [])
    }
}


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

/// Who acts on an account: a person of the school named by their login (the CLI's `--by`, run by
/// root; a person logged in to the service), or an authority that holds no account of the school
/// (a department administrator, an API token), with the roles the access table gave it.
public enum Acting: Sendable, Hashable {
    case account(String)
    case authority(name: String, roles: Set<AccessRole>)

    /// For the audit: the login, or the authority's name.
    public var name: String {
        switch self {
        case .account(let login): login
        case .authority(let name, _): name
        }
    }
}

/// A school's accounts as the access rules see them: the directory, each person's STS-Web
/// function in the newest export, the rights the direction delegated, the classes and groups
/// each teacher's services cover and each student is in.
public struct SchoolAccounts: Sendable {
    public var directory: DirectoryState
    var functions: [String: String]
    var rights: [String: Set<SchoolRight>]
    /// Teacher's person id → the structure codes of their services (newest STS-Web export).
    var teaches: [String: Set<String>]
    /// Student's person id → their class and groups (newest Siècle-BEE export).
    var structures: [String: Set<String>]

    public static func load(_ store: Store, uai: UAI) async throws -> SchoolAccounts {
        var functions: [String: String] = [:]
        var teaches: [String: Set<String>] = [:]
        if let sts = try await store.latestImport(uai: uai, source: .sts) {
            for p in try await store.snapshotPeople(importID: sts.id) where !p.hasLeft {
                if let f = p.function { functions[p.personID] = f }
            }
            for s in try await store.services(importID: sts.id) { teaches[s.teacherID, default: []].insert(s.service.structureCode) }
        }
        var structures: [String: Set<String>] = [:]
        if let siecle = try await store.latestImport(uai: uai, source: .siecleStudents) {
            for p in try await store.snapshotPeople(importID: siecle.id) where !p.hasLeft {
                structures[p.personID] = Set(p.groups + (p.division.map { [$0] } ?? []))
            }
        }
        var rights: [String: Set<SchoolRight>] = [:]
        for g in try await store.rights(uai: uai) { rights[g.personID, default: []].insert(g.right) }
        return SchoolAccounts(directory: try await store.directoryState(uai: uai), functions: functions, rights: rights,
                              teaches: teaches, structures: structures)
    }

    /// Who acts, as the rules see them. An authority is no account: it stands as the roles the
    /// access table gave it (the department as both the direction and the RUPN).
    public func actor(_ acting: Acting, uai: UAI) throws(AccountsError) -> AccountHolder {
        switch acting {
        case .account(let login):
            return holder(try account(login, uai: uai))
        case .authority(let name, let roles):
            let direction = !roles.isDisjoint(with: [.department, .direction])
            let rupn = !roles.isDisjoint(with: [.department, .rupn])
            return AccountHolder(login: name, kind: .staff, status: .active, function: direction ? "DIR" : nil,
                                 rights: rupn ? [.rupn] : [])
        }
    }

    /// The account holding `login`: the live one, when a deleted account once had the same login.
    public func account(_ login: String, uai: UAI) throws(AccountsError) -> Account {
        let matching = directory.accounts.filter { $0.login == login }
        guard let a = matching.first(where: { $0.status != .deleted }) ?? matching.first else {
            throw .unknownAccount(login: login, uai: uai)
        }
        return a
    }

    public func holder(_ a: Account) -> AccountHolder {
        AccountHolder(login: a.login, kind: a.kind, status: a.status, function: functions[a.personID],
                      rights: rights[a.personID] ?? [], teaches: a.kind == .teacher ? teaches[a.personID] ?? [] : nil,
                      structures: structures[a.personID] ?? [])
    }
}


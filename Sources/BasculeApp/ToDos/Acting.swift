import BasculeDomain

/// Who acts, as the CLI or the service names them, before the access rules see them: a person of
/// the school by their login (their account, function and rights are read from the store), or
/// the department's administrators (on the server, the data folder's owner running the CLI,
/// named by the system user; in the service, a department administrator who logged in).
public enum Acting: Sendable, Hashable {
    case account(login: String)
    case department(name: String)

    /// The decider the access rules judge, from the school's accounts.
    func decider(in school: SchoolAccounts, uai: UAI) throws -> Decider {
        switch self {
        case .account(let login): .account(school.holder(try school.account(login, uai: uai)))
        case .department(let name): .department(name)
        }
    }
}

/// Why a to-do, a confirmation or a contact was refused. French first.
public enum ToDoError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownToDo(Int)
    case notConfirmable(id: Int, kind: ToDo.Kind)
    case closed(id: Int, on: CivilDate)
    case alreadyConfirmed(id: Int, planHash: String)
    /// The reason is empty, too long, or holds control characters.
    case invalidReason(String)
    case invalidAddress(String)

    public var french: String {
        switch self {
        case .unknownToDo(let id): "Aucune tâche n° \(id) (bascule todos les liste)."
        case .notConfirmable(let id, let kind):
            "La tâche n° \(id) (\(kind.rawValue)) ne se confirme pas : seul un plan retenu (plan-held) se confirme ; les autres se ferment quand leur cause disparaît."
        case .closed(let id, let day): "La tâche n° \(id) est close depuis le \(day) : rien à confirmer."
        case .alreadyConfirmed(let id, let hash): "Le plan \(hash.prefix(12)) de la tâche n° \(id) est déjà confirmé : la prochaine exécution l'appliquera s'il n'a pas changé."
        case .invalidReason(let why): "Raison refusée : \(why)."
        case .invalidAddress(let text): "« \(text) » n'est pas une adresse de courriel utilisable (nom@domaine, en ASCII, sans espace ni chevron)."
        }
    }

    public var description: String { french }
}

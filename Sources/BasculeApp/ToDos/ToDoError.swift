import BasculeDomain

extension Acting {
    /// The decider the to-do rules judge: a school's account, or the department (an authority
    /// holding the department role); any other authority (a token given the RUPN's role) stands
    /// as the account `SchoolAccounts.actor` makes of it.
    func decider(in school: SchoolAccounts, uai: UAI) throws -> Decider {
        switch self {
        case .account(let login): .account(school.holder(try school.account(login, uai: uai)))
        case .authority(let name, let roles) where roles.contains(.department): .department(name)
        case .authority: .account(try school.actor(self, uai: uai))
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

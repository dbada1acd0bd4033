/// Who decides something that is no one account's business: a person of the school with an
/// account, or the department's administrators, who hold no account in the school (on the
/// server, whoever runs Bascule as the data folder's owner; in the service, a department
/// administrator who logged in). The name is what the audit keeps.
public enum Decider: Hashable, Sendable {
    case account(AccountHolder)
    case department(String)

    public var name: String {
        switch self {
        case .account(let holder): holder.login
        case .department(let name): name
        }
    }
}

extension AccessRules {
    /// May `decider` confirm a plan the daily run held as out of the ordinary (an export cut
    /// short, mass departures), so that the next run applies exactly that plan? The RUPN, who runs
    /// the school's imports and plans and can tell a truncated export from a real change, or the
    /// department. The direction holds no right by office (it gives itself `rupn` if it is to act
    /// on plans); a teacher never.
    public static func heldPlanConfirmation(by decider: Decider) -> AccessDecision {
        switch decider {
        case .department(let name):
            return .allowed(Reason("confirmé par le département (\(name))", "confirmed by the department (\(name))"))
        case .account(let actor):
            if let refusal = inactiveActor(actor) { return .refused(refusal) }
            if actor.rights.contains(.rupn) {
                return .allowed(Reason("confirmé par le RUPN (\(actor.login))", "confirmed by the RUPN (\(actor.login))"))
            }
            return .refused(Reason("\(actor.login) ne peut pas confirmer un plan retenu : seuls le RUPN de l'établissement (bascule rights grant … rupn) et le département le peuvent",
                                   "\(actor.login) may not confirm a held plan: only the school's RUPN and the department may"))
        }
    }

    /// May `decider` record (or remove) the e-mail address at which `target` hears of the
    /// to-dos they can act on? The person themselves, the direction for the school's staff, or
    /// the department. Students are told nothing by e-mail.
    public static func contactChange(by decider: Decider, of target: AccountHolder) -> AccessDecision {
        guard target.kind == .staff || target.kind == .teacher else {
            return .refused(Reason("\(target.login) est \(target.kind.french) : Bascule n'écrit qu'aux personnels qui ont des tâches",
                                   "\(target.login) is a \(target.kind.rawValue): Bascule only writes to staff who have to-dos"))
        }
        guard target.status == .active else {
            return .refused(Reason("le compte \(target.login) n'est pas actif (\(target.status.rawValue))",
                                   "account \(target.login) is not active (\(target.status.rawValue))"))
        }
        switch decider {
        case .department(let name):
            return .allowed(Reason("par le département (\(name))", "by the department (\(name))"))
        case .account(let actor):
            if let refusal = inactiveActor(actor) { return .refused(refusal) }
            if actor.login == target.login {
                return .allowed(Reason("par \(actor.login) pour son propre compte", "by \(actor.login) for their own account"))
            }
            if actor.isDirection {
                return .allowed(Reason("par la direction (\(actor.login))", "by the direction (\(actor.login))"))
            }
            return .refused(Reason("\(actor.login) ne peut pas changer l'adresse de \(target.login) : seuls la personne elle-même, la direction (fonction DIR dans STS-Web) et le département le peuvent",
                                   "\(actor.login) may not change \(target.login)'s address: only the person, the direction and the department may"))
        }
    }

    static func inactiveActor(_ actor: AccountHolder) -> Reason? {
        guard actor.status != .active else { return nil }
        return Reason("le compte de \(actor.login) n'est pas actif (\(actor.status.rawValue)) : il n'agit sur rien",
                      "\(actor.login)'s account is not active (\(actor.status.rawValue)): it acts on nothing")
    }
}

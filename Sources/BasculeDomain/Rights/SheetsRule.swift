extension AccessRules {
    /// May `actor` print the credential sheets of `structure` (a class or a group; nil: the
    /// staff's)? The RUPN all of them; a teacher those of the classes and groups they teach
    /// (their STS-Web services), never the staff's. The sheets carry temporary passwords.
    public static func sheets(of structure: String?, by actor: AccountHolder) -> AccessDecision {
        if actor.status != .active {
            return .refused(Reason("le compte de \(actor.login) n'est pas actif (\(actor.status.rawValue)) : il n'agit sur rien",
                                   "\(actor.login)'s account is not active: it acts on nothing"))
        }
        if actor.rights.contains(.rupn) {
            return .allowed(Reason("\(actor.login) : RUPN (droit rupn)", "\(actor.login): RUPN"))
        }
        guard let structure else {
            return .refused(Reason("\(actor.login) ne peut pas imprimer les fiches des personnels : réservé au RUPN et au département",
                                   "\(actor.login) may not print the staff's sheets: for the RUPN and the department"))
        }
        if actor.kind == .teacher, (actor.teaches ?? []).contains(structure) {
            return .allowed(Reason("\(actor.login) enseigne à \(structure)", "\(actor.login) teaches \(structure)"))
        }
        return .refused(Reason("\(actor.login) ne peut pas imprimer les fiches de \(structure) : un·e enseignant·e imprime celles des classes et groupes à qui il ou elle enseigne",
                               "\(actor.login) may not print \(structure)'s sheets: a teacher prints those of the classes and groups they teach"))
    }
}

/// A right the head of a school delegates to a member of staff. The memo names the RUPN
/// (référent pour les usages pédagogiques numériques), who may reset anyone's password; the
/// ENT manager and the GAR assignment are delegations recorded here so that the school has
/// one list of who may do what.
public enum SchoolRight: String, Sendable, Codable, CaseIterable, Comparable {
    case rupn
    case entManager = "ent-manager"
    case garAssignment = "gar-assignment"

    public var french: String {
        switch self {
        case .rupn: "RUPN (référent pour les usages pédagogiques numériques)"
        case .entManager: "administrateur de l'ENT"
        case .garAssignment: "affectation des ressources du GAR"
        }
    }

    public static func < (a: SchoolRight, b: SchoolRight) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Someone with an account, as the access rules see them.
public struct AccountHolder: Hashable, Sendable {
    public var login: String
    public var kind: PersonKind
    public var status: AccountStatus
    /// STS-Web's `FONCTION` in the newest export (`DIR` for the head and their deputy), nil when
    /// the newest export does not list them.
    public var function: String?
    public var rights: Set<SchoolRight>
    /// A teacher's classes and groups, as their services in the newest STS-Web export name them;
    /// nil when unknown (not a teacher, or no STS-Web export).
    public var teaches: Set<String>?
    /// A student's class and groups in the newest Siècle-BEE export.
    public var structures: Set<String>

    public init(login: String, kind: PersonKind, status: AccountStatus, function: String? = nil, rights: Set<SchoolRight> = [],
                teaches: Set<String>? = nil, structures: Set<String> = []) {
        self.login = login
        self.kind = kind
        self.status = status
        self.function = function
        self.rights = rights
        self.teaches = teaches
        self.structures = structures
    }

    /// The head of the school or their deputy: STS-Web files both under the direction function.
    public var isDirection: Bool { (kind == .staff || kind == .teacher) && function?.uppercased() == "DIR" }
}

/// A rule's verdict, with the reason a person reads (French first).
public enum AccessDecision: Hashable, Sendable {
    case allowed(Reason)
    case refused(Reason)

    public var isAllowed: Bool { if case .allowed = self { true } else { false } }
    public var reason: Reason {
        switch self {
        case .allowed(let r), .refused(let r): r
        }
    }
}

/// Who may do what to whom in a school, as the memo says it: pure, so that it is tested as a table.
///
/// - The RUPN may reset anyone's password, students and staff alike.
/// - A teacher may reset the passwords of the students they teach, and only theirs: their STS-Web
///   services meet the student's class or one of the student's groups.
/// - The head of the school (or their deputy) delegates the rights; they hold none by office, and
///   give themselves the RUPN right if they are to reset passwords.
/// - The direction or the RUPN protects an account, approves a member of staff's departure and
///   answers a proposed rename.
public enum AccessRules {
    /// May `actor` give `target` a new temporary password?
    public static func passwordReset(by actor: AccountHolder, of target: AccountHolder) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        switch target.status {
        case .deleted:
            return .refused(Reason("le compte \(target.login) est supprimé : il n'a plus de mot de passe à réinitialiser",
                                   "account \(target.login) is deleted: there is no password to reset"))
        case .disabled:
            return .refused(Reason("le compte \(target.login) est désactivé (départ) : il sera réactivé s'il revient dans les exports",
                                   "account \(target.login) is disabled (departure): it comes back if the person is in the exports again"))
        case .active, .leaving:
            break
        }
        if actor.rights.contains(.rupn) {
            return .allowed(Reason("\(actor.login) est RUPN : peut réinitialiser le mot de passe de tout élève et de tout personnel",
                                   "\(actor.login) is the RUPN: may reset any student's or staff member's password"))
        }
        if actor.kind == .teacher {
            guard target.kind == .student else {
                return .refused(Reason("\(actor.login) est enseignant·e : ne peut réinitialiser que le mot de passe d'un·e élève ; pour un personnel, demandez au RUPN",
                                       "\(actor.login) is a teacher: may reset students' passwords only; for staff, ask the RUPN"))
            }
            // Teaching a student is what lets a teacher vouch for them: their services must meet
            // the student's class or groups (nothing known of either: nothing met).
            let met = (actor.teaches ?? []).intersection(target.structures)
            guard let shared = met.sorted().first else {
                return .refused(Reason("\(actor.login) n'enseigne pas à \(target.login) (aucun de ses services STS-Web ne porte sur sa classe ou ses groupes) : demandez au RUPN",
                                       "\(actor.login) does not teach \(target.login) (no STS-Web service of theirs meets the student's class or groups): ask the RUPN"))
            }
            return .allowed(Reason("\(actor.login) est enseignant·e de \(target.login) (\(shared)) : peut réinitialiser son mot de passe",
                                   "\(actor.login) teaches \(target.login) (\(shared)): may reset the student's password"))
        }
        return .refused(Reason("\(actor.login) ne peut réinitialiser aucun mot de passe : seuls le RUPN (désigné par le chef d'établissement, bascule rights grant) et les enseignant·es (pour les élèves) le peuvent",
                               "\(actor.login) may reset no password: only the RUPN (appointed by the head, bascule rights grant) and teachers (for students) may"))
    }

    /// May `actor` grant (or revoke) `right` to (from) `holder`?
    public static func rightChange(_ right: SchoolRight, by actor: AccountHolder, to holder: AccountHolder,
                                   granting: Bool) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        guard actor.isDirection else {
            return .refused(Reason("\(actor.login) n'est ni chef d'établissement ni adjoint·e (fonction DIR dans STS-Web) : seule la direction délègue les droits",
                                   "\(actor.login) is neither head nor deputy (function DIR in STS-Web): only the direction delegates rights"))
        }
        // Staff only: a parent's account logs in too, and a right would open them the staff's
        // sheets and every account's reset.
        guard holder.kind == .staff || holder.kind == .teacher else {
            return .refused(Reason("\(holder.login) est \(holder.kind.french) : un droit ne se délègue qu'à un personnel",
                                   "\(holder.login) is a \(holder.kind.rawValue): rights go to staff only"))
        }
        if granting, holder.status != .active {
            return .refused(Reason("le compte \(holder.login) n'est pas actif (\(holder.status.rawValue)) : on ne lui délègue rien",
                                   "account \(holder.login) is not active (\(holder.status.rawValue)): nothing is delegated to it"))
        }
        return granting
            ? .allowed(Reason("droit \(right.rawValue) délégué à \(holder.login) par la direction (\(actor.login))",
                              "right \(right.rawValue) granted to \(holder.login) by the direction (\(actor.login))"))
            : .allowed(Reason("droit \(right.rawValue) retiré à \(holder.login) par la direction (\(actor.login))",
                              "right \(right.rawValue) revoked from \(holder.login) by the direction (\(actor.login))"))
    }

    /// May `actor` open the access closure `entry` early for `role` (ENT, "Pilotage > Fermeture
    /// rentrée")? The calendar names who may (principal, deputy); STS-Web files both under `DIR`.
    public static func closureLift(_ entry: CalendarEntry, for role: CalendarRole, by actor: AccountHolder) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        guard entry.kind == .accessClosed else {
            return .refused(Reason("« \(entry.id) » n'est pas une fermeture d'accès : rien à lever",
                                   "\(entry.id) is not an access closure: nothing to lift"))
        }
        guard entry.roles.contains(role) else {
            return .refused(Reason("la fermeture « \(entry.id) » ne concerne pas les \(role.label)",
                                   "closure \(entry.id) does not concern \(role.rawValue)"))
        }
        guard !entry.liftableBy.isDisjoint(with: [.principal, .deputy]) else {
            return .refused(Reason("la fermeture « \(entry.id) » ne peut pas être levée avant sa fin par l'établissement (calendrier : levable_par)",
                                   "closure \(entry.id) cannot be lifted early by the school (calendar: levable_par)"))
        }
        guard actor.isDirection else {
            return .refused(Reason("\(actor.login) n'est ni chef d'établissement ni adjoint·e (fonction DIR dans STS-Web) : seule la direction lève la fermeture",
                                   "\(actor.login) is neither head nor deputy (function DIR in STS-Web): only the direction lifts the closure"))
        }
        return .allowed(Reason("fermeture « \(entry.id) » levée pour les \(role.label) par la direction (\(actor.login))",
                               "closure \(entry.id) lifted for \(role.rawValue) by the direction (\(actor.login))"))
    }

    /// May `actor` protect `target` from being disabled or deleted by a plan (or lift the
    /// protection)? The direction and the RUPN: keeping an account past its departure is the
    /// school's decision (an ongoing exam, a staff member on leave), never a teacher's.
    public static func protection(by actor: AccountHolder, of target: AccountHolder) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        guard target.status != .deleted else {
            return .refused(Reason("le compte \(target.login) est déjà supprimé", "account \(target.login) is already deleted"))
        }
        if actor.isDirection {
            return .allowed(Reason("décision de la direction (\(actor.login))", "decided by the direction (\(actor.login))"))
        }
        if actor.rights.contains(.rupn) {
            return .allowed(Reason("décision du RUPN (\(actor.login))", "decided by the RUPN (\(actor.login))"))
        }
        return .refused(Reason("\(actor.login) ne peut pas protéger un compte : seuls la direction et le RUPN le peuvent",
                               "\(actor.login) may not protect an account: only the direction and the RUPN may"))
    }

    /// May `actor` approve the departure of `target`, so that the calendar's deletion window
    /// deletes the account? The school's decision: the direction's or the RUPN's, never a
    /// teacher's (deleting a colleague's account and files is not theirs to decide).
    public static func departureApproval(by actor: AccountHolder, of target: AccountHolder) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        guard target.kind != .student else {
            return .refused(Reason("\(target.login) est élève : le départ d'un·e élève ne se valide pas, il suit les exports Siècle-BEE",
                                   "\(target.login) is a student: a student's departure needs no approval, it follows the SIECLE exports"))
        }
        guard target.kind == .staff || target.kind == .teacher else {
            return .refused(Reason("\(target.login) est \(target.kind.french) : seul le départ d'un personnel se valide, les autres suivent les exports Siècle-BEE",
                                   "\(target.login) is a \(target.kind.rawValue): only staff departures are approved, the others follow the SIECLE exports"))
        }
        if actor.isDirection {
            return .allowed(Reason("départ de \(target.login) validé par la direction (\(actor.login))",
                                   "departure of \(target.login) approved by the direction (\(actor.login))"))
        }
        if actor.rights.contains(.rupn) {
            return .allowed(Reason("départ de \(target.login) validé par le RUPN (\(actor.login))",
                                   "departure of \(target.login) approved by the RUPN (\(actor.login))"))
        }
        return .refused(Reason("\(actor.login) ne peut pas valider un départ : seuls la direction (fonction DIR dans STS-Web) et le RUPN le peuvent",
                               "\(actor.login) may not approve a departure: only the direction (function DIR in STS-Web) and the RUPN may"))
    }

    /// May `actor` accept or decline the new login the plan proposes for `target` (a corrected
    /// name)? The direction's or the RUPN's answer: a login is what the person signs in with
    /// everywhere, so neither a teacher nor the person alone changes it.
    public static func renameAnswer(by actor: AccountHolder, of target: AccountHolder) -> AccessDecision {
        if let refusal = inactive(actor) { return .refused(refusal) }
        if actor.isDirection {
            return .allowed(Reason("décision de la direction (\(actor.login)) pour le compte \(target.login)",
                                   "decided by the direction (\(actor.login)) for account \(target.login)"))
        }
        if actor.rights.contains(.rupn) {
            return .allowed(Reason("décision du RUPN (\(actor.login)) pour le compte \(target.login)",
                                   "decided by the RUPN (\(actor.login)) for account \(target.login)"))
        }
        return .refused(Reason("\(actor.login) ne peut pas répondre à un renommage : seuls la direction (fonction DIR dans STS-Web) et le RUPN le peuvent",
                               "\(actor.login) may not answer a rename: only the direction (function DIR in STS-Web) and the RUPN may"))
    }

    /// A person whose account is not active acts on nobody: a right ends with its holder's departure.
    private static func inactive(_ actor: AccountHolder) -> Reason? {
        guard actor.status != .active else { return nil }
        return Reason("le compte de \(actor.login) n'est pas actif (\(actor.status.rawValue)) : il n'agit sur aucun compte",
                      "\(actor.login)'s account is not active (\(actor.status.rawValue)): it acts on no account")
    }
}

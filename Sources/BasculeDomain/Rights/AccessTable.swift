/// Everything a person or a program may ask of Bascule, through a route of the service or a CLI
/// command: what ``AccessRules/route(_:by:at:)`` decides on, before any per-action rule
/// (``AccessRules/passwordReset(by:of:)`` and the others) looks at the account acted on.
public enum AccessOperation: String, CaseIterable, Sendable, Codable, Comparable {
    /// The schools one may see, with their state.
    case schoolsList = "etablissements"
    /// One school's state: imports, last daily runs, to-dos.
    case schoolState = "etablissement"
    /// An export uploaded for import.
    case importUpload = "import"
    /// The day's plan, with its hash.
    case planRead = "plan"
    /// Applying the day's plan (with its hash; a mass change with a reason).
    case planApply = "appliquer"
    /// What the daily run left for people.
    case todosList = "taches"
    /// A school's accounts (a teacher: the students they teach).
    case accountsList = "comptes"
    /// A new temporary password for someone else.
    case passwordReset = "reinitialisation"
    /// Who holds which delegated right.
    case rightsList = "droits"
    /// Delegating or taking back a right.
    case rightsChange = "delegation"
    /// Opening the rentrée closure early, per profile.
    case closureLift = "fermeture"
    /// Approving staff departures where the calendar asks the school to.
    case departuresApprove = "departs"
    /// The rentrée verification report.
    case verification = "verification"
    /// Credential sheets (a teacher: their classes').
    case sheets = "fiches"
    /// One's own password, under the rule.
    case ownPassword = "mon-mot-de-passe"
    /// Who one is, as the service sees it.
    case me = "moi"
    /// Whether a login may enter the ENT now (single sign-on).
    case accessDecision = "acces"
    /// Department administrators and API tokens.
    case administration = "administration"
    /// Confirming, with a reason, a plan the daily run held (``AccessRules/heldPlanConfirmation(by:)``).
    case planConfirm = "confirmation"
    /// The e-mail addresses the to-dos are sent to.
    case contactsList = "contacts"
    /// Recording or removing an address (``AccessRules/contactChange(by:of:)``: one's own, the
    /// direction for the staff).
    case contactChange = "contact"
    /// The service's counters (Prometheus): how many accounts, logins, requests; a supervision
    /// token reads them, and nothing else.
    case metrics = "metriques"

    public static func < (a: AccessOperation, b: AccessOperation) -> Bool { a.rawValue < b.rawValue }

    /// What a person reads in a refusal.
    public var french: String {
        switch self {
        case .schoolsList: "voir la liste des établissements"
        case .schoolState: "voir l'état de l'établissement"
        case .importUpload: "déposer un export"
        case .planRead: "voir le plan du jour"
        case .planApply: "appliquer le plan"
        case .todosList: "voir les tâches"
        case .accountsList: "voir les comptes"
        case .passwordReset: "réinitialiser un mot de passe"
        case .rightsList: "voir les droits délégués"
        case .rightsChange: "déléguer ou retirer un droit"
        case .closureLift: "lever la fermeture de rentrée"
        case .departuresApprove: "valider des départs"
        case .verification: "voir la vérification de rentrée"
        case .sheets: "imprimer des fiches de connexion"
        case .ownPassword: "changer son mot de passe"
        case .me: "voir qui l'on est"
        case .accessDecision: "interroger la décision d'accès à l'ENT"
        case .administration: "gérer les administrateurs et les jetons"
        case .planConfirm: "confirmer un plan retenu"
        case .contactsList: "voir les adresses de courriel des tâches"
        case .contactChange: "enregistrer une adresse de courriel pour les tâches"
        case .metrics: "lire les métriques du service"
        }
    }
}

/// A role, as the access table knows it: held by a person at a school (from the directory, STS-Web's
/// `FONCTION` and the delegated rights), by a department administrator, or given to an API token.
public enum AccessRole: String, CaseIterable, Sendable, Codable, Comparable {
    /// The department's administrators: everything, in every school.
    case department = "departement"
    /// The head of the school or their deputy (STS-Web `DIR`).
    case direction
    /// The holder of the `rupn` right.
    case rupn
    /// A teacher (STS-Web), for the students they teach.
    case teacher = "enseignant"
    /// Anyone who logged in with an active account.
    case person = "personne"
    /// The ENT's single sign-on (a token): the access decision only.
    case access = "acces"
    /// The department's supervision (a token Prometheus presents): the metrics only.
    case monitoring = "supervision"

    public static func < (a: AccessRole, b: AccessRole) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    public var french: String {
        switch self {
        case .department: "administrateur du département"
        case .direction: "direction (fonction DIR dans STS-Web)"
        case .rupn: "RUPN (droit rupn)"
        case .teacher: "enseignant·e"
        case .person: "toute personne connectée"
        case .access: "authentification unique de l'ENT (jeton acces)"
        case .monitoring: "supervision du département (jeton supervision)"
        }
    }
}

/// Who asks, as the access table sees them: never a name typed in a form, always the person
/// authenticated (a session) or the token presented.
public struct Requester: Hashable, Sendable {
    /// For the audit and the messages: a login, `admin:NAME`, `jeton:NAME`.
    public var name: String
    /// Roles held everywhere (a department administrator, a department or single-sign-on token).
    public var global: Set<AccessRole>
    /// Roles held at one school.
    public var bySchool: [UAI: Set<AccessRole>]

    public init(name: String, global: Set<AccessRole> = [], bySchool: [UAI: Set<AccessRole>] = [:]) {
        self.name = name
        self.global = global
        self.bySchool = bySchool
    }

    /// The roles a person holds at their school, from their account as the rules see it: only an
    /// active account holds any (a right ends with its holder's departure).
    public static func person(_ holder: AccountHolder, at uai: UAI) -> Requester {
        var roles: Set<AccessRole> = []
        if holder.status == .active {
            roles.insert(.person)
            // The school's roles are staff's: a right recorded for a student or a parent (before
            // the rule refused it, or written by hand) opens them nothing.
            let staff = holder.kind == .staff || holder.kind == .teacher
            if staff, holder.isDirection { roles.insert(.direction) }
            if staff, holder.rights.contains(.rupn) { roles.insert(.rupn) }
            if holder.kind == .teacher { roles.insert(.teacher) }
        }
        return Requester(name: holder.login, bySchool: [uai: roles])
    }

    /// Roles at `uai`; with no school, every role held anywhere.
    public func roles(at uai: UAI?) -> Set<AccessRole> {
        guard let uai else { return bySchool.values.reduce(global) { $0.union($1) } }
        return global.union(bySchool[uai] ?? [])
    }

    /// The schools this requester acts on; nil for all of them.
    public var schools: Set<UAI>? {
        global.contains(.department) || global.contains(.access) ? nil : Set(bySchool.keys)
    }

    public var isDepartment: Bool { global.contains(.department) }
}

extension AccessRules {
    /// The table: for each operation, the roles that may ask for it. A department administrator
    /// may do everything; the rest follows the memo. Per-action rules then decide on the account
    /// acted on (a teacher resets only the students they teach, the direction delegates only to staff).
    public static let table: [AccessOperation: Set<AccessRole>] = [
        .schoolsList: [.department, .direction, .rupn, .teacher, .person],
        .schoolState: [.department, .direction, .rupn],
        .importUpload: [.department, .rupn],
        .planRead: [.department, .rupn],
        .planApply: [.department, .rupn],
        .todosList: [.department, .direction, .rupn],
        .accountsList: [.department, .direction, .rupn, .teacher],
        .passwordReset: [.department, .rupn, .teacher],
        .rightsList: [.department, .direction, .rupn],
        .rightsChange: [.department, .direction],
        .closureLift: [.department, .direction],
        // The existing rule lets the RUPN approve too (``departureApproval(by:of:)``).
        .departuresApprove: [.department, .direction, .rupn],
        .verification: [.department, .rupn],
        .sheets: [.department, .rupn, .teacher],
        .ownPassword: [.department, .person],
        .me: [.department, .direction, .rupn, .teacher, .person, .access],
        .accessDecision: [.department, .access],
        .administration: [.department],
        .planConfirm: [.department, .rupn],
        .contactsList: [.department, .direction, .rupn],
        // Staff only in the end: the per-action rule refuses a student's address.
        .contactChange: [.department, .direction, .rupn, .teacher, .person],
        // Counts of accounts and logins are the department's to watch, not the world's.
        .metrics: [.department, .monitoring],
    ]

    /// May `requester` ask for `operation` at school `uai` (nil: an operation that is not one
    /// school's)? The first question of every route and every CLI command given `--by`.
    public static func route(_ operation: AccessOperation, by requester: Requester, at uai: UAI?) -> AccessDecision {
        let allowed = table[operation] ?? []
        if requester.isDepartment {
            return .allowed(Reason("\(requester.name) : administrateur du département", "\(requester.name): department administrator"))
        }
        // A requester of no school at all (a supervision token) is told what it may not do, not where.
        if let uai, let schools = requester.schools, !schools.isEmpty, !schools.contains(uai) {
            return .refused(Reason("\(requester.name) n'agit pas pour l'établissement \(uai)",
                                   "\(requester.name) does not act for school \(uai)"))
        }
        let held = requester.roles(at: uai)
        if let role = held.intersection(allowed).sorted().first {
            return .allowed(Reason("\(requester.name) : \(role.french)", "\(requester.name): \(role.rawValue)"))
        }
        let needed = allowed.sorted().map(\.french).joined(separator: ", ")
        return .refused(Reason("\(requester.name) ne peut pas \(operation.french) : réservé à \(needed)",
                               "\(requester.name) may not \(operation.rawValue): for \(allowed.sorted().map(\.rawValue).joined(separator: ", "))"))
    }
}

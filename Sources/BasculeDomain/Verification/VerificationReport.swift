/// One thing the verification found: who, what, since when, and how to fix it.
public struct VerificationFinding: Hashable, Sendable, Codable {
    /// Stable codes: scripts and the JSON output rely on them (docs/verification.md).
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        case accountMissing = "account-missing"
        case accountNotActive = "account-not-active"
        case accountLockedBySomeoneElse = "account-locked-by-someone-else"
        case groupMissing = "group-missing"
        case teacherMissingAccess = "teacher-missing-access"
        case studentMissingGroup = "student-missing-group"
        case missingMember = "missing-member"
        case departedAccountActive = "departed-account-active"
        case teacherFormerTeam = "teacher-former-team"
        case studentFormerGroup = "student-former-group"
        case formerMember = "former-member"
        case handAddedMember = "hand-added-member"
        case unexpectedMember = "unexpected-member"
        case formerGroup = "former-group"
        case accountPastDeletion = "account-past-deletion"
        case manualEntry = "manual-entry"
        case spaceWithoutOwner = "space-without-owner"
        case spaceOfFormerClass = "space-of-former-class"

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

        /// Missing access is an error (someone cannot work); what is left over is a warning, except
        /// an account still open for someone gone, which lets them in.
        public var severity: Severity {
            switch self {
            case .accountMissing, .accountNotActive, .accountLockedBySomeoneElse, .groupMissing, .teacherMissingAccess, .studentMissingGroup,
                 .missingMember, .departedAccountActive:
                .error
            default:
                .warning
            }
        }

        /// The heading of the kind in the text and HTML reports.
        public var title: Reason {
            switch self {
            case .accountMissing: Reason("Compte absent pour une personne des exports", "No account for someone in the exports")
            case .accountNotActive: Reason("Compte désactivé ou partant pour une personne des exports", "Disabled or leaving account of someone in the exports")
            case .accountLockedBySomeoneElse: Reason("Compte actif verrouillé par quelqu'un d'autre que Bascule", "Active account locked by someone other than Bascule")
            case .groupMissing: Reason("Groupe attendu absent de l'annuaire", "Expected group missing from the directory")
            case .teacherMissingAccess: Reason("Enseignant·e sans accès à une classe ou un groupe enseigné", "Teacher without access to a class or group they teach")
            case .studentMissingGroup: Reason("Élève absent·e de sa classe ou d'un de ses groupes", "Student missing from their class or one of their groups")
            case .missingMember: Reason("Membre absent d'un groupe de rôle", "Member missing from a role group")
            case .departedAccountActive: Reason("Compte encore ouvert d'une personne partie, délai de grâce écoulé", "Account still open for someone gone past their grace period")
            case .teacherFormerTeam: Reason("Enseignant·e encore dans l'équipe d'une classe ou d'un groupe qu'il ou elle n'a plus", "Teacher still in the team of a class or group they no longer teach")
            case .studentFormerGroup: Reason("Élève encore dans une classe ou un groupe quitté", "Student still in a class or group they left")
            case .formerMember: Reason("Membre restant d'un groupe de rôle", "Member left in a role group")
            case .handAddedMember: Reason("Membre ajouté à la main", "Member added by hand")
            case .unexpectedMember: Reason("Membre que les exports ne justifient pas", "Member the exports do not account for")
            case .formerGroup: Reason("Groupe de l'an passé ou vide", "Group of last year, or empty")
            case .accountPastDeletion: Reason("Compte d'une personne partie, non supprimé à sa date (période de suppression du calendrier ou trois mois après le départ)", "Account of someone who left, not deleted when due (the calendar's window, or three months after leaving)")
            case .manualEntry: Reason("Entrée de l'annuaire ou dossier d'espace non créé par Bascule", "Directory entry or space folder not created by Bascule")
            case .spaceWithoutOwner: Reason("Espace personnel sans propriétaire", "Personal space without an owner")
            case .spaceOfFormerClass: Reason("Espace d'une classe ou d'un groupe qui n'existe plus", "Space of a class or group that no longer exists")
            }
        }
    }

    public enum Severity: String, Sendable, Codable, Comparable {
        case error
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }

        public var french: String { self == .error ? "erreur" : "avertissement" }
    }

    public var kind: Kind
    public var severity: Severity
    /// For a person: `login (Prénom Nom)`; for a group: its name; for an entry: its DN or path.
    public var who: String
    public var login: String?
    public var name: String?
    /// The group the finding is about, for a membership.
    public var group: String?
    /// Where to look: an LDAP DN or a folder.
    public var location: String?
    public var what: Reason
    public var since: CivilDate?
    /// Why `since` is unknown, when it is.
    public var sinceUnknown: Reason?
    /// What to do, naming the command.
    public var fix: Reason

    public init(kind: Kind, who: String, login: String? = nil, name: String? = nil, group: String? = nil,
                location: String? = nil, what: Reason, since: CivilDate?, sinceUnknown: Reason? = nil, fix: Reason) {
        self.kind = kind
        self.severity = kind.severity
        self.who = who
        self.login = login
        self.name = name
        self.group = group
        self.location = location
        self.what = what
        self.since = since
        self.sinceUnknown = since == nil ? (sinceUnknown ?? Reason("date inconnue", "date unknown")) : nil
        self.fix = fix
    }

    /// `depuis le 2026-09-01`, or why nobody can tell.
    public var sinceFrench: String {
        if let since { return "depuis le \(since)" }
        return "depuis : inconnu (\(sinceUnknown?.french ?? "date inconnue"))"
    }

    static func order(_ a: VerificationFinding, _ b: VerificationFinding) -> Bool {
        (a.kind, a.who, a.group ?? "", a.location ?? "", a.what.french) < (b.kind, b.who, b.group ?? "", b.location ?? "", b.what.french)
    }
}

/// What the verification looked at, so that a report with nothing found still says how much was
/// checked.
public struct VerificationChecked: Hashable, Sendable, Codable {
    public var students: Int
    public var teachers: Int
    public var otherStaff: Int
    public var accounts: Int
    public var groups: Int
    public var foreignEntries: Int
    /// Nil: the spaces were not read (no source for them yet).
    public var spaces: Int?

    public init(students: Int, teachers: Int, otherStaff: Int, accounts: Int, groups: Int, foreignEntries: Int, spaces: Int?) {
        self.students = students
        self.teachers = teachers
        self.otherStaff = otherStaff
        self.accounts = accounts
        self.groups = groups
        self.foreignEntries = foreignEntries
        self.spaces = spaces
    }

    public var french: String {
        "\(students) élève(s), \(teachers) enseignant(s), \(otherStaff) autre(s) personnel(s) des exports ; "
            + "\(accounts) compte(s) et \(groups) groupe(s) de l'annuaire vérifiés ; "
            + (spaces.map { "\($0) espace(s) vérifié(s)" } ?? "espaces non vérifiés (aucune lecture des espaces de fichiers)")
    }
}

/// The verification of one school on one day.
public struct VerificationReport: Sendable, Codable {
    public var uai: UAI
    public var date: CivilDate
    /// Which directory was read.
    public var directory: String
    public var checked: VerificationChecked
    /// What explains many findings at once (a plan not applied yet), said before them.
    public var notes: [Reason]
    /// Findings per kind code, every kind present (0 when none), for scripts.
    public var counts: [String: Int]
    public var findings: [VerificationFinding]

    public init(uai: UAI, date: CivilDate, directory: String, checked: VerificationChecked, findings: [VerificationFinding],
                notes: [Reason] = []) {
        self.uai = uai
        self.date = date
        self.directory = directory
        self.checked = checked
        self.notes = notes
        self.findings = findings.sorted(by: VerificationFinding.order)
        var counts: [String: Int] = [:]
        for kind in VerificationFinding.Kind.allCases { counts[kind.rawValue] = 0 }
        for f in findings { counts[f.kind.rawValue, default: 0] += 1 }
        self.counts = counts
    }

    public var isClean: Bool { findings.isEmpty }

    /// The kinds found, in the order the report lists them, with their findings.
    public var byKind: [(kind: VerificationFinding.Kind, findings: [VerificationFinding])] {
        VerificationFinding.Kind.allCases.compactMap { kind in
            let mine = findings.filter { $0.kind == kind }
            return mine.isEmpty ? nil : (kind, mine)
        }
    }

    public var french: String {
        var lines = ["== Vérification de \(uai) au \(date) — \(directory) ==", "Vérifié : \(checked.french)."]
        lines += notes.map { "⚠ \($0.french)" }
        if isClean {
            lines.append("Aucun écart : chacun atteint ses classes et ses groupes, rien ne reste de l'année passée.")
            return lines.joined(separator: "\n")
        }
        let errors = findings.filter { $0.severity == .error }.count
        lines.append("\(findings.count) écart(s) : \(errors) erreur(s), \(findings.count - errors) avertissement(s).")
        for (kind, mine) in byKind {
            lines.append("-- \(kind.rawValue) : \(kind.title.french) (\(mine.count))")
            for f in mine {
                let mark = f.severity == .error ? "✗" : "!"
                lines.append("  \(mark) \(f.who)\(f.group.map { " — \($0)" } ?? "") : \(f.what.french) ; \(f.sinceFrench)")
                lines.append("    → \(f.fix.french)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Why a class or group code from an export cannot name a group, a folder or a directory entry.
///
/// A class or group code is written by whoever fills Siècle-BEE or STS-Web, and Bascule turns it
/// into a POSIX group (resolved by servers through the directory), an LDAP entry and a folder. A
/// code that is also the name of one of Bascule's own groups would merge its students into that
/// group (the students of a class `profs` would enter and write in `Salle_des_profs`); a system
/// group's name (`sudo`, `adm`) would give them its rights on every server that resolves groups
/// through the directory; `..`, `/` or a leading `-` would turn a folder name into a path or an
/// option of `setfacl` or `tar`.
public enum StructureCodeProblem: Hashable, Sendable {
    case empty
    case tooLong(limit: Int)
    /// A control or invisible formatting character: a line break, a tab, NUL, a bidirectional override.
    case controlCharacter
    /// A character a folder name cannot hold on the server or on a Windows client of the file server.
    case forbiddenCharacter(Character)
    /// Blanks at either end: two codes that look the same would name two groups.
    case edgeBlank
    /// `.`, `..`, a hidden folder.
    case leadingDot
    /// Read as an option by the system tools that receive folder names.
    case leadingDash
    /// One of Bascule's role groups (`eleves`, `profs`, `administratifs`).
    case roleGroup(String)
    /// Bascule's own names for class teams (`equipe-`) and subjects (`matiere-`).
    case reservedPrefix(String)
    /// A group of the operating system (`root`, `sudo`, `adm`, `wheel`...).
    case systemGroup(String)

    public var reason: Reason {
        switch self {
        case .empty: Reason("code vide", "empty code")
        case .tooLong(let limit): Reason("plus de \(limit) caractères", "longer than \(limit) characters")
        case .controlCharacter:
            Reason("caractère de contrôle ou invisible (saut de ligne, tabulation, NUL…)", "control or invisible character (line break, tab, NUL...)")
        case .forbiddenCharacter(let c):
            Reason("caractère « \(c) » interdit dans un nom de dossier ou de groupe", "character '\(c)' cannot be in a folder or group name")
        case .edgeBlank: Reason("espace au début ou à la fin", "blank at the start or the end")
        case .leadingDot: Reason("commence par un point (« . », « .. », dossier caché)", "starts with a dot ('.', '..', hidden folder)")
        case .leadingDash:
            Reason("commence par un tiret, que les outils du système liraient comme une option", "starts with a dash, which system tools would read as an option")
        case .roleGroup(let name):
            Reason("c'est le nom du groupe « \(name) » de Bascule : ses élèves y entreraient", "it is the name of Bascule's group '\(name)': its students would join it")
        case .reservedPrefix(let prefix):
            Reason("le préfixe « \(prefix) » est réservé aux groupes que Bascule nomme lui-même (équipes, matières)",
                   "the prefix '\(prefix)' is reserved for the groups Bascule names itself (teams, subjects)")
        case .systemGroup(let name):
            Reason("c'est le nom d'un groupe du système (« \(name) ») : ses élèves en recevraient les droits sur les serveurs",
                   "it is the name of a system group ('\(name)'): its students would get its rights on the servers")
        }
    }

    public var french: String { reason.french }
    public var english: String { reason.english }
}

/// The one rule for class and group codes, used by the readers (a code that fails is refused with
/// its file and line), the planner (which never makes a group of it), the directory and the spaces
/// (which never write one). Pure.
public enum StructureCodes {
    /// Codes in Siècle-BEE and STS-Web are a few characters long (`6A`, `4ESP2`, `3 LATIN`); the
    /// limit keeps `equipe-<code>` within the 32 characters of a system group name.
    public static let maxLength = 24

    /// The role groups' names of the default policy.
    public static let defaultRoleGroups = Array(PlanningPolicy.default.roleGroupNames.values)

    /// Bascule's own prefixes: `equipe-6A` and `matiere-ANGL1` are groups it names.
    public static let reservedPrefixes = ["equipe-", "matiere-"]

    /// Groups of the operating systems and file servers that may resolve groups through the
    /// directory (Debian's base groups, the usual administrators' groups, Samba's and Windows'
    /// well-known groups). Compared without case or accents.
    public static let systemGroups: Set<String> = [
        "root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp", "man", "proxy", "kmem",
        "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip", "www-data", "backup", "operator",
        "list", "irc", "src", "gnats", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "games", "users", "nogroup",
        "nobody", "wheel", "admin", "admins", "administrators", "administrateurs", "sudoers", "input", "kvm", "render",
        "sgx", "netdev", "lpadmin", "sambashare", "scanner", "bluetooth", "docker", "lxd", "libvirt", "ssh", "_ssh",
        "crontab", "messagebus", "polkitd", "systemd-journal", "systemd-network", "systemd-resolve", "systemd-timesync",
        "ldap", "openldap", "postgres", "tss", "tcpdump", "domain admins", "domain users", "domain guests",
        "enterprise admins", "schema admins", "print operators", "backup operators", "server operators",
        "account operators", "guests", "everyone",
    ]

    /// Characters that cannot be in a folder name on the file server (`/`, NUL) or on its Windows
    /// clients (`\ : * ? " < > |`).
    public static let forbiddenCharacters: Set<Character> = ["/", "\\", ":", "*", "?", "\"", "<", ">", "|"]

    /// What is wrong with `code` as a class or group code, or nil when it can name a group, a
    /// folder and an entry. `roleGroups` are the role groups' names (the policy's).
    public static func problem(_ code: String,
                               roleGroups: [String] = StructureCodes.defaultRoleGroups) -> StructureCodeProblem? {
        if let p = characterProblem(code) { return p }
        let key = comparable(code)
        if let role = roleGroups.first(where: { comparable($0) == key }) { return .roleGroup(role) }
        if let prefix = reservedPrefixes.first(where: { key.hasPrefix($0) }) { return .reservedPrefix(prefix) }
        if systemGroups.contains(key) { return .systemGroup(key) }
        return nil
    }

    /// What is wrong with a group of the directory, by its kind: a class's or a group's name is
    /// its code; a team's or a subject's carries the code after Bascule's prefix. Role groups are
    /// Bascule's own names. The directory and the spaces leave out a group with a problem, so that
    /// a store written before codes were checked can never reach the server with one.
    public static func problem(group name: String, kind: GroupKind,
                               roleGroups: [String] = StructureCodes.defaultRoleGroups) -> StructureCodeProblem? {
        switch kind {
        case .role:
            return nil
        case .division, .group:
            return problem(name, roleGroups: roleGroups)
        case .classTeam, .subject:
            let prefix = kind == .classTeam ? "equipe-" : "matiere-"
            guard name.hasPrefix(prefix) else { return .reservedPrefix(prefix) }
            let code = String(name.dropFirst(prefix.count))
            // A subject's code is STS-Web's management code, already reduced to letters, digits,
            // `_` and `-`: only its shape is checked, it never names a role.
            return kind == .classTeam ? problem(code, roleGroups: roleGroups) : characterProblem(code)
        }
    }

    /// Length and characters: what makes a code unusable as a folder name or a group name,
    /// whatever it means.
    static func characterProblem(_ code: String) -> StructureCodeProblem? {
        guard let first = code.unicodeScalars.first, let last = code.unicodeScalars.last else { return .empty }
        if code.count > maxLength { return .tooLong(limit: maxLength) }
        if code.unicodeScalars.contains(where: isControl) { return .controlCharacter }
        if let c = code.first(where: forbiddenCharacters.contains) { return .forbiddenCharacter(c) }
        if first.properties.isWhitespace || last.properties.isWhitespace { return .edgeBlank }
        if first == "." { return .leadingDot }
        if first == "-" { return .leadingDash }
        return nil
    }

    /// Control characters (C0, DEL, C1) and invisible format characters (zero-width spaces,
    /// bidirectional overrides), which make two different codes look alike.
    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: true
        default: false
        }
    }

    /// LDAP compares `cn` without case, people read `Profs`, `PROFS` and `Élèves` as `profs` and
    /// `eleves`: codes are compared folded, unless folding would drop characters (`profs€` is
    /// not `profs`).
    private static func comparable(_ s: String) -> String {
        let folded = NameFolding.fold(s)
        return folded.count == s.count ? folded : s.lowercased()
    }
}

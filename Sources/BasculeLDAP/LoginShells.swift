import BasculeDomain

/// The `loginShell` each role gets in the directory (`annuaire.shells` in bascule.yml).
///
/// A server or workstation that resolves users through the directory (nss, sssd) starts that
/// program when the person logs in over SSH or on a console: a real shell there lets a student
/// run anything on that machine. Nothing Bascule's spaces need (Samba shares, the ENT) uses a
/// shell, so every role gets `/usr/sbin/nologin` unless the department chooses otherwise, role by
/// role (a Linux room where students open a session needs `/bin/bash` for them).
public struct LoginShells: Sendable, Hashable {
    public static let noLogin = "/usr/sbin/nologin"
    public static let `default` = LoginShells()

    public var student: String
    public var teacher: String
    public var staff: String

    public init(student: String = noLogin, teacher: String = noLogin, staff: String = noLogin) {
        self.student = student
        self.teacher = teacher
        self.staff = staff
    }

    /// The configuration's keys, as `employeeType` names the roles.
    public static let keys = ["eleve", "enseignant", "administratif"]

    public func shell(for kind: PersonKind) -> String {
        switch kind {
        case .student: student
        case .teacher: teacher
        case .staff, .parent: staff
        }
    }

    /// From `annuaire.shells` (`eleve`, `enseignant`, `administratif`), the others left at
    /// their default. Throws the first key or value that cannot be one, with its reason in French.
    public init(configured: [String: String]) throws(LoginShellError) {
        self.init()
        for (key, path) in configured.sorted(by: { $0.key < $1.key }) {
            if let problem = Self.problem(with: path) { throw LoginShellError(key: key, value: path, reason: problem) }
            switch key {
            case "eleve": student = path
            case "enseignant": teacher = path
            case "administratif": staff = path
            default:
                throw LoginShellError(key: key, value: path, reason: "rôle inconnu (attendu : \(Self.keys.joined(separator: ", ")))")
            }
        }
    }

    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-".utf8)

    /// Why `path` cannot be a login shell, nil when it can: an absolute path of plain characters
    /// (letters, digits, `/ . _ + -`), since it lands in every host's passwd view, where a `:`
    /// or a line break would forge fields and control characters would reach terminals.
    public static func problem(with path: String) -> String? {
        guard path.hasPrefix("/") else { return "ce n'est pas un chemin absolu" }
        guard path.utf8.count <= 255 else { return "chemin trop long (255 octets au plus)" }
        guard path.utf8.allSatisfy(allowed.contains) else {
            return "seuls les lettres sans accent, les chiffres et / . _ + - sont admis (ni espace, ni « : », ni caractère de contrôle)"
        }
        guard !path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }), !path.hasSuffix("/") else {
            return "« . », « .. » et un « / » final ne sont pas admis"
        }
        return nil
    }
}

/// A login shell `bascule.yml` cannot give: the key, the value and why.
public struct LoginShellError: Error, Sendable, Equatable {
    public var key: String
    public var value: String
    public var reason: String

    public var french: String { "annuaire.shells.\(key) : « \(value.debugDescription.dropFirst().dropLast()) » : \(reason)" }
}

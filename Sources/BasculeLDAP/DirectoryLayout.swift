import BasculeDomain

/// Where Bascule puts a school in the directory (see docs/annuaire.md):
///
///     <base>
///       ou=<UAI>                 the school's branch
///         ou=eleves              students      uid=<login>
///         ou=enseignants         teachers      uid=<login>
///         ou=administratifs      other staff   uid=<login>
///         ou=groupes             classes, groups, class teams, subjects, roles   cn=<name>
public struct DirectoryLayout: Sendable, Hashable {
    /// The directory's suffix, or the branch the department gives Bascule (`dc=ac-exemple,dc=fr`).
    public var base: String
    /// The root of the file spaces, for `homeDirectory`: `<homeRoot>/<UAI>/perso/<login>`, the very
    /// folder `bascule spaces sync` creates (``SpaceTree/personalPath(root:uai:login:)``).
    public var homeRoot: String
    /// The first uidNumber and gidNumber Bascule hands out (below are the system's).
    public var firstPosixNumber: Int
    /// Each role's `loginShell`.
    public var loginShells: LoginShells

    public init(base: String, homeRoot: String = "/srv/bascule/espaces", firstPosixNumber: Int = 100_000,
                loginShells: LoginShells = .default) {
        self.base = base
        self.homeRoot = homeRoot
        self.firstPosixNumber = firstPosixNumber
        self.loginShells = loginShells
    }

    public func school(_ uai: UAI) -> String { "\(LDAPEscape.rdn("ou", uai.code)),\(base)" }

    public static func peopleUnit(_ kind: PersonKind) -> String {
        switch kind {
        case .student: "eleves"
        case .teacher: "enseignants"
        case .staff, .parent: "administratifs"
        }
    }

    public func people(_ kind: PersonKind, _ uai: UAI) -> String { "ou=\(Self.peopleUnit(kind)),\(school(uai))" }
    public func groups(_ uai: UAI) -> String { "ou=groupes,\(school(uai))" }
    public func account(login: String, kind: PersonKind, uai: UAI) -> String { "\(LDAPEscape.rdn("uid", login)),\(people(kind, uai))" }
    public func group(_ name: String, uai: UAI) -> String { "\(LDAPEscape.rdn("cn", name)),\(groups(uai))" }

    /// The containers of a school's branch, parents first.
    public func containers(_ uai: UAI) -> [String] {
        [school(uai), people(.student, uai), people(.teacher, uai), people(.staff, uai), groups(uai)]
    }

    /// The personal space: `perso/` keeps logins apart from shared spaces (a login `commun`).
    public func home(login: String, uai: UAI) -> String { SpaceTree.personalPath(root: homeRoot, uai: uai, login: login) }
}

/// DNs compared the way a directory compares them: attribute names and values without case, and
/// escapes (`\,`, `\2c`, `\2C`) read the same.
public enum DN {
    public static func normalize(_ dn: String) -> String {
        rdns(dn).map { rdn in
            rdn.map { "\($0.attribute.lowercased())=\(LDAPEscape.dnValue($0.value.lowercased()))" }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// The DN minus its first RDN.
    public static func parent(_ dn: String) -> String {
        let parts = split(dn, on: ",")
        return parts.dropFirst().joined(separator: ",")
    }

    /// The first RDN as written.
    public static func firstRDN(_ dn: String) -> String { split(dn, on: ",").first ?? dn }

    /// The value of the first RDN, unescaped (`uid=mdupont,...` → `mdupont`).
    public static func firstValue(_ dn: String) -> String? { rdns(dn).first?.first?.value }

    struct AVA { var attribute: String; var value: String }

    static func rdns(_ dn: String) -> [[AVA]] {
        split(dn, on: ",").map { rdn in
            split(rdn, on: "+").map { ava in
                guard let eq = ava.firstIndex(of: "=") else { return AVA(attribute: ava.trimmed, value: "") }
                return AVA(attribute: String(ava[..<eq]).trimmed, value: unescape(String(ava[ava.index(after: eq)...])))
            }
        }
    }

    /// Splits at separators that are not escaped.
    static func split(_ s: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for c in s {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { current.append(c); escaped = true; continue }
            if c == separator { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    static func unescape(_ value: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(value.utf8)
        var i = 0
        func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 65...70: b - 55
            case 97...102: b - 87
            default: nil
            }
        }
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 1 < utf8.count {
                if i + 2 < utf8.count, let h = hexValue(utf8[i + 1]), let l = hexValue(utf8[i + 2]) {
                    bytes.append(h << 4 | l)
                    i += 3
                } else {
                    bytes.append(utf8[i + 1])
                    i += 2
                }
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " && !s.hasSuffix("\\ ") { s = s.dropLast() }
        return String(s)
    }
}

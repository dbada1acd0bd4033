/// How a login is made from a name, per role and per target: `{p}{nom}` gives the pedagogical
/// network's `pnom`, `{p}.{nom}` EduConnect's `p.nom`, `{prenom}.{nom}` a fuller form.
///
/// Placeholders: `{p}` the first letter of the first name (of its first part: `Jean-Étienne` → `j`),
/// `{prenom}` the whole first name, `{nom}` the family name. Names are folded (accents and
/// ligatures, `œ` → `oe`), and apostrophes, spaces and hyphens removed (`D'Alembert` → `dalembert`,
/// `De La Fontaine` → `delafontaine`). Literal text may be lower-case letters, digits and dots.
///
/// The family name used is the **usage name** when the source gives one, else the family name:
/// it is the name the person is known by at school (a married or chosen name), so it is the one
/// they will look for on a credential sheet.
public struct LoginTemplate: Hashable, Sendable, CustomStringConvertible {
    enum Part: Hashable, Sendable {
        case initial
        case firstName
        case familyName
        case literal(String)
    }

    public let pattern: String
    let parts: [Part]
    /// The longest login the target accepts (20 for Active Directory's sAMAccountName); the name
    /// part is shortened, never the homonym number.
    public let maximumLength: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unknownPlaceholder(String)
        case unclosedBrace
        case forbiddenCharacter(Character)
        case noName
        case tooShortMaximum(Int)

        public var description: String {
            switch self {
            case .unknownPlaceholder(let p): "modèle d'identifiant : {\(p)} inconnu (connus : {p}, {prenom}, {nom})"
            case .unclosedBrace: "modèle d'identifiant : accolade non fermée"
            case .forbiddenCharacter(let c): "modèle d'identifiant : caractère « \(c) » interdit (seuls a-z, 0-9 et . le sont)"
            case .noName: "modèle d'identifiant : il faut au moins {nom}"
            case .tooShortMaximum(let n): "longueur maximale \(n) trop courte (au moins 6)"
            }
        }
    }

    public static let network = try! LoginTemplate("{p}{nom}")
    public static let educonnect = try! LoginTemplate("{p}.{nom}")

    public init(_ pattern: String, maximumLength: Int = 64) throws(ParseError) {
        guard maximumLength >= 6 else { throw .tooShortMaximum(maximumLength) }
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(pattern)
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw .unclosedBrace }
                let name = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                switch name {
                case "p": parts.append(.initial)
                case "prenom": parts.append(.firstName)
                case "nom": parts.append(.familyName)
                default: throw .unknownPlaceholder(name)
                }
            } else if LoginTemplate.allowed(c) {
                literal.append(c)
            } else {
                throw .forbiddenCharacter(c)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(.familyName) else { throw .noName }
        self.pattern = pattern
        self.parts = parts
        self.maximumLength = maximumLength
    }

    static func allowed(_ c: Character) -> Bool {
        (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "."
    }

    public var description: String { "\(pattern) (≤ \(maximumLength))" }

    /// The login before any homonym number: `Jean-Étienne D'Alembert` → `jdalembert`.
    public func base(for name: PersonName) -> String {
        let first = NameFolding.fold(name.firstName)
        let firstKey = NameFolding.key(first)
        let initial = first.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == "'" })
            .first.map { NameFolding.key(String($0)).prefix(1) }.map(String.init) ?? String(firstKey.prefix(1))
        var out = ""
        for part in parts {
            switch part {
            case .initial: out += initial
            case .firstName: out += firstKey
            case .familyName: out += NameFolding.key(name.displayFamilyName)
            case .literal(let l): out += l
            }
        }
        // Dots only between letters: a missing first name must not leave `.dupont`.
        while out.hasPrefix(".") { out.removeFirst() }
        while out.hasSuffix(".") { out.removeLast() }
        while out.contains("..") { out = out.replacingDots() }
        return out
    }

    /// The login with the homonym `number` (nil for the first holder), at most `maximumLength`
    /// long: the base is cut so that the number always fits whole.
    public func login(base: String, number: Int?) -> String {
        let suffix = number.map(String.init) ?? ""
        var head = String(base.prefix(maximumLength - suffix.count))
        while head.hasSuffix(".") { head.removeLast() }
        return head + suffix
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        var out = ""
        var previousDot = false
        for c in self {
            if c == "." && previousDot { continue }
            previousDot = c == "."
            out.append(c)
        }
        return out
    }
}

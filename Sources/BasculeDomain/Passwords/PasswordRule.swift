/// The four kinds of character the EduConnect rule counts.
///
/// How a character is classified (``init(classifying:)``), in this order:
/// - **special**: exactly the characters of ``PasswordRule/specialCharacters``, the memo's list.
///   `µ` (U+00B5) is a lower-case letter for Unicode but counts here as special only, as the memo
///   lists it; the Greek `μ` (U+03BC) and the ordinal `º` are not in the list.
/// - **digit**: `0` to `9` only (no other script's digits).
/// - **upper** / **lower**: any letter by its case, accented ones included: `É` is upper, `é`
///   and `ß` are lower. A French keyboard types them, and they are upper- and lower-case letters
///   to the user who reads the rule.
/// - anything else (space, `€`, `§`, a letter without case…) counts toward the length but in no
///   class.
public enum CharacterClass: String, CaseIterable, Hashable, Sendable {
    case upper, lower, digit, special

    public init?(classifying character: Character) {
        if let ascii = character.asciiValue {
            switch ascii {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): self = .digit
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): self = .upper
            case UInt8(ascii: "a")...UInt8(ascii: "z"): self = .lower
            default:
                guard Self.asciiSpecials.contains(ascii) else { return nil }
                self = .special
            }
        } else if PasswordRule.specialCharacters.contains(character) {
            self = .special
        } else if character >= "0" && character <= "9" {
            self = .digit
        } else if character.isLetter && character.isUppercase {
            self = .upper
        } else if character.isLetter && character.isLowercase {
            self = .lower
        } else {
            return nil
        }
    }

    /// The ASCII ones of ``PasswordRule/specialCharacters``, for the common case.
    private static let asciiSpecials: [UInt8] = PasswordRule.specialCharacters.compactMap(\.asciiValue)

    /// As the memo names it: `majuscule`, `minuscule`, `chiffre`, `caractère spécial`.
    public var french: String {
        switch self {
        case .upper: "majuscule"
        case .lower: "minuscule"
        case .digit: "chiffre"
        case .special: "caractère spécial"
        }
    }

    public var english: String {
        switch self {
        case .upper: "upper-case letter"
        case .lower: "lower-case letter"
        case .digit: "digit"
        case .special: "special character"
        }
    }
}

/// Who the password is for: a password containing one of these is refused. All optional.
public struct PasswordContext: Hashable, Sendable {
    public var login: String?
    public var firstName: String?
    public var familyName: String?

    public init(login: String? = nil, firstName: String? = nil, familyName: String? = nil) {
        self.login = login
        self.firstName = firstName
        self.familyName = familyName
    }
}

/// A list of passwords (or dictionary words) too common to be accepted, compared case-insensitively.
public struct CommonPasswords: Hashable, Sendable {
    private let words: Set<String>

    /// Empty words are ignored; the others are kept lower-cased.
    public init<S: Sequence>(_ words: S) where S.Element == String {
        self.words = Set(words.lazy.filter { !$0.isEmpty }.map { $0.lowercased() })
    }

    public static let none = CommonPasswords([String]())

    public var count: Int { words.count }

    public func contains(_ word: String) -> Bool {
        !words.isEmpty && words.contains(word.lowercased())
    }
}

/// Why a password is refused. ``french`` says it to the user in one sentence; no text repeats
/// the password or any part of it.
public enum PasswordRefusal: Hashable, Sendable {
    /// `length` counts Characters (what the user sees), not bytes.
    case tooShort(length: Int, minimum: Int)
    /// `missing` lists the absent classes in ``CharacterClass`` order.
    case tooFewClasses(found: Int, required: Int, missing: [CharacterClass])
    case containsLogin
    case containsFirstName
    case containsFamilyName
    /// The whole password is in the common-passwords list.
    case common
    /// Once its trailing digits and special characters are removed, the password is a word of the
    /// list (lower-cased here; the texts do not show it).
    case commonWord(String)

    public var french: String {
        switch self {
        case .tooShort(let length, let minimum):
            "Trop court : \(length) caractère\(length > 1 ? "s" : ""), il en faut au moins \(minimum)."
        case .tooFewClasses(let found, let required, let missing):
            "Pas assez de types de caractères : \(found) sur 4, il en faut au moins \(required) (majuscule, minuscule, chiffre, caractère spécial) ; il manque : \(missing.map(\.french).joined(separator: ", "))."
        case .containsLogin:
            "Le mot de passe contient l'identifiant."
        case .containsFirstName:
            "Le mot de passe contient le prénom."
        case .containsFamilyName:
            "Le mot de passe contient le nom de famille."
        case .common:
            "Mot de passe trop courant : il figure dans la liste des mots de passe courants."
        case .commonWord:
            "Mot de passe trop courant : c'est un mot courant du dictionnaire suivi de chiffres ou de caractères spéciaux."
        }
    }

    public var english: String {
        switch self {
        case .tooShort(let length, let minimum):
            "Too short: \(length) character\(length == 1 ? "" : "s"), at least \(minimum) required."
        case .tooFewClasses(let found, let required, let missing):
            "Too few kinds of characters: \(found) of 4, at least \(required) required (upper case, lower case, digit, special character); missing: \(missing.map(\.english).joined(separator: ", "))."
        case .containsLogin:
            "The password contains the login."
        case .containsFirstName:
            "The password contains the first name."
        case .containsFamilyName:
            "The password contains the family name."
        case .common:
            "Too common: the password is in the list of common passwords."
        case .commonWord:
            "Too common: a common dictionary word followed by digits or special characters."
        }
    }
}

/// The rule for new EduConnect passwords, as the academy's memo states it: at least 12
/// characters, and at least 3 of the 4 classes (upper case, lower case, digit, special character
/// among ``specialCharacters``); see ``CharacterClass`` for how characters are classified.
///
/// On top of the memo, refused as well:
/// - a password containing the login, or a word of the first or family name of at least
///   ``minimumNamePartLength`` letters (`"Jean-Étienne"` → `jean`, `etienne`; `"De La Fontaine"`
///   → `fontaine`), compared with ``NameFolding/key(_:)``: case, accents and separators ignored;
/// - a password of the common-passwords list (case-insensitively), or one that is, without its
///   trailing non-letters, a word of the list of at least ``minimumCommonWordLength`` characters
///   (`Soleil2026!!`).
public struct PasswordRule: Hashable, Sendable {
    public var minimumLength: Int
    public var requiredClasses: Int

    /// Shorter words of a name (`de`, `la`, `Al`) are not looked for.
    public static let minimumNamePartLength = 3
    /// Shorter common words followed by digits are not refused.
    public static let minimumCommonWordLength = 6

    /// The memo's list, exactly: `! ? @ # $ ( ) { } [ ] _ & = + - % ° * < > £ µ / . : ;`.
    public static let specialCharacters: Set<Character> = [
        "!", "?", "@", "#", "$", "(", ")", "{", "}", "[", "]", "_", "&", "=", "+", "-", "%",
        "°", "*", "<", ">", "£", "µ", "/", ".", ":", ";",
    ]

    /// The memo's rule: 12 characters, 3 classes of 4.
    public init(minimumLength: Int = 12, requiredClasses: Int = 3) {
        self.minimumLength = minimumLength
        self.requiredClasses = requiredClasses
    }

    /// Every rule the candidate breaks, in a fixed order: length, classes, login, first name,
    /// family name, common. Empty when the password is accepted.
    public func check(
        _ candidate: String, context: PasswordContext = .init(), commonPasswords: CommonPasswords = .none
    ) -> [PasswordRefusal] {
        var refusals: [PasswordRefusal] = []

        let length = candidate.count
        if length < minimumLength {
            refusals.append(.tooShort(length: length, minimum: minimumLength))
        }

        var present: Set<CharacterClass> = []
        for character in candidate {
            if let c = CharacterClass(classifying: character) { present.insert(c) }
        }
        if present.count < requiredClasses {
            refusals.append(.tooFewClasses(
                found: present.count, required: requiredClasses,
                missing: CharacterClass.allCases.filter { !present.contains($0) }))
        }

        // Folded only when there is a name to look for.
        let hasNames = context.login != nil || context.firstName != nil || context.familyName != nil
        let key = hasNames ? NameFolding.key(candidate) : ""
        if let login = context.login {
            let loginKey = NameFolding.key(login)
            if loginKey.count >= Self.minimumNamePartLength, key.contains(loginKey) {
                refusals.append(.containsLogin)
            }
        }
        if let first = context.firstName, Self.nameParts(first).contains(where: { key.contains($0) }) {
            refusals.append(.containsFirstName)
        }
        if let family = context.familyName, Self.nameParts(family).contains(where: { key.contains($0) }) {
            refusals.append(.containsFamilyName)
        }

        if commonPasswords.count == 0 {
            // Nothing to compare with.
        } else if commonPasswords.contains(candidate) {
            refusals.append(.common)
        } else {
            var word = Substring(candidate)
            while let last = word.last, !last.isLetter { word.removeLast() }
            if word.count < length, word.count >= Self.minimumCommonWordLength, commonPasswords.contains(String(word)) {
                refusals.append(.commonWord(word.lowercased()))
            }
        }
        return refusals
    }

    /// `true` when ``check(_:context:commonPasswords:)`` finds nothing.
    public func accepts(
        _ candidate: String, context: PasswordContext = .init(), commonPasswords: CommonPasswords = .none
    ) -> Bool {
        check(candidate, context: context, commonPasswords: commonPasswords).isEmpty
    }

    /// The folded words of a name that are long enough to look for: `"D'Alembert"` → `["alembert"]`.
    static func nameParts(_ name: String) -> [String] {
        name.split(whereSeparator: { NameFolding.key(String($0)).isEmpty })
            .map { NameFolding.key(String($0)) }
            .filter { $0.count >= minimumNamePartLength }
    }
}

import BasculeDomain
import Testing

@Suite("The EduConnect rule for new passwords")
struct PasswordRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var password: String
        var context = PasswordContext()
        var expected: [PasswordRefusal]
        var testDescription: String { "\(password) → \(expected.isEmpty ? "accepted" : "\(expected)")" }
    }

    static let common = CommonPasswords([
        "password", "motdepasse", "azertyuiop", "azertyuiop1234", "soleil", "chien", "",
    ])

    static let cases: [Case] = [
        // Length and classes, as the memo states them.
        Case(password: "Abcdefghijk1", expected: []),
        Case(password: "abcdefghijk1", expected: [.tooFewClasses(found: 2, required: 3, missing: [.upper, .special])]),
        Case(password: "Abc1!", expected: [.tooShort(length: 5, minimum: 12)]),
        Case(password: "Abcdefghij1", expected: [.tooShort(length: 11, minimum: 12)]),
        Case(password: "", expected: [
            .tooShort(length: 0, minimum: 12),
            .tooFewClasses(found: 0, required: 3, missing: [.upper, .lower, .digit, .special]),
        ]),
        Case(password: "ABCDEFGHIJK!", expected: [.tooFewClasses(found: 2, required: 3, missing: [.lower, .digit])]),
        Case(password: "abcdefghij!!", expected: [.tooFewClasses(found: 2, required: 3, missing: [.upper, .digit])]),
        Case(password: "abcdefghij!1", expected: []),
        // Every special of the memo's list counts, and µ ° £ are one Character each.
        Case(password: "Ete2026!µµµµ", expected: []),
        Case(password: "µµµµµµµµµµµµ", expected: [.tooFewClasses(found: 1, required: 3, missing: [.upper, .lower, .digit])]),
        Case(password: "°°°°°°°°°°Aa1", expected: []),
        Case(password: "°°°°°°°°Aa1", expected: [.tooShort(length: 11, minimum: 12)]),
        Case(password: "abcdefghij£1", expected: []),
        Case(password: "abcdefghij€1", expected: [.tooFewClasses(found: 2, required: 3, missing: [.upper, .special])]),
        Case(password: "abcdefghij 1", expected: [.tooFewClasses(found: 2, required: 3, missing: [.upper, .special])]),
        Case(password: "€€€€€€€€€Aa1", expected: []),
        // Accented letters count by their case.
        Case(password: "éèêàùçéèêà12", expected: [.tooFewClasses(found: 2, required: 3, missing: [.upper, .special])]),
        Case(password: "ÉÈÊÀÙéèêàù12", expected: []),
        // Login, first name, family name: folded, word by word, words of 3 letters or more.
        Case(password: "xXmdupont2026", context: .init(login: "mdupont"), expected: [.containsLogin]),
        Case(password: "Xx-M.Dupont-26", context: .init(login: "m.dupont"), expected: [.containsLogin]),
        Case(password: "Jean-Étienne2026!", context: .init(firstName: "Jean-Étienne"), expected: [.containsFirstName]),
        Case(password: "ETIENNE-x-2026", context: .init(firstName: "Jean-Étienne"), expected: [.containsFirstName]),
        Case(password: "Jeannot-x-2026", context: .init(firstName: "Jean-Étienne"), expected: [.containsFirstName]),
        Case(password: "Bleach-x-2026", context: .init(firstName: "Léa"), expected: [.containsFirstName]),
        Case(password: "Always-x-2026", context: .init(firstName: "Al"), expected: []),
        Case(password: "Alembert#2026", context: .init(familyName: "D'Alembert"), expected: [.containsFamilyName]),
        Case(password: "Delamare-2026", context: .init(familyName: "De La Fontaine"), expected: []),
        Case(password: "lafontaine-2026", context: .init(familyName: "De La Fontaine"), expected: [.containsFamilyName]),
        Case(password: "Lecoeur!2026", context: .init(familyName: "LECŒUR"), expected: [.containsFamilyName]),
        Case(password: "Mdupont-Marie-26",
             context: .init(login: "m.dupont", firstName: "Marie", familyName: "DUPONT"),
             expected: [.containsLogin, .containsFirstName, .containsFamilyName]),
        Case(password: "Kw7#pZ2qLm9!",
             context: .init(login: "m.dupont", firstName: "Marie", familyName: "DUPONT"),
             expected: []),
        // Common passwords, case-insensitively, and common words followed by digits.
        Case(password: "AZERTYuiop1234", expected: [.common]),
        Case(password: "Soleil2026!!", expected: [.commonWord("soleil")]),
        Case(password: "motdepasse12", expected: [
            .tooFewClasses(found: 2, required: 3, missing: [.upper, .special]), .commonWord("motdepasse"),
        ]),
        Case(password: "Chien2026!!!", expected: []),  // 5 letters: too short a word to refuse
        Case(password: "Soleil2026!!x", expected: []),  // nothing trailing to strip
        Case(password: "Password", expected: [
            .tooShort(length: 8, minimum: 12),
            .tooFewClasses(found: 2, required: 3, missing: [.digit, .special]),
            .common,
        ]),
    ]

    @Test("Accepted and refused passwords, with exactly the refusals expected", arguments: cases)
    func table(_ c: Case) {
        #expect(PasswordRule().check(c.password, context: c.context, commonPasswords: Self.common) == c.expected)
        #expect(PasswordRule().accepts(c.password, context: c.context, commonPasswords: Self.common) == c.expected.isEmpty)
    }

    @Test("Without a list, common passwords are not refused; the list ignores case")
    func commonList() {
        #expect(PasswordRule().check("Soleil2026!!").isEmpty)
        #expect(PasswordRule().check("AZERTYuiop1234").isEmpty)
        let list = CommonPasswords(["AzErTy"])
        #expect(list.contains("azerty") && list.contains("AZERTY"))
        #expect(!list.contains("azert"))
        #expect(list.count == 1)
        #expect(!CommonPasswords.none.contains(""))
    }

    @Test("The special characters are exactly the memo's 27")
    func specials() {
        let memo = "! ? @ # $ ( ) { } [ ] _ & = + - % ° * < > £ µ / . : ;"
        let listed = Set(memo.split(separator: " ").map { Character(String($0)) })
        #expect(listed.count == 27)
        #expect(PasswordRule.specialCharacters == listed)
        for ch in listed { #expect(CharacterClass(classifying: ch) == .special, "\(ch)") }
        for ch: Character in ["€", " ", "§", "'", "\"", "~", "^", "|", "\\", ","] {
            #expect(CharacterClass(classifying: ch) == nil, "\(ch)")
        }
    }

    @Test("Every printable ASCII character: digit, letter by case, the memo's special, or no class")
    func ascii() {
        for byte in UInt8(0x20)...UInt8(0x7E) {
            let ch = Character(Unicode.Scalar(byte))
            let expected: CharacterClass? =
                ch.isNumber ? .digit
                : ch.isUppercase ? .upper
                : ch.isLowercase ? .lower
                : PasswordRule.specialCharacters.contains(ch) ? .special : nil
            #expect(CharacterClass(classifying: ch) == expected, "\(ch)")
        }
    }

    @Test("Characters are classified as the doc comment says", arguments: [
        ("A", CharacterClass.upper), ("É", .upper), ("Ç", .upper), ("Œ", .upper),
        ("a", .lower), ("é", .lower), ("ß", .lower), ("œ", .lower),
        ("μ", .lower), ("0", .digit), ("9", .digit), ("µ", .special), ("°", .special), ("£", .special),
    ] as [(Character, CharacterClass)])
    func classes(_ ch: Character, _ expected: CharacterClass) {
        #expect(CharacterClass(classifying: ch) == expected)
    }

    @Test("A rule with other thresholds")
    func thresholds() {
        let strict = PasswordRule(minimumLength: 14, requiredClasses: 4)
        #expect(strict.check("Abcdefghijk1") == [
            .tooShort(length: 12, minimum: 14),
            .tooFewClasses(found: 3, required: 4, missing: [.special]),
        ])
        #expect(strict.accepts("Abcdefghijk1!?"))
    }

    @Test("Every refusal says in French which rule failed, and never repeats the password", arguments: [
        (PasswordRefusal.tooShort(length: 5, minimum: 12), ["au moins 12", "caractères", "5"]),
        (.tooFewClasses(found: 2, required: 3, missing: [.upper, .special]), ["au moins 3", "majuscule, caractère spécial"]),
        (.containsLogin, ["identifiant"]),
        (.containsFirstName, ["prénom"]),
        (.containsFamilyName, ["nom de famille"]),
        (.common, ["courant"]),
        (.commonWord("soleil"), ["courant", "suivi de chiffres"]),
    ] as [(PasswordRefusal, [String])])
    func french(_ refusal: PasswordRefusal, _ words: [String]) {
        #expect(!refusal.french.isEmpty && !refusal.english.isEmpty)
        #expect(refusal.french.hasSuffix("."))
        for w in words { #expect(refusal.french.contains(w), "\(refusal.french) names \(w)") }
        #expect(!refusal.french.lowercased().contains("soleil"))
        #expect(!refusal.english.lowercased().contains("soleil"))
    }
}

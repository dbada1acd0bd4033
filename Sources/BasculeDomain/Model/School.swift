/// A school's UAI (Unité Administrative Immatriculée, "UAJ" in the exports), e.g. `0860001X`.
///
/// The key of everything per school. Kept as the exports write it, upper-cased and trimmed;
/// the national form is 7 digits and a letter, but test files use shorter codes, so the shape
/// is reported (`isNationalForm`) rather than enforced.
public struct UAI: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    public init?(_ raw: String) {
        let c = raw.trimmingSpaces.uppercased()
        guard !c.isEmpty, c.count <= 16, c.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        code = c
    }

    public var isNationalForm: Bool {
        let chars = Array(code)
        return chars.count == 8 && chars[0..<7].allSatisfy(\.isNumber) && chars[7].isLetter
    }

    public var description: String { code }
    public static func < (a: UAI, b: UAI) -> Bool { a.code < b.code }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let u = UAI(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad UAI \(raw)"))
        }
        self = u
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

/// A school year named by the calendar year it starts in: 2026 is 2026-2027.
public struct SchoolYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// Accepts `2026`, `2026-2027` and `2026/2027`.
    public init?(parsing text: String) {
        let t = text.trimmingSpaces
        guard t.count >= 4, let y = Int(t.prefix(4)), (1990...2200).contains(y) else { return nil }
        startYear = y
    }

    /// The school year a day falls in: a year starts on 1 August for Bascule's purposes, the
    /// day after SIECLE's own year change in late July.
    public init(containing date: CivilDate) {
        startYear = date.month >= 8 ? date.year : date.year - 1
    }

    public var description: String { "\(startYear)-\(startYear + 1)" }
    public static func < (a: SchoolYear, b: SchoolYear) -> Bool { a.startYear < b.startYear }
}

/// Temporary passwords, as the memo describes them: 12 characters, letters and digits only.
///
/// The alphabet leaves out the characters read for one another on a printed sheet: `0`, `O`
/// and `o`; `1`, `l` and `I`. That leaves 24 upper-case letters, 24 lower-case letters and the
/// 8 digits `2`–`9`: 56 characters, about 69 bits for 12 of them.
///
/// Every password has at least one upper-case letter, one lower-case letter and one digit, by
/// construction (9 characters from the whole alphabet, then one of each class inserted at random
/// places), so that it satisfies ``PasswordRule`` (3 classes of 4, 12 characters) without
/// retrying. Every choice is uniform, without modulo bias: see ``generate(using:)``.
///
/// The random numbers come from the caller: pass `SystemRandomNumberGenerator` (the system's
/// cryptographically secure generator; `getrandom` on Linux) for real passwords, a seeded
/// generator only in tests.
public enum TemporaryPassword {
    public static let length = 12

    /// Left out of the alphabet because they look like one another.
    public static let lookAlikes: Set<Character> = ["0", "O", "o", "1", "l", "I"]

    private static let uppers: [UInt8] = Array(UInt8(ascii: "A")...UInt8(ascii: "Z")).filter(allowed)
    private static let lowers: [UInt8] = Array(UInt8(ascii: "a")...UInt8(ascii: "z")).filter(allowed)
    private static let digits: [UInt8] = Array(UInt8(ascii: "0")...UInt8(ascii: "9")).filter(allowed)
    private static let all: [UInt8] = uppers + lowers + digits

    private static func allowed(_ byte: UInt8) -> Bool {
        !lookAlikes.contains(Character(Unicode.Scalar(byte)))
    }

    /// The characters a temporary password is made of, in ASCII order within each class:
    /// upper case, lower case, digits.
    public static var alphabet: [Character] { all.map { Character(Unicode.Scalar($0)) } }

    /// One new temporary password.
    ///
    /// Two draws only, each uniform (`UInt64.random(in:using:)`, Lemire's method: no modulo bias)
    /// over the number of outcomes of a step, then read digit by digit in mixed radix, which maps
    /// the draw one-to-one onto the outcomes: the nine filling characters (56⁹ outcomes), then the
    /// upper-case letter, lower-case letter and digit and the places they are inserted at
    /// (24 × 24 × 8 × 10 × 11 × 12). Inserting them at uniform places in turn is the same as
    /// shuffling the twelve characters. Fewer draws because each one is a system call with
    /// `SystemRandomNumberGenerator`: 2 instead of 23 for one character or place per draw.
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)

        var fill = UInt64.random(in: 0..<fillOutcomes, using: &generator)
        for _ in 0..<(length - 3) {
            bytes.append(all[Int(fill % UInt64(all.count))])
            fill /= UInt64(all.count)
        }

        var forced = UInt64.random(in: 0..<forcedOutcomes, using: &generator)
        func next(below n: Int) -> Int {
            defer { forced /= UInt64(n) }
            return Int(forced % UInt64(n))
        }
        for kind in [uppers, lowers, digits] {
            let character = kind[next(below: kind.count)]
            bytes.insert(character, at: next(below: bytes.count + 1))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 56⁹, below 2⁶⁴.
    private static let fillOutcomes: UInt64 = (0..<(length - 3)).reduce(1) { r, _ in r * UInt64(all.count) }
    /// 24 × 24 × 8 for the characters, 10 × 11 × 12 for their places.
    private static let forcedOutcomes = UInt64(uppers.count * lowers.count * digits.count
        * (length - 2) * (length - 1) * length)

    /// `count` new temporary passwords.
    public static func generate(count: Int, using generator: inout some RandomNumberGenerator) -> [String] {
        (0..<max(count, 0)).map { _ in generate(using: &generator) }
    }
}

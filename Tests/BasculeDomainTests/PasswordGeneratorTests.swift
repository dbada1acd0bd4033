import BasculeDomain
import Testing

@Suite("Temporary passwords")
struct PasswordGeneratorTests {
    @Test("The alphabet: letters and digits without 0 O o 1 l I")
    func alphabet() {
        let alphabet = TemporaryPassword.alphabet
        #expect(alphabet.count == 56)
        #expect(Set(alphabet).count == 56)
        for ch in "0Oo1lI" { #expect(!alphabet.contains(ch), "\(ch)") }
        for ch in "ABHNZabhnz2589" { #expect(alphabet.contains(ch), "\(ch)") }
        #expect(alphabet.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test("100,000 passwords from the system generator: 12 characters of the alphabet, all accepted by the rule, all different, every character about as frequent")
    func manyDraws() {
        let draws = 100_000
        var generator = SystemRandomNumberGenerator()
        let rule = PasswordRule()
        let allowed = Set(TemporaryPassword.alphabet.map { $0.asciiValue! })
        var counts = [Int](repeating: 0, count: 128)
        var seen = Set<String>(minimumCapacity: draws)
        var wrongLength = 0, outsideAlphabet = 0, refused = 0
        for _ in 0..<draws {
            let password = TemporaryPassword.generate(using: &generator)
            seen.insert(password)
            if password.utf8.count != 12 || password.count != 12 { wrongLength += 1 }
            for byte in password.utf8 {
                if allowed.contains(byte) { counts[Int(byte)] += 1 } else { outsideAlphabet += 1 }
            }
            if !rule.check(password).isEmpty { refused += 1 }
        }
        #expect(wrongLength == 0)
        #expect(outsideAlphabet == 0)
        #expect(refused == 0)
        #expect(seen.count == draws)

        let frequencies = allowed.map { counts[Int($0)] }
        let least = frequencies.min()!, most = frequencies.max()!
        #expect(least > 0, "every character of the alphabet appears")
        // One upper, one lower and one digit are forced: a digit is expected 16/56 times per
        // password, a letter 11.3/56 times, a ratio of 1.41.
        #expect(Double(most) / Double(least) < 1.5, "max \(most), min \(least)")
    }

    @Test("The injected generator decides: same seed, same passwords; another seed, others")
    func seeded() {
        var a = SplitMix64(state: 42), b = SplitMix64(state: 42), c = SplitMix64(state: 43)
        let first = TemporaryPassword.generate(count: 20, using: &a)
        let again = TemporaryPassword.generate(count: 20, using: &b)
        let other = TemporaryPassword.generate(count: 20, using: &c)
        #expect(first.count == 20)
        #expect(first == again)
        #expect(Set(first).isDisjoint(with: other))
        #expect(Set(first).count == 20)
        #expect(first.allSatisfy { PasswordRule().accepts($0) })
    }
}

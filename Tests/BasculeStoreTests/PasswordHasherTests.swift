import BasculeApp
import Foundation
import Testing

@Suite("Password hashes")
struct PasswordHasherTests {
    @Test("A hash verifies its password only, is salted, and never holds the password")
    func roundTrip() throws {
        let hasher = PasswordHasher(rounds: 1_000)
        let a = try hasher.hash("Rentree2026xyz")
        let b = try hasher.hash("Rentree2026xyz")
        #expect(a != b, "salted")
        #expect(a.hasPrefix("$pbkdf2-sha256$1000$"))
        #expect(!a.contains("Rentree2026xyz"))
        #expect(hasher.verify("Rentree2026xyz", against: a))
        #expect(!hasher.verify("Rentree2026xyZ", against: a))
        #expect(!hasher.verify("Rentree2026xyz", against: "$pbkdf2-sha256$1000$bad"))
        #expect(PasswordHasher(rounds: 5).verify("Rentree2026xyz", against: a), "the stored rounds are used")
    }

    @Test("The production cost is the OWASP floor")
    func production() throws {
        let start = Date()
        let h = try PasswordHasher().hash("Rentree2026xyz")
        print("PBKDF2-SHA256 \(PasswordHasher.productionRounds) rounds: \(Date().timeIntervalSince(start)) s")
        #expect(h.hasPrefix("$pbkdf2-sha256$210000$"))
    }
}

import BasculeApp
import BasculeDomain
import BasculeTesting
import Foundation
import Testing

/// Each kind of secret gets its own cost (docs/mots-de-passe.md), and every hash names its cost,
/// so the hashes written before a change of cost still verify.
@Suite("Password hashing cost per kind of secret")
struct PasswordCostTests {
    @Test("Temporary passwords: PBKDF2 at 1,000 rounds and sha512-crypt at 1,000, each hash naming its rounds")
    func temporaryCost() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let issued = try CredentialIssuer(vault: try SheetVault(dataDirectory: dir.path))
            .issue(for: ["a", "b"], on: CivilDate(year: 2026, month: 9, day: 3)!)
        for c in issued {
            #expect(c.passwordHash.hasPrefix("$pbkdf2-sha256$1000$"), "\(c.passwordHash)")
            #expect(c.directoryHash?.hasPrefix("{CRYPT}$6$rounds=1000$") == true, "\(c.directoryHash ?? "")")
        }
    }

    @Test("A password a person chooses keeps 210,000 rounds")
    func chosenCost() throws {
        #expect(PasswordHasher().rounds == 210_000)
        #expect(PasswordHasher.chosen.rounds == 210_000)
        #expect(PasswordHasher.temporary.rounds < PasswordHasher.chosen.rounds)
    }

    @Test("Hashes written at any cost verify with any hasher: the cost is read from the hash")
    func oldHashesVerify() throws {
        let old = try PasswordHasher(rounds: 210_000).hash("Provisoire2026x")
        let new = try PasswordHasher.temporary.hash("Provisoire2026x")
        for hasher in [PasswordHasher(), PasswordHasher.temporary] {
            #expect(hasher.verify("Provisoire2026x", against: old))
            #expect(hasher.verify("Provisoire2026x", against: new))
            #expect(!hasher.verify("Provisoire2026y", against: old))
            #expect(!hasher.verify("Provisoire2026y", against: new))
        }
        let crypt5000 = try DirectoryPasswordHash.make("Provisoire2026x")
        let crypt1000 = try DirectoryPasswordHash.make("Provisoire2026x", rounds: DirectoryPasswordHash.temporaryRounds)
        #expect(!crypt5000.contains("rounds="), "crypt's default, as written before")
        #expect(DirectoryPasswordHash.verify("Provisoire2026x", against: crypt5000))
        #expect(DirectoryPasswordHash.verify("Provisoire2026x", against: crypt1000))
        #expect(!DirectoryPasswordHash.verify("Provisoire2026y", against: crypt1000))
    }
}

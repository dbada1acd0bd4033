import Crypto
import CryptoExtras
import Foundation

/// Salted hashes of passwords: PBKDF2-HMAC-SHA256, stored as
/// `$pbkdf2-sha256$<rounds>$<salt b64>$<hash b64>` (the form passlib and others read).
/// Clear passwords are never stored nor logged.
///
/// The cost depends on the kind of secret (docs/mots-de-passe.md): a password a person chooses
/// gets ``productionRounds``; a temporary password Bascule draws at random (about 69 bits) gets
/// ``temporaryRounds``. Each hash names its own rounds, so `verify` reads every hash ever written,
/// whatever the cost was then.
public struct PasswordHasher: Sendable {
    /// OWASP's floor for PBKDF2-SHA256 at the time of writing: for passwords people choose.
    public static let productionRounds = 210_000
    /// For the temporary passwords Bascule draws (12 symbols of 56, about 69 bits, changed at the
    /// first login): guessing one offline costs about 2⁶⁸ tries, a salt for each, whatever the
    /// rounds; these rounds keep the key-derivation function NIST asks for under 112 bits.
    public static let temporaryRounds = 1_000
    /// The hasher of passwords people choose.
    public static let chosen = PasswordHasher(rounds: productionRounds)
    /// The hasher of random temporary passwords.
    public static let temporary = PasswordHasher(rounds: temporaryRounds)
    public let rounds: Int

    /// By default, the cost of a password a person chooses. `rounds` below ``temporaryRounds`` are
    /// for tests only.
    public init(rounds: Int = PasswordHasher.productionRounds) {
        self.rounds = max(1, rounds)
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: .min ... .max, using: &rng) }
        let key = try derive(password, salt: salt, rounds: rounds)
        return "$pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let key = try? derive(password, salt: [UInt8](salt), rounds: rounds) else { return false }
        // Constant-time comparison: a mismatch position must not leak through timing.
        guard key.count == expected.count else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

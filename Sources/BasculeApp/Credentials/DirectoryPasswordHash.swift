import CCrypt
import Foundation

/// A password hashed for the real directory: `{CRYPT}` with SHA-512-crypt (`$6$`), which slapd
/// checks through the system's crypt(3) and PAM and nss tools read too. The salt comes from the
/// system's random source through libxcrypt.
///
/// A temporary password (random, about 69 bits) is hashed with ``temporaryRounds``, crypt's own
/// minimum, written in the hash (`$6$rounds=1000$…`) so that slapd and `verify` read it; crypt's
/// default (5,000 rounds, `$6$<salt>$…`) stays for any other caller. docs/mots-de-passe.md says why.
public enum DirectoryPasswordHash {
    /// sha512-crypt's rounds for a temporary password: the least crypt(3) accepts.
    public static let temporaryRounds = 1_000

    public enum Failure: Error, CustomStringConvertible {
        case crypt(errno: Int32)
        public var description: String {
            switch self { case .crypt(let code): "crypt(3) a échoué (errno \(code))" }
        }
    }

    /// `rounds` 0 is crypt's default (5,000).
    public static func make(_ password: String, rounds: Int = 0) throws -> String {
        guard let setting = crypt_gensalt_ra("$6$", UInt(rounds), nil, 0) else { throw Failure.crypt(errno: errno) }
        defer { free(setting) }
        return "{CRYPT}" + (try crypt(password, setting: String(cString: setting)))
    }

    /// Whether `password` matches a `{CRYPT}` hash (what slapd does at bind).
    public static func verify(_ password: String, against hash: String) -> Bool {
        guard hash.hasPrefix("{CRYPT}") else { return false }
        let stored = String(hash.dropFirst("{CRYPT}".count))
        guard let computed = try? crypt(password, setting: stored) else { return false }
        return computed == stored
    }

    private static func crypt(_ password: String, setting: String) throws -> String {
        var data: UnsafeMutableRawPointer? = nil
        var size: Int32 = 0
        defer { if let data { memset(data, 0, Int(size)); free(data) } }
        guard let out = crypt_ra(password, setting, &data, &size), out.pointee != UInt8(ascii: "*") else { throw Failure.crypt(errno: errno) }
        return String(cString: out)
    }
}

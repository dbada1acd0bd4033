import Crypto
import Foundation

/// Encrypts temporary passwords for the credential sheets with a key kept outside the database
/// (`<data>/secrets/fiches.key`, readable by its owner only): a copy of the database alone
/// reveals no password.
public struct SheetVault: Sendable {
    public enum VaultError: Error, CustomStringConvertible {
        case unreadableKey(String)
        case cannotOpen

        public var description: String {
            switch self {
            case .unreadableKey(let p): "Clé des fiches illisible : \(p)"
            case .cannotOpen: "Mot de passe provisoire indéchiffrable avec la clé actuelle (clé remplacée ?)."
            }
        }
    }

    let key: SymmetricKey
    public let keyPath: String

    /// Loads the key, creating it (and its folder, owner-only) on first use.
    public init(dataDirectory: String) throws {
        let dir = URL(fileURLWithPath: dataDirectory).appendingPathComponent("secrets")
        let path = dir.appendingPathComponent("fiches.key").path
        keyPath = path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let fresh = SymmetricKey(size: .bits256)
            let encoded = fresh.withUnsafeBytes { Data($0) }.base64EncodedData()
            guard fm.createFile(atPath: path, contents: encoded, attributes: [.posixPermissions: 0o600]) else {
                throw VaultError.unreadableKey(path)
            }
        }
        guard let text = fm.contents(atPath: path), let raw = Data(base64Encoded: text.trimmingSuffixNewline()), raw.count == 32 else {
            throw VaultError.unreadableKey(path)
        }
        key = SymmetricKey(data: raw)
    }

    public func seal(_ password: String) throws -> String {
        try AES.GCM.seal(Data(password.utf8), using: key).combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let clear = try? AES.GCM.open(box, using: key) else { throw VaultError.cannotOpen }
        return String(decoding: clear, as: UTF8.self)
    }
}

extension Data {
    fileprivate func trimmingSuffixNewline() -> Data {
        var d = self
        while let last = d.last, last == 0x0A || last == 0x0D { d.removeLast() }
        return d
    }
}

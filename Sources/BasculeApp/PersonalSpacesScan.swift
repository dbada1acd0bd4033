import BasculeDomain
import BasculeStore
import Foundation

/// A stopgap reader of the personal spaces (`<root>/<UAI>/perso/<login>`), until the spaces
/// module reads every space itself: each folder, the uid that owns it on disk, and the account
/// that uid was given to (`posix_ids`). Class and group spaces are not read here.
public struct PersonalSpacesScan: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public func folder(_ uai: UAI) -> String { "\(root)/\(uai.code)/perso" }

    public func spaces(uai: UAI, store: Store) async throws -> [ObservedSpace] {
        let numbers = try await store.posixNumbers(uai: uai)
        let accounts = try await store.directoryState(uai: uai).accounts.filter { $0.status != .deleted }
        var loginByUID: [Int: String] = [:]
        for a in accounts { if let n = numbers["person:\(a.personID)"] { loginByUID[n] = a.login } }
        let fm = FileManager.default
        let base = folder(uai)
        guard let names = try? fm.contentsOfDirectory(atPath: base) else { return [] }
        return names.sorted().compactMap { name in
            let path = "\(base)/\(name)"
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            let uid = ((try? fm.attributesOfItem(atPath: path))?[.ownerAccountID] as? NSNumber)?.intValue
            return ObservedSpace(kind: .personal, name: name, path: path, ownerUID: uid, ownerLogin: uid.flatMap { loginByUID[$0] })
        }
    }
}

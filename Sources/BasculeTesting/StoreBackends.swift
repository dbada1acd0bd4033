import BasculeStore
import Foundation

/// The two backends every store test runs on.
public enum Backend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    /// Opens a fresh, empty store of this kind, with a temporary directory for its files.
    public func openFreshStore() async throws -> (store: Store, directory: TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        switch self {
        case .sqlite:
            return (try await Store.open(.embedded(dataDirectory: dir.path)), dir)
        case .postgres:
            return (try await Store.open(.postgres(url: try PostgresServer.freshDatabaseURL())), dir)
        }
    }
}

import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// The hand-written fixtures of the import tests, shared rather than copied.
func fixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("BasculeImportTests/Fixtures/\(name)")
}

let rentree2026 = CivilDate(year: 2026, month: 9, day: 3)!

/// Ids that are the same on every run, so that failures are reproducible.
func sequentialIDs() -> @Sendable () -> String {
    let counter = Counter()
    return { "id-\(counter.next())" }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// Opens a fresh store on `backend`, runs `body`, closes it.
func withStore(_ backend: Backend, _ body: (Store, TemporaryDirectory) async throws -> Void) async throws {
    let (store, dir) = try await backend.openFreshStore()
    do {
        try await body(store, dir)
    } catch {
        await store.close()
        dir.remove()
        throw error
    }
    await store.close()
    dir.remove()
}

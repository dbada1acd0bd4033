import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Issue 11, item 1: a store opened to be read is never made where there is none.
@Suite("Opening a store to read it creates nothing")
struct OpenExistingTests {
    @Test("SQLite: a missing file is notFound and no folder or file is made; a file that is no Bascule store is refused and left as it is")
    func sqlite() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = dir.file("ailleurs/bascule.sqlite").path
        await #expect(throws: StoreError.self) { try await Store.open(.sqlite(path: missing), creating: false) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("ailleurs").path))
        let empty = dir.file("vide.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        do {
            try await Store.open(.sqlite(path: empty), creating: false).close()
            Issue.record("an empty file opened as a store")
        } catch let error as StoreError {
            #expect(error.isMissingStore && error.french.contains("ne contient aucune base Bascule"), "\(error)")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)
    }

    @Test("PostgreSQL: a database Bascule never migrated (another database on the server) is refused and stays empty; once created by an import, it opens")
    func postgres() async throws {
        let url = try PostgresServer.freshDatabaseURL()
        for _ in 0..<2 {
            do {
                try await Store.open(.postgres(url: url), creating: false).close()
                Issue.record("a database without Bascule's schema opened as a store")
            } catch let error as StoreError {
                #expect(error.isMissingStore, "\(error)")
            }
        }
        let made = try await Store.open(.postgres(url: url), creating: true)
        await made.close()
        let read = try await Store.open(.postgres(url: url), creating: false)
        #expect(try await read.schemaVersion() > 0)
        await read.close()
    }
}

import BasculeDomain
import Foundation
import SQLKit

/// A space Bascule created, as recorded.
public struct SpaceRow: Sendable, Hashable {
    public var key: String
    public var path: String
    public var movingFrom: String?
    public var createdOn: CivilDate
    /// Recorded and audited, the folder not yet seen made: a run stopped before making it.
    public var creating: Bool

    public init(key: String, path: String, movingFrom: String? = nil, createdOn: CivilDate, creating: Bool = false) {
        self.key = key
        self.path = path
        self.movingFrom = movingFrom
        self.createdOn = createdOn
        self.creating = creating
    }
}

/// An archive of a space, until it is purged.
public struct SpaceArchiveRow: Sendable, Hashable, Codable {
    public var id: String
    public var uai: String
    public var spaceKey: String
    public var spacePath: String
    public var reason: String
    public var archivePath: String
    public var manifestPath: String
    public var manifestSHA256: String
    public var fileCount: Int
    public var byteCount: Int64
    public var createdOn: CivilDate
    public var purgeOn: CivilDate
    public var purgedOn: CivilDate?

    public init(id: String, uai: String, spaceKey: String, spacePath: String, reason: String, archivePath: String,
                manifestPath: String, manifestSHA256: String, fileCount: Int, byteCount: Int64, createdOn: CivilDate,
                purgeOn: CivilDate, purgedOn: CivilDate? = nil) {
        self.id = id
        self.uai = uai
        self.spaceKey = spaceKey
        self.spacePath = spacePath
        self.reason = reason
        self.archivePath = archivePath
        self.manifestPath = manifestPath
        self.manifestSHA256 = manifestSHA256
        self.fileCount = fileCount
        self.byteCount = byteCount
        self.createdOn = createdOn
        self.purgeOn = purgeOn
        self.purgedOn = purgedOn
    }
}

/// What Bascule keeps about file spaces: the folders it created, the archives it made, the
/// calendar clean-ups it did.
extension Store {
    public func spaces(uai: UAI) async throws -> [SpaceRow] {
        try await query("SELECT * FROM spaces WHERE uai = \(bind: uai.code) ORDER BY space_key", "spaces").map { r in
            SpaceRow(key: try r.decode(column: "space_key", as: String.self), path: try r.decode(column: "path", as: String.self),
                     movingFrom: try r.decode(column: "moving_from", as: String?.self),
                     createdOn: CivilDate(parsing: try r.decode(column: "created_on", as: String.self))!,
                     creating: try r.decode(column: "creating", as: Int.self) != 0)
        }
    }

    /// Records (or moves) a space: written before the folder is made or moved, so that a run
    /// stopped in between finds the folder already Bascule's. With `creating`, the space's
    /// creation is audited in the same transaction (`audit`), and the record says so until
    /// ``spacesMade(uai:keys:)``.
    public func recordSpace(uai: UAI, key: String, path: String, movingFrom: String? = nil, on day: CivilDate,
                            creating: Bool = false, audit: [AuditEntry] = []) async throws {
        do {
            try await transaction {
                let existing = try await self.query("SELECT created_on FROM spaces WHERE uai = \(bind: uai.code) AND space_key = \(bind: key)", "spaces")
                let created = try existing.first.map { try $0.decode(column: "created_on", as: String.self) } ?? day.description
                try await self.db.raw("DELETE FROM spaces WHERE uai = \(bind: uai.code) AND space_key = \(bind: key)").run()
                try await self.insertRows("spaces", columns: ["uai", "space_key", "path", "moving_from", "created_on", "creating"],
                                          rows: [[uai.code, key, path, movingFrom, created, creating ? 1 : 0]])
                try await self.appendAudit(audit)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.queryFailed(operation: "spaces", reason: String(reflecting: error))
        }
    }

    /// The folders of these spaces are made: their creation, audited when recorded, is over.
    public func spacesMade(uai: UAI, keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        do {
            try await transaction {
                for key in keys {
                    try await self.db.raw("UPDATE spaces SET creating = 0 WHERE uai = \(bind: uai.code) AND space_key = \(bind: key)").run()
                }
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.queryFailed(operation: "spaces", reason: String(reflecting: error))
        }
    }

    public func forgetSpace(uai: UAI, key: String) async throws {
        do {
            try await db.raw("DELETE FROM spaces WHERE uai = \(bind: uai.code) AND space_key = \(bind: key)").run()
        } catch {
            throw StoreError.queryFailed(operation: "spaces", reason: String(reflecting: error))
        }
    }

    public func recordArchive(_ a: SpaceArchiveRow) async throws {
        do {
            try await insertRows("space_archives",
                columns: ["id", "uai", "space_key", "space_path", "reason", "archive_path", "manifest_path", "manifest_sha256",
                          "file_count", "byte_count", "created_on", "purge_on", "purged_on"],
                rows: [[a.id, a.uai, a.spaceKey, a.spacePath, a.reason, a.archivePath, a.manifestPath, a.manifestSHA256,
                        a.fileCount, a.byteCount, a.createdOn.description, a.purgeOn.description, a.purgedOn?.description]])
        } catch {
            throw StoreError.queryFailed(operation: "space archives", reason: String(reflecting: error))
        }
    }

    /// The school's archives, oldest first; purged ones too when `includePurged`.
    public func archives(uai: UAI, includePurged: Bool = false) async throws -> [SpaceArchiveRow] {
        var sql: SQLQueryString = "SELECT * FROM space_archives WHERE uai = \(bind: uai.code)"
        if !includePurged { sql.appendInterpolation(unsafeRaw: " AND purged_on IS NULL") }
        sql.appendInterpolation(unsafeRaw: " ORDER BY created_on, id")
        return try await query(sql, "space archives").map { r in
            SpaceArchiveRow(
                id: try r.decode(column: "id", as: String.self), uai: try r.decode(column: "uai", as: String.self),
                spaceKey: try r.decode(column: "space_key", as: String.self), spacePath: try r.decode(column: "space_path", as: String.self),
                reason: try r.decode(column: "reason", as: String.self), archivePath: try r.decode(column: "archive_path", as: String.self),
                manifestPath: try r.decode(column: "manifest_path", as: String.self),
                manifestSHA256: try r.decode(column: "manifest_sha256", as: String.self),
                fileCount: try r.decode(column: "file_count", as: Int.self), byteCount: Int64(try r.decode(column: "byte_count", as: Int.self)),
                createdOn: CivilDate(parsing: try r.decode(column: "created_on", as: String.self))!,
                purgeOn: CivilDate(parsing: try r.decode(column: "purge_on", as: String.self))!,
                purgedOn: try r.decode(column: "purged_on", as: String?.self).flatMap(CivilDate.init(parsing:)))
        }
    }

    public func markArchivePurged(id: String, on day: CivilDate) async throws {
        do {
            try await db.raw("UPDATE space_archives SET purged_on = \(bind: day.description) WHERE id = \(bind: id)").run()
        } catch {
            throw StoreError.queryFailed(operation: "space archives", reason: String(reflecting: error))
        }
    }

    /// The day a calendar entry's clean-up was done for a school and school year, if it was.
    public func cleanupDone(uai: UAI, entry: String, year: SchoolYear) async throws -> CivilDate? {
        let rows = try await query("""
            SELECT done_on FROM space_cleanups WHERE uai = \(bind: uai.code) AND calendar_entry = \(bind: entry)
            AND school_year = \(bind: year.description)
            """, "space cleanups")
        return try rows.first.flatMap { CivilDate(parsing: try $0.decode(column: "done_on", as: String.self)) }
    }

    public func recordCleanup(uai: UAI, entry: String, year: SchoolYear, on day: CivilDate) async throws {
        do {
            try await insertRows("space_cleanups", columns: ["uai", "calendar_entry", "school_year", "done_on"],
                                 rows: [[uai.code, entry, year.description, day.description]])
        } catch {
            throw StoreError.queryFailed(operation: "space cleanups", reason: String(reflecting: error))
        }
    }
}

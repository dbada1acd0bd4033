import BasculeDomain
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The store: imports and what they said, on SQLite or PostgreSQL through one SQL code path.
///
/// One connection, used by one actor: the CLI and tests do one thing at a time, and a single
/// connection makes transactions plain `BEGIN`/`COMMIT` on both backends.
public actor Store {
    public nonisolated let location: StoreLocation
    let db: any SQLDatabase
    /// The same connection as `db` on PostgreSQL, for `COPY … FROM STDIN` (`insertRows`).
    let postgres: PostgresConnection?
    let logger: Logger
    private let closeConnection: @Sendable () async throws -> Void

    private init(location: StoreLocation, db: any SQLDatabase, postgres: PostgresConnection? = nil, logger: Logger,
                 close: @escaping @Sendable () async throws -> Void) {
        self.location = location
        self.db = db
        self.postgres = postgres
        self.logger = logger
        self.closeConnection = close
    }

    /// Opens the store and brings its schema up to date. With `creating` (an import, the demo)
    /// a missing embedded store is created; without it, a missing one is `StoreError.notFound`,
    /// a database without Bascule's schema (another database on the server, an empty file) is
    /// `StoreError.notBascule`, and nothing is made: a command that only reads, or syncs what a
    /// store says, must not start from an empty store because it was pointed at the wrong place.
    public static func open(_ location: StoreLocation, creating: Bool = true,
                            logger: Logger = Logger(label: "bascule.store")) async throws -> Store {
        if !creating, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.notFound(path: path)
        }
        let store: Store
        switch location {
        case .sqlite(let path):
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                // Names, birth dates, INE, password hashes, the audit: the owner's alone. SQLite
                // gives its -wal and -shm files the database file's mode.
                if !FileManager.default.fileExists(atPath: dir.path) {
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o700])
                }
                try Self.ownerOnly(path)
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                store = Store(location: location, db: connection.sql(queryLogLevel: nil), logger: logger) { try await connection.close() }
            } catch {
                throw StoreError.cannotOpen(location: path, reason: "\(error)")
            }
            // Asked before the pragmas write their header: a file that is no store stays as it was.
            try await store.requireSchema(unless: creating, location: path)
            // WAL keeps readers going during an import; foreign keys are off by default in SQLite.
            try await store.execute("PRAGMA journal_mode = WAL", "open")
            try await store.execute("PRAGMA foreign_keys = ON", "open")
            try await store.execute("PRAGMA synchronous = NORMAL", "open")
        case .postgres(let url, let password, let allowCleartext):
            let config = try PostgresTransport.configuration(url: url, location: location, password: password,
                                                             allowCleartext: allowCleartext)
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: config.coreConfiguration, id: 1, logger: logger)
                store = Store(location: location, db: connection.sql(queryLogLevel: nil), postgres: connection, logger: logger) {
                    try await connection.close()
                }
            } catch {
                throw StoreError.cannotOpen(location: location.description, reason: String(reflecting: error))
            }
        }
        // A PostgreSQL database Bascule never migrated: another database on the server.
        if case .postgres = location { try await store.requireSchema(unless: creating, location: location.description) }
        do {
            try await store.migrate()
        } catch {
            // Never leave the connection to be dropped unclosed.
            await store.close()
            throw error
        }
        return store
    }

    /// Creates the database file 0600 if missing, and takes group and other rights off it and off
    /// its -wal and -shm files if an older version left them readable. Never through a link.
    static func ownerOnly(_ path: String) throws {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if st.st_mode & 0o077 != 0 { fchmod(fd, st.st_mode & 0o700) }
        for suffix in ["-wal", "-shm", "-journal"] {
            var side = stat()
            guard lstat(path + suffix, &side) == 0, (side.st_mode & S_IFMT) == S_IFREG, side.st_mode & 0o077 != 0 else { continue }
            chmod(path + suffix, side.st_mode & 0o700)
        }
    }

    /// Unless `creating`, refuses (and closes) a database Bascule never migrated.
    func requireSchema(unless creating: Bool, location: String) async throws {
        guard !creating else { return }
        do {
            if try await holdsSchema() { return }
        } catch {
            await close()
            throw error
        }
        await close()
        throw StoreError.notBascule(location: location)
    }

    /// Whether Bascule ever migrated this database: its `schema_migrations` table is in the
    /// catalog. Any other failure (a lock, the server) is an error, not an answer.
    func holdsSchema() async throws -> Bool {
        let sql: SQLQueryString = switch location {
        case .sqlite: "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        default: "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        }
        return try await query(sql, "open").first?.decode(column: "n", as: Int.self) ?? 0 > 0
    }

    public func close() async {
        try? await closeConnection()
    }

    // MARK: - Schema

    public func schemaVersion() async throws -> Int {
        try await execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
            """, "migrate")
        return try await maxInteger("version", in: "schema_migrations", "migrate") ?? 0
    }

    /// The key of the PostgreSQL advisory lock held while migrating ("bmig").
    static let migrationLockKey = 0x626D_6967

    /// Brings the schema up to date. On PostgreSQL, several connections may open a new database
    /// at once (the scheduler's schools in parallel): one migrates while the others wait, then
    /// find nothing left to do.
    func migrate() async throws {
        guard case .postgres = location else { return try await migrateUnlocked() }
        try await execute("SELECT pg_advisory_lock(\(Self.migrationLockKey))", "migrate")
        do {
            try await migrateUnlocked()
        } catch {
            try? await execute("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", "migrate")
            throw error
        }
        try await execute("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", "migrate")
    }

    private func migrateUnlocked() async throws {
        let current = try await schemaVersion()
        if current > Migrations.latestVersion {
            throw StoreError.newerSchema(found: current, known: Migrations.latestVersion)
        }
        let applied = Set(try await query("SELECT version FROM schema_migrations", "migrate")
            .map { try $0.decode(column: "version", as: Int.self) })
        for m in Migrations.pending(applied: applied) {
            do {
                try await transaction {
                    for s in m.statements { try await self.db.raw(SQLQueryString(s)).run() }
                    try await self.db.insert(into: "schema_migrations")
                        .columns("version", "name", "applied_at")
                        .values(m.version, m.name, Self.timestamp(Date()))
                        .run()
                }
            } catch {
                throw StoreError.migrationFailed(version: m.version, reason: String(reflecting: error))
            }
        }
    }

    // MARK: - Transactions and helpers

    /// The key of the PostgreSQL advisory lock every writing transaction holds ("basc").
    static let writeLockKey = 0x6261_7363

    /// Runs `body` in one transaction: everything or nothing.
    ///
    /// On PostgreSQL, several connections write at once (the daily run's schools in parallel),
    /// and sequence numbers are given as the largest so far plus one (audit, to-dos, POSIX
    /// numbers, journal): two transactions reading the same largest would give the same number,
    /// and one would fail on the key. So each transaction first takes one advisory lock, held
    /// until it ends: writing transactions follow one another, everything outside them (reading
    /// exports, hashing passwords, the directory, the spaces) still runs side by side. SQLite
    /// has one writer at a time already.
    func transaction<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await db.raw("BEGIN").run()
        do {
            if case .postgres = location {
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.writeLockKey)))").run()
            }
            let value = try await body()
            try await db.raw("COMMIT").run()
            return value
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    func execute(_ sql: String, _ operation: String) async throws {
        do {
            try await db.raw(SQLQueryString(sql)).run()
        } catch {
            throw StoreError.queryFailed(operation: operation, reason: String(reflecting: error))
        }
    }

    func query(_ sql: SQLQueryString, _ operation: String) async throws -> [any SQLRow] {
        do {
            return try await db.raw(sql).all()
        } catch {
            throw StoreError.queryFailed(operation: operation, reason: String(reflecting: error))
        }
    }

    /// The largest value of an integer column, nil on an empty table: how sequence numbers are
    /// given on both backends (neither's own autoincrement is shared by the other).
    func maxInteger(_ column: String, in table: String, _ operation: String) async throws -> Int? {
        let rows = try await query("SELECT MAX(\(unsafeRaw: column)) AS m FROM \(unsafeRaw: table)", operation)
        guard let row = rows.first, !(try row.decodeNil(column: "m")) else { return nil }
        return try row.decode(column: "m", as: Int.self)
    }

    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Rows a statement at most, whatever the columns (measured: see `insertRows`).
    static let maxRows = 2_000

    /// From this many rows, PostgreSQL gets them by COPY rather than by INSERT.
    static let copyThreshold = 32

    /// The rows in COPY's text format (tab between fields, `\N` for NULL, backslash, tab and
    /// line breaks escaped), or nil when a value is of a type this does not write, for which
    /// the INSERT path, with its binds, is taken.
    static func copyText(_ rows: [[any Encodable & Sendable]]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 64)
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { out.append(0x09) }
                if case Optional<Any>.none = value as Any {
                    out.append(contentsOf: [0x5C, 0x4E])  // \N
                } else if let text = value as? String {
                    for b in text.utf8 {
                        switch b {
                        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                        case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                        case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                        case 0x09: out.append(contentsOf: [0x5C, 0x74])
                        default: out.append(b)
                        }
                    }
                } else if let n = value as? Int {
                    out.append(contentsOf: String(n).utf8)
                } else {
                    return nil
                }
            }
            out.append(0x0A)
        }
        return out
    }

    /// Bound parameters one statement may carry: SQLite's cap (`SQLITE_MAX_VARIABLE_NUMBER`,
    /// 32,766 since 3.32) and PostgreSQL's (a 16-bit count in the protocol).
    var bindLimit: Int {
        switch location {
        case .sqlite: 32_766
        case .postgres: 65_535
        }
    }

    /// Inserts many rows, as many a statement as the backend's cap on bound parameters allows for
    /// this many columns, up to `maxRows` (past a few thousand, a longer statement buys nothing).
    /// `batch` overrides the width (a test, a table whose rows are large).
    func insertRows(_ table: String, columns: [String], rows: [[any Encodable & Sendable]], batch: Int? = nil) async throws {
        // PostgreSQL's own bulk path for anything larger than a few rows: the rows as COPY's text,
        // streamed on the same connection, inside the same transaction.
        if let postgres, rows.count >= Self.copyThreshold, let text = Self.copyText(rows) {
            try await postgres.copyFrom(table: table, columns: columns, format: .text(.init()), logger: logger) { writer in
                var start = text.startIndex
                while start < text.endIndex {
                    let end = text.index(start, offsetBy: min(1 << 20, text.distance(from: start, to: text.endIndex)))
                    try await writer.write(ByteBuffer(bytes: text[start..<end]))
                    start = end
                }
            }
            return
        }
        let width = batch ?? max(1, min(bindLimit / max(1, columns.count), Self.maxRows))
        var start = 0
        while start < rows.count {
            let end = min(start + width, rows.count)
            var builder = db.insert(into: table).columns(columns)
            for row in rows[start..<end] { builder = builder.values(row) }
            try await builder.run()
            start = end
        }
    }
}

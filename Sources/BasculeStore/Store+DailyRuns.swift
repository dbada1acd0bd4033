import BasculeDomain
import Foundation
import SQLKit

/// A school's day as the daily run recorded it.
public struct DailyRunRow: Sendable, Hashable, Codable {
    public var uai: UAI
    public var day: CivilDate
    /// `started`, then `done`: a day done is never run again; one left `started` (a crash) is run
    /// again by the next run, each of its steps finding what is left.
    public var state: String
    public var startedAt: String
    public var finishedAt: String?
    /// What the run did, as JSON.
    public var summary: String?
}

/// A to-do as stored: open until a run no longer finds its cause.
public struct ToDoRow: Sendable, Hashable, Codable {
    public var id: Int
    public var todo: ToDo
    public var openedOn: CivilDate
    public var closedOn: CivilDate?
}

/// The daily run's journal, one row per school and day, and the to-dos it leaves for people.
extension Store {
    public func dailyRuns(uai: UAI) async throws -> [DailyRunRow] {
        try await query("SELECT * FROM daily_runs WHERE uai = \(bind: uai.code) ORDER BY day", "daily runs").map { r in
            DailyRunRow(uai: uai, day: CivilDate(parsing: try r.decode(column: "day", as: String.self))!,
                        state: try r.decode(column: "state", as: String.self),
                        startedAt: try r.decode(column: "started_at", as: String.self),
                        finishedAt: try r.decode(column: "finished_at", as: String?.self),
                        summary: try r.decode(column: "summary", as: String?.self))
        }
    }

    /// Records that the run of `day` begins; false when that day is already done (never run twice).
    public func beginDailyRun(uai: UAI, day: CivilDate, at now: Date) async throws -> Bool {
        try await storing("daily runs") {
            try await self.transaction {
                let rows = try await self.query("""
                    SELECT state FROM daily_runs WHERE uai = \(bind: uai.code) AND day = \(bind: day.description)
                    """, "daily runs")
                if let state = try rows.first?.decode(column: "state", as: String.self) {
                    if state == "done" { return false }
                    try await self.db.raw("""
                        UPDATE daily_runs SET state = 'started', started_at = \(bind: Self.timestamp(now)), finished_at = NULL
                        WHERE uai = \(bind: uai.code) AND day = \(bind: day.description)
                        """).run()
                    return true
                }
                try await self.insertRows("daily_runs", columns: ["uai", "day", "state", "started_at"],
                                          rows: [[uai.code, day.description, "started", Self.timestamp(now)]])
                return true
            }
        }
    }

    /// The day's run is over: its summary, and the to-dos it found; an open one of a kind it
    /// `checked` and did not find again is closed that day (its cause is gone).
    public func finishDailyRun(uai: UAI, day: CivilDate, summary: String, todos: [ToDo], checked: Set<ToDo.Kind>, at now: Date) async throws {
        try await storing("daily runs") {
            try await self.transaction {
                try await self.db.raw("""
                    UPDATE daily_runs SET state = 'done', finished_at = \(bind: Self.timestamp(now)), summary = \(bind: summary)
                    WHERE uai = \(bind: uai.code) AND day = \(bind: day.description)
                    """).run()
                let open = try await self.todos(uai: uai, includeClosed: false)
                let found = Set(todos.map(\.identity))
                for row in open where checked.contains(row.todo.kind) && !found.contains(row.todo.identity) {
                    try await self.db.raw("UPDATE todos SET closed_on = \(bind: day.description) WHERE id = \(bind: row.id)").run()
                }
                try await self.insertToDos(todos, uai: uai, day: day, open: open)
            }
        }
    }

    /// Opens `todos` not already open (``ToDo/identity``); one found again keeps its number and
    /// day, and takes the reason and plan hash it now has (a held plan that changed).
    private func insertToDos(_ todos: [ToDo], uai: UAI, day: CivilDate, open: [ToDoRow]) async throws {
        let already = Dictionary(open.map { ($0.todo.identity, $0) }, uniquingKeysWith: { a, _ in a })
        var id = try await maxInteger("id", in: "todos", "todos") ?? 0
        for t in todos {
            if let row = already[t.identity] {
                if row.todo.planHash != t.planHash || row.todo.reason != t.reason {
                    try await db.raw("""
                        UPDATE todos SET plan_hash = \(bind: t.planHash), detail_fr = \(bind: t.reason.french), detail_en = \(bind: t.reason.english)
                        WHERE id = \(bind: row.id)
                        """).run()
                }
                continue
            }
            id += 1
            try await insertRows("todos", columns: ["id", "uai", "kind", "role", "detail_fr", "detail_en", "opened_on", "plan_hash"],
                                 rows: [[id, uai.code, t.kind.rawValue, t.role.rawValue, t.reason.french, t.reason.english,
                                         day.description, t.planHash]])
        }
    }

    /// Opens a to-do outside a school's run (the scheduler's, when the run itself failed), unless
    /// the same one is open already.
    public func openToDo(_ todo: ToDo, on day: CivilDate) async throws {
        try await storing("todos") {
            try await self.transaction {
                try await self.insertToDos([todo], uai: todo.uai, day: day, open: try await self.todos(uai: todo.uai, includeClosed: false))
            }
        }
    }

    public func todo(id: Int) async throws -> ToDoRow? {
        try await todoRows("SELECT * FROM todos WHERE id = \(bind: id)").first
    }

    public func todos(uai: UAI? = nil, includeClosed: Bool = false) async throws -> [ToDoRow] {
        var sql: SQLQueryString = "SELECT * FROM todos WHERE 1 = 1"
        if let uai { sql.appendInterpolation(unsafeRaw: " AND uai = "); sql.appendInterpolation(bind: uai.code) }
        if !includeClosed { sql.appendInterpolation(unsafeRaw: " AND closed_on IS NULL") }
        sql.appendInterpolation(unsafeRaw: " ORDER BY id")
        return try await todoRows(sql)
    }

    private func todoRows(_ sql: SQLQueryString) async throws -> [ToDoRow] {
        try await query(sql, "todos").map { r in
            ToDoRow(id: try r.decode(column: "id", as: Int.self),
                    todo: ToDo(kind: ToDo.Kind(rawValue: try r.decode(column: "kind", as: String.self)) ?? .planHeld,
                               role: ToDo.Role(rawValue: try r.decode(column: "role", as: String.self)) ?? .rupn,
                               uai: UAI(try r.decode(column: "uai", as: String.self))!,
                               reason: Reason(try r.decode(column: "detail_fr", as: String.self), try r.decode(column: "detail_en", as: String.self)),
                               planHash: try r.decode(column: "plan_hash", as: String?.self)),
                    openedOn: CivilDate(parsing: try r.decode(column: "opened_on", as: String.self))!,
                    closedOn: try r.decode(column: "closed_on", as: String?.self).flatMap(CivilDate.init(parsing:)))
        }
    }

    func storing<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.queryFailed(operation: operation, reason: String(reflecting: error))
        }
    }
}

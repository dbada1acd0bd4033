import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import Foundation
import Testing

/// The clock of a service whose daily run the test drives: the scheduler reads the time from it
/// and sleeps on it; moving it past the scheduler's wake-up time wakes it, and ``move(to:)``
/// returns once the scheduler went back to sleep (its day done). No wall-clock wait anywhere.
final class SchedulerClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date
    private var sleeper: (deadline: Date, wake: CheckedContinuation<Void, any Error>)?
    private var sleeps = 0
    private var watchers: [(count: Int, done: CheckedContinuation<Void, Never>)] = []
    private var heardDays: [DepartmentDay] = []

    init(_ text: String) { date = Self.parse(text) }

    var now: Date { lock.withLock { date } }

    /// The department's days the scheduler ran, in order.
    var days: [DepartmentDay] { lock.withLock { heardDays } }

    func hear(_ day: DepartmentDay) { lock.withLock { heardDays.append(day) } }

    /// The scheduler's sleep: until the test moves the clock past `duration` from now.
    func sleep(_ duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                lock.withLock {
                    // Cancelled before getting here: the handler found no sleeper to end.
                    if Task.isCancelled { c.resume(throwing: CancellationError()); return }
                    sleeper = (date.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18), c)
                    sleeps += 1
                    let ready = watchers.filter { $0.count <= sleeps }
                    watchers.removeAll { $0.count <= sleeps }
                    for w in ready { w.done.resume() }
                }
            }
        } onCancel: {
            let s = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                defer { sleeper = nil }
                return sleeper?.wake
            }
            s?.resume(throwing: CancellationError())
        }
    }

    /// Waits until the scheduler went to sleep `count` times since it started.
    func asleep(times count: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.withLock {
                if sleeps >= count { c.resume() } else { watchers.append((count, c)) }
            }
        }
    }

    /// Waits for the scheduler's first sleep (what was due at start-up done).
    func started() async { await asleep(times: 1) }

    /// Moves the clock to `text`; when the scheduler's hour came by then, wakes it and waits for
    /// its day to be done. Returns the days it ran on this move.
    @discardableResult
    func move(to text: String) async -> [DepartmentDay] {
        let target = Self.parse(text)
        let (wake, count, before) = lock.withLock { () -> (CheckedContinuation<Void, any Error>?, Int, Int) in
            date = target
            guard let s = sleeper, s.deadline <= target else { return (nil, sleeps, heardDays.count) }
            sleeper = nil
            return (s.wake, sleeps, heardDays.count)
        }
        guard let wake else { return [] }
        wake.resume()
        await asleep(times: count + 1)
        return Array(days.dropFirst(before))
    }

    /// `2026-09-01T06:45:00+02:00`.
    static func parse(_ text: String) -> Date {
        guard let d = ISO8601DateFormatter().date(from: text) else { fatalError("not an ISO 8601 date: \(text)") }
        return d
    }
}

extension Running {
    /// A service already made (its settings with port 0: the kernel's choice, never a fixed port
    /// another run may hold), with `services` beside it (the daily run).
    static func start(service: BasculeService, alongside services: [SchedulerService], scheme: String = "http",
                      client: HTTPClient = .shared) async throws -> Running {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            // A service that cannot start (its port taken) ends the wait for a port instead of hanging the test.
            defer { continuation.finish() }
            try await service.run(alongside: services, handleSignals: false) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return Running(service: service, port: port, task: task, scheme: scheme, client: client)
    }
}

/// One step of a day's report that says `text`, for a school on a day.
func steps(_ days: [DepartmentDay], _ uai: String, _ day: String) -> [String] {
    days.flatMap(\.schools).filter { $0.uai.code == uai }.flatMap(\.reports).filter { $0.day.description == day && !$0.skipped }.flatMap(\.steps)
}

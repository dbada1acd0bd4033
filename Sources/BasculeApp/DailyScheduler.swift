import BasculeDomain
import BasculeStore
import Foundation
import Logging

/// Gives the scheduler its store connections: one per school run, closed after it.
///
/// The `Store` actor is one connection, and its transactions must not interleave: two schools
/// never share one. On PostgreSQL several connections write side by side (their transactions
/// follow one another on the store's lock), so schools run in parallel; on SQLite one writer at a
/// time is the file's rule, so they run one after the other.
public protocol StoreProvider: Sendable {
    /// Whether several connections may work at once (PostgreSQL).
    var allowsParallelSchools: Bool { get }
    func open() async throws -> Store
    /// Done with a store `open` gave.
    func release(_ store: Store) async
}

extension StoreProvider {
    public func release(_ store: Store) async { await store.close() }
}

/// The store at a location: `creating` only where exports wait to be imported.
public struct LocationStoreProvider: StoreProvider {
    public let location: StoreLocation
    public let creating: Bool

    public init(location: StoreLocation, creating: Bool = false) {
        self.location = location
        self.creating = creating
    }

    public var allowsParallelSchools: Bool {
        if case .postgres = location { return true }
        return false
    }

    public func open() async throws -> Store { try await Store.open(location, creating: creating) }
}

/// One school's share of a department's day.
public struct SchoolDay: Sendable, Codable {
    public var uai: UAI
    /// The days run (missed ones caught up first), or skipped when already done.
    public var reports: [DailyRunReport]
    /// Why the school's run stopped, when it did: a to-do for the department, and the next run
    /// starts that day again.
    public var failure: Reason?
    /// The error itself, for the CLI's exit code.
    public var error: (any Error)?

    enum CodingKeys: String, CodingKey { case uai, reports, failure }
}

/// A department's day: every school's, then the digests.
public struct DepartmentDay: Sendable, Codable {
    public var day: CivilDate
    public var schools: [SchoolDay]
    /// Nil when no relay is configured (nothing is sent).
    public var digests: DigestReport?
}

/// Runs the department's day for every school, each day at the configured hour: what the service
/// (`bascule serve`) runs in the background and `bascule run` runs by hand, through the same code.
///
/// - Days missed while the process was down are caught up (``DailySchedule/catchUpDays`` at most);
///   the run journal makes sure a day is never run twice.
/// - Schools run in parallel up to the machine's cores on PostgreSQL, one after the other on
///   SQLite (``StoreProvider``), each on its own connection.
/// - One school's failure, whatever the error, never holds up another: it is logged and becomes
///   a to-do for the department (`run-failed`), and the school's next run starts that day again.
/// - Once the schools are done, each person with open to-dos gets one digest a day at most
///   (``DigestService``), when a relay is configured.
/// - The clock is passed in: tests drive it from June to October.
public struct DailyScheduler: Sendable {
    public var settings: DailyRunSettings
    public var schedule: DailySchedule
    public var stores: any StoreProvider
    public var mail: MailSettings?
    /// Now.
    public var clock: @Sendable () -> Date
    /// Schools run at once.
    public var parallelism: Int
    public var logger: Logger
    /// Heard after each school's day is done (run, skipped or failed): the service rebuilds the
    /// access index from it, so that the single sign-on sees a rentrée applied by the run at once.
    public var onSchoolDone: (@Sendable (SchoolDay) async -> Void)?

    public init(settings: DailyRunSettings, schedule: DailySchedule = DailySchedule(), stores: any StoreProvider,
                mail: MailSettings? = nil, clock: @escaping @Sendable () -> Date, parallelism: Int? = nil,
                logger: Logger = Logger(label: "bascule.quotidien")) {
        self.settings = settings
        self.schedule = schedule
        self.stores = stores
        self.mail = mail
        self.clock = clock
        self.parallelism = stores.allowsParallelSchools ? max(1, parallelism ?? ProcessInfo.processInfo.activeProcessorCount) : 1
        self.logger = logger
    }

    /// The scheduler `bascule.yml` describes: hour, catch-up, relay, and the daily run's settings.
    public static func configured(dataDirectory: String, configuration: Configuration, variables: @Sendable (String) -> String?,
                                  stores: any StoreProvider, clock: @escaping @Sendable () -> Date,
                                  passwordRounds: Int = PasswordHasher.productionRounds, actor: String,
                                  logger: Logger = Logger(label: "bascule.quotidien"),
                                  warn: @escaping @Sendable (String) -> Void) throws -> DailyScheduler {
        let settings = try DailyRunSettings.configured(dataDirectory: dataDirectory, configuration: configuration, variables: variables,
                                                       passwordRounds: passwordRounds, actor: actor, warn: warn)
        let mail = try configuration.mailSettings()
        if let mail, case .cleartextAllowed(let host) = mail.relay.verdict {
            warn("ATTENTION : relais de courriel \(host) sans STARTTLS (tls: non-sécurisé dans bascule.yml) : les messages passent en clair sur le réseau.")
        }
        return DailyScheduler(settings: settings, schedule: try configuration.schedule(), stores: stores, mail: mail,
                              clock: clock, logger: logger)
    }

    /// What is due now: the last day whose hour has come, with the days before it missed.
    public func runDue() async throws -> DepartmentDay {
        try await runDay(schedule.dueDay(at: clock()))
    }

    /// The department's day `day` (`bascule run --date D`): every school, or `only` those, days
    /// missed before it caught up; then the digests of `day`.
    /// Throws only when the store cannot be opened to list the schools: then nothing ran.
    /// Throws `DailyRunBusy` when another process runs a day on the same data folder: nothing ran.
    public func runDay(_ day: CivilDate, only: [UAI]? = nil) async throws -> DepartmentDay {
        // Held to the end of the day, digests included (see `DailyRunLock`).
        let lock = try DailyRunLock.acquire(dataDirectory: settings.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        let schools = try await self.schools(only)
        logger.info("journée du département", metadata: ["jour": "\(day)", "établissements": "\(schools.count)", "en parallèle": "\(parallelism)"])
        var results: [SchoolDay] = []
        await withTaskGroup(of: SchoolDay.self) { group in
            var waiting = schools.makeIterator()
            for _ in 0..<parallelism {
                guard let uai = waiting.next() else { break }
                group.addTask { await self.runSchool(uai, through: day) }
            }
            while let done = await group.next() {
                results.append(done)
                await onSchoolDone?(done)
                if let uai = waiting.next() { group.addTask { await self.runSchool(uai, through: day) } }
            }
        }
        results.sort { $0.uai.code < $1.uai.code }
        var digests: DigestReport?
        if let mail {
            digests = await sendDigests(day: day, mail: mail)
        }
        return DepartmentDay(day: day, schools: results, digests: digests)
    }

    /// Runs forever, until cancelled: what is due at once (a day missed while stopped is caught
    /// up), then each day at the hour. `sleep` is passed in for tests. After digests could not be
    /// sent, tries again half an hour later (the day's runs are done: nothing runs twice).
    /// `done` hears each department's day once run (the service logs it; tests read it).
    public func serve(sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                      done heard: @Sendable (DepartmentDay) async -> Void = { _ in }) async throws {
        while !Task.isCancelled {
            var retrySoon = false
            do {
                let done = try await runDue()
                await heard(done)
                retrySoon = !(done.digests?.failed.isEmpty ?? true)
            } catch {
                logger.error("journée du département impossible", metadata: ["erreur": "\(Self.reason(for: error).french)"])
                retrySoon = true
            }
            let now = clock()
            var next = schedule.nextRun(after: now)
            if retrySoon { next = min(next, now.addingTimeInterval(1800)) }
            try await sleep(.milliseconds(Int64((next.timeIntervalSince(now) * 1000).rounded(.up))))
        }
    }

    /// The schools the store knows, and those with a drop folder (a first export waiting).
    func schools(_ only: [UAI]?) async throws -> [UAI] {
        if let only { return only }
        let store = try await stores.open()
        var all: Set<UAI>
        do {
            all = Set(try await store.schools())
            await stores.release(store)
        } catch {
            await stores.release(store)
            throw error
        }
        let depot = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("depot").path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: depot)) ?? [] {
            if let uai = UAI(name) { all.insert(uai) }
        }
        return all.sorted { $0.code < $1.code }
    }

    /// One school's days through `day` on a connection of its own; any error is caught here.
    func runSchool(_ uai: UAI, through day: CivilDate) async -> SchoolDay {
        let service: (Store) -> DailyRunService = { DailyRunService(store: $0, settings: settings) }
        do {
            let store = try await stores.open()
            do {
                let reports = try await service(store).run(uai: uai, through: day, catchUpDays: schedule.catchUpDays, now: clock)
                await stores.release(store)
                for r in reports where !r.skipped {
                    logger.info("journée d'établissement", metadata: ["uai": "\(uai)", "jour": "\(r.day)", "tâches": "\(r.todos.count)"])
                }
                return SchoolDay(uai: uai, reports: reports)
            } catch {
                await stores.release(store)
                throw error
            }
        } catch {
            let why = Self.reason(for: error)
            logger.error("journée d'établissement en échec", metadata: ["uai": "\(uai)", "jour": "\(day)", "erreur": "\(why.french)"])
            await recordFailure(uai: uai, day: day, why: why)
            return SchoolDay(uai: uai, reports: [], failure: why, error: error)
        }
    }

    /// The failure as a to-do for the department, on a fresh connection (the school's may be the
    /// cause). If even that fails, the log says it.
    func recordFailure(uai: UAI, day: CivilDate, why: Reason) async {
        let todo = ToDo(kind: .runFailed, role: .department, uai: uai, reason: Reason(
            "l'exécution quotidienne s'est arrêtée : \(why.french) ; la prochaine exécution reprendra ce jour-là",
            "the daily run stopped: \(why.english); the next run starts that day again"))
        do {
            let store = try await stores.open()
            do {
                try await store.openToDo(todo, on: day)
            } catch {
                logger.error("tâche run-failed non enregistrée", metadata: ["uai": "\(uai)", "erreur": "\(Self.reason(for: error).french)"])
            }
            await stores.release(store)
        } catch {
            logger.error("tâche run-failed non enregistrée", metadata: ["uai": "\(uai)", "erreur": "\(Self.reason(for: error).french)"])
        }
    }

    func sendDigests(day: CivilDate, mail: MailSettings) async -> DigestReport {
        do {
            let store = try await stores.open()
            do {
                let report = try await DigestService(store: store, mail: mail, now: clock).send(day: day)
                await stores.release(store)
                logger.info("courriels du jour", metadata: ["jour": "\(day)", "envoyés": "\(report.sent.count)", "échecs": "\(report.failed.count)"])
                return report
            } catch {
                await stores.release(store)
                throw error
            }
        } catch {
            let why = Self.reason(for: error)
            logger.error("courriels du jour non envoyés", metadata: ["jour": "\(day)", "erreur": "\(why.french)"])
            return DigestReport(day: day, failed: ["*": why.french])
        }
    }

    /// An error as people read it: Bascule's errors say it in French (their description), cut
    /// to a few lines (it goes into a to-do and its e-mail).
    public static func reason(for error: any Error) -> Reason {
        var text = String(describing: error)
        text = text.replacingOccurrences(of: "\n", with: " ")
        if text.count > 400 { text = String(text.prefix(400)) + "…" }
        return Reason(text, text)
    }
}

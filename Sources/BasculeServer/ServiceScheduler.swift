import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import Logging
import ServiceLifecycle

/// The scheduler's connections inside `bascule serve`. On the embedded SQLite store there is one
/// connection, the service's: each school's day borrows it through ``StoreAccess``, so that a day
/// never interleaves with a request's transaction (requests wait for the school's day; the access
/// decision answers from memory meanwhile). On PostgreSQL each school gets a connection of its
/// own (`parallel`), and schools run side by side under the store's write lock.
public struct ServiceStores: StoreProvider {
    public let access: StoreAccess
    public let parallel: LocationStoreProvider?

    public init(access: StoreAccess, location: StoreLocation) {
        self.access = access
        if case .postgres = location { parallel = LocationStoreProvider(location: location) } else { parallel = nil }
    }

    public var allowsParallelSchools: Bool { parallel != nil }

    public func open() async throws -> Store {
        if let parallel { return try await parallel.open() }
        return await access.borrow()
    }

    public func release(_ store: Store) async {
        if let parallel { return await parallel.release(store) }
        // The service's own connection: given back, never closed.
        await access.giveBack()
    }
}

/// The daily run inside `bascule serve`: the department's day at the configured hour (what is
/// due at start-up first, days missed caught up), beside the HTTP service in its service group.
/// After each school's day the access index is rebuilt, so `/api/acces` answers from what the
/// run applied (a rentrée, deletions) without waiting for the periodic rebuild.
public struct SchedulerService: Service {
    public let scheduler: DailyScheduler
    /// Waits for a duration; tests pass a sleep that their clock ends.
    public let sleep: @Sendable (Duration) async throws -> Void
    /// Hears each department's day (tests read them).
    public let heard: @Sendable (DepartmentDay) async -> Void

    /// `scheduler` as the service runs it: its schools' days refresh `service`'s access index.
    public init(scheduler: DailyScheduler, refreshing service: BasculeService,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                heard: @escaping @Sendable (DepartmentDay) async -> Void = { _ in }) {
        var scheduler = scheduler
        let log = scheduler.logger
        scheduler.onSchoolDone = { [service] school in
            // Even a failed day may have applied part of its work (the plan, then not the directory).
            do {
                try await service.refreshAccessIndex()
            } catch {
                log.warning("index d'accès non reconstruit après la journée", metadata: ["uai": "\(school.uai)", "cause": "\(DailyScheduler.reason(for: error).french)"])
            }
        }
        self.scheduler = scheduler
        self.sleep = sleep
        self.heard = heard
    }

    public func run() async throws {
        let sleep = self.sleep
        // A graceful shutdown ends the wait, never a school's day under way: that day finishes,
        // then the loop sees the shutdown and stops.
        do {
            try await scheduler.serve(sleep: { duration in
                try await cancelWhenGracefulShutdown { try await sleep(duration) }
                if Task.isShuttingDownGracefully { throw CancellationError() }
            }, done: heard)
        } catch is CancellationError {
            return
        }
    }
}

extension BasculeService {
    /// The daily scheduler `bascule.yml` describes, running through this service's store; nil
    /// when `service.quotidien` is false (the day is run elsewhere).
    public func dailyScheduler(location: StoreLocation, variables: @escaping @Sendable (String) -> String?,
                               clock: @escaping @Sendable () -> Date,
                               passwordRounds: Int = PasswordHasher.temporaryRounds,
                               warn: @escaping @Sendable (String) -> Void) throws -> DailyScheduler? {
        let settings = core.settings
        let configuration = settings.configuration ?? Configuration()
        guard configuration.servesDailyRun else { return nil }
        return try DailyScheduler.configured(dataDirectory: settings.dataDirectory, configuration: configuration, variables: variables,
                                             stores: ServiceStores(access: storeAccess, location: location), clock: clock,
                                             passwordRounds: passwordRounds, actor: "bascule serve (exécution quotidienne)",
                                             logger: settings.logger, warn: warn)
    }
}

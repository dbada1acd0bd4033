import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("bascule serve runs the department's day itself, through its own store, and /api/acces follows", .serialized)
struct SchedulerInServiceTests {
    /// A data folder with `bascule.yml` and one generated collège's exports, not yet dropped.
    struct Folder {
        let dir: TemporaryDirectory
        let files: [GeneratedFile]
        var data: String { dir.path }
        var uai: UAI { files[0].uai }

        init(yaml: String, schools: Int = 1, years: Int = 1, firstYear: Int = 2026) throws {
            dir = try TemporaryDirectory(prefix: "bascule-serve-quotidien")
            let exports = dir.url.appendingPathComponent("exports")
            try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
            files = try AcademyGenerator(options: GeneratorOptions(schools: schools, studentsPerSchool: 40, seed: 21, firstYear: firstYear, years: years))
                .write(to: exports)
            try yaml.write(toFile: dir.path + "/bascule.yml", atomically: true, encoding: .utf8)
        }

        var configuration: Configuration { get throws { try #require(try Configuration.load(data + "/bascule.yml")) } }

        func drop(_ uai: UAI, year: Int) throws {
            let depot = data + "/depot/" + uai.code
            try FileManager.default.createDirectory(atPath: depot, withIntermediateDirectories: true)
            for f in files where f.uai == uai && f.year.startYear == year {
                let target = depot + "/" + f.url.lastPathComponent
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(at: f.url, to: URL(fileURLWithPath: target))
            }
        }
    }

    static let yaml = """
        service:
          heure: "06:30"
          fuseau: Europe/Paris
          rattrapage: 3
        """

    @Test("At the hour, the service imports what was dropped and applies it; /api/acces answers from it at once, without the periodic rebuild")
    func runsAtTheHourAndRefreshesTheIndex() async throws {
        let folder = try Folder(yaml: Self.yaml)
        defer { folder.dir.remove() }
        let clock = SchedulerClock("2026-06-15T07:00:00+02:00")
        let schedule = try folder.configuration.schedule()
        let store = try await Store.open(.embedded(dataDirectory: folder.data), creating: true)
        // No periodic rebuild of the index (accessIndexRefresh 0): only the scheduler's refresh can make /api/acces see the run.
        let settings = ServerSettings(port: 0, dataDirectory: folder.data, configuration: try folder.configuration, passwordRounds: 10_000,
                                      accessIndexRefresh: 0, now: { clock.now }, today: { schedule.day(of: clock.now) },
                                      logger: LogCapture().logger)
        let service = try BasculeService(settings: settings, store: store)
        let scheduler = try #require(try service.dailyScheduler(location: .embedded(dataDirectory: folder.data), variables: { _ in nil },
                                                                clock: { clock.now }, warn: { _ in }))
        #expect(!scheduler.stores.allowsParallelSchools, "SQLite: one connection, the service's")
        let server = try await Running.start(service: service, alongside: [
            SchedulerService(scheduler: scheduler, refreshing: service, sleep: { try await clock.sleep($0) }, heard: { clock.hear($0) }),
        ])
        await clock.started()
        #expect(clock.days.count == 1 && clock.days[0].schools.isEmpty, "nothing dropped yet, no school")

        let (secret, hash) = APITokens.make()
        try await server.service.storeAccess.run {
            try await $0.createToken(TokenRow(id: UUID().uuidString, name: "ent", role: "acces", schools: [], tokenHash: hash,
                                              createdAt: "2026-06-15T00:00:00Z", createdBy: "test"), audit: [])
        }
        try folder.drop(folder.uai, year: 2026)
        // Before the hour nothing runs.
        #expect(await clock.move(to: "2026-06-16T06:00:00+02:00").isEmpty)
        let ran = await clock.move(to: "2026-06-16T06:31:00+02:00")
        #expect(ran.count == 1 && steps(ran, folder.uai.code, "2026-06-16").contains { $0.contains("appliqué") },
                "\(steps(ran, folder.uai.code, "2026-06-16"))")
        let accounts = try await server.service.storeAccess.run { try await $0.directoryState(uai: folder.uai).accounts }
        let student = try #require(accounts.first { $0.kind == .student && $0.status == .active })
        let reply = try await server.send(.GET, "/api/acces?login=\(student.login)&date=2026-06-16", headers: [("Authorization", "Bearer \(secret)")])
        #expect(reply.status == 200)
        #expect(reply.json["autorise"] as? Bool == true, "the index was rebuilt after the school's day: \(reply.text)")

        // The journal: the same hour again runs nothing twice.
        #expect(await clock.move(to: "2026-06-16T09:00:00+02:00").isEmpty)
        await server.stop()
        await store.close()
    }

    @Test("On PostgreSQL, the service's day runs the schools on connections of their own, and /api/acces follows")
    func parallelOnPostgres() async throws {
        let folder = try Folder(yaml: Self.yaml, schools: 3)
        defer { folder.dir.remove() }
        let location = StoreLocation.postgres(url: try PostgresServer.freshDatabaseURL())
        let clock = SchedulerClock("2026-06-15T07:00:00+02:00")
        let schedule = try folder.configuration.schedule()
        let store = try await Store.open(location, creating: true)
        let settings = ServerSettings(port: 0, dataDirectory: folder.data, configuration: try folder.configuration, passwordRounds: 10_000,
                                      accessIndexRefresh: 0, now: { clock.now }, today: { schedule.day(of: clock.now) },
                                      logger: LogCapture().logger)
        let service = try BasculeService(settings: settings, store: store)
        let scheduler = try #require(try service.dailyScheduler(location: location, variables: { _ in nil }, clock: { clock.now }, warn: { _ in }))
        #expect(scheduler.stores.allowsParallelSchools && scheduler.parallelism == ProcessInfo.processInfo.activeProcessorCount)
        let schools = Set(folder.files.map(\.uai)).sorted { $0.code < $1.code }
        for uai in schools { try folder.drop(uai, year: 2026) }
        let server = try await Running.start(service: service, alongside: [
            SchedulerService(scheduler: scheduler, refreshing: service, sleep: { try await clock.sleep($0) }, heard: { clock.hear($0) }),
        ])
        await clock.started()
        let day = try #require(clock.days.first)
        #expect(day.schools.count == 3 && day.schools.allSatisfy { $0.failure == nil }, "\(day.schools.map { $0.failure?.french ?? "ok" })")
        #expect(schools.allSatisfy { steps([day], $0.code, "2026-06-15").contains { $0.contains("appliqué") } })
        let (secret, hash) = APITokens.make()
        try await server.service.storeAccess.run {
            try await $0.createToken(TokenRow(id: UUID().uuidString, name: "ent", role: "acces", schools: [], tokenHash: hash,
                                              createdAt: "2026-06-15T00:00:00Z", createdBy: "test"), audit: [])
        }
        for uai in schools {
            let login = try #require(try await server.service.storeAccess.run { try await $0.directoryState(uai: uai).accounts.first { $0.kind == .student } }?.login)
            let reply = try await server.send(.GET, "/api/acces?login=\(login)&date=2026-06-15", headers: [("Authorization", "Bearer \(secret)")])
            #expect(reply.json["autorise"] as? Bool == true, "\(uai): \(reply.text)")
        }
        await server.stop()
        await store.close()
    }

    @Test("service.quotidien: false — the service leaves the day to bascule run")
    func switchedOff() async throws {
        let folder = try Folder(yaml: Self.yaml + "\n  quotidien: false\n")
        defer { folder.dir.remove() }
        #expect(try folder.configuration.servesDailyRun == false)
        let store = try await Store.open(.embedded(dataDirectory: folder.data), creating: true)
        let service = try BasculeService(settings: ServerSettings(dataDirectory: folder.data, configuration: try folder.configuration), store: store)
        #expect(try service.dailyScheduler(location: .embedded(dataDirectory: folder.data), variables: { _ in nil }, clock: { Date() }, warn: { _ in }) == nil)
        #expect(try Folder(yaml: Self.yaml).configuration.servesDailyRun, "on by default")
        await store.close()
    }
}

import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeLDAP
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// A clock the test moves by hand: throttling and sessions are tried without waiting.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date
    init(_ date: Date) { self.date = date }
    var now: Date { lock.withLock { date } }
    func advance(_ seconds: TimeInterval) { lock.withLock { date = date.addingTimeInterval(seconds) } }
}

/// Every line the service logged, to search for what must never be there.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    var logger: Logger {
        Logger(label: "bascule.serve.test") { _ in CaptureHandler(capture: self) }
    }
}

struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { _, b in b }
        capture.append("\(level) \(message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

/// A generated collège imported and applied (2026-2027, as of 3 September 2026), with known
/// passwords for the people the tests log in as.
struct School {
    static let day = CivilDate(year: 2026, month: 9, day: 3)!
    /// Known passwords, set through the store as a person would have chosen them.
    static let password = "Rentree-2026-ok"

    let store: Store
    let dir: TemporaryDirectory
    let uai: UAI
    let principal: Account
    let rupn: Account
    let teacher: Account
    /// A student the teacher teaches, and one they do not.
    let taught: Account
    let untaught: Account
    let otherStaff: Account

    static func make() async throws -> School {
        let dir = try TemporaryDirectory(prefix: "bascule-serve")
        let exports = dir.url.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        let files = try AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 120, seed: 12, firstYear: 2026, years: 1))
            .write(to: exports)
        let store = try await Store.open(.embedded(dataDirectory: dir.path))
        _ = try await ImportService(store: store, today: day).importFiles(files.map(\.url))
        let uai = files[0].uai
        let vault = try SheetVault(dataDirectory: dir.path)
        _ = try await PlanningService(store: store, credentials: CredentialIssuer(hasher: PasswordHasher(rounds: 1_000), vault: vault),
                                      gate: { _, d in PlanningService.defaultGate(on: d) })
            .apply(uai: uai, date: day, expectedHash: nil, allowMassChange: false, actor: "test")
        let state = try await store.directoryState(uai: uai)
        let sts = try #require(try await store.latestImport(uai: uai, source: .sts))
        let staff = try await store.snapshotPeople(importID: sts.id)
        let services = try await store.services(importID: sts.id)
        let siecle = try #require(try await store.latestImport(uai: uai, source: .siecleStudents))
        let students = try await store.snapshotPeople(importID: siecle.id)
        func account(_ personID: String) throws -> Account { try #require(state.accounts.first { $0.personID == personID }) }
        let principal = try account(try #require(staff.first { $0.function == "DIR" }).personID)
        let documentalist = try account(try #require(staff.first { $0.function == "DOC" }).personID)
        let teacherID = try #require(Set(services.map(\.teacherID)).sorted().first { id in
            let classes = Set(services.filter { $0.teacherID == id }.map(\.service.structureCode))
            return students.contains { ($0.division.map { classes.contains($0) } ?? false) }
                && students.contains { !($0.division.map { classes.contains($0) } ?? true) && Set($0.groups).isDisjoint(with: classes) }
        })
        let classes = Set(services.filter { $0.teacherID == teacherID }.map(\.service.structureCode))
        let taught = try account(try #require(students.first { $0.division.map { classes.contains($0) } ?? false }).personID)
        let untaught = try account(try #require(students.first { s in
            !(s.division.map { classes.contains($0) } ?? true) && Set(s.groups).isDisjoint(with: classes)
        }).personID)
        let otherStaff = try account(try #require(staff.first { $0.function == "EDU" }).personID)
        try await store.grantRight(uai: uai, RightGrant(personID: documentalist.personID, right: .rupn, grantedBy: "test", grantedOn: day), audit: [])
        let hash = try PasswordHasher(rounds: 1_000).hash(password)
        for a in [principal, documentalist, try account(teacherID), taught, untaught] {
            try await store.resetCredential(uai: uai, CredentialRow(personID: a.personID, passwordHash: hash, mustChange: false, issuedOn: day,
                                                                    sealedTemporary: nil), audit: [])
        }
        return School(store: store, dir: dir, uai: uai, principal: principal, rupn: documentalist, teacher: try account(teacherID),
                      taught: taught, untaught: untaught, otherStaff: otherStaff)
    }

    func close() async {
        await store.close()
        dir.remove()
    }
}

/// A response as the tests read it.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var array: [[String: Any]] { ((try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]]) ?? [] }
    var cookies: [String] { headers["Set-Cookie"] }
}

/// A running service on 127.0.0.1 with a port the kernel chose, and a client that speaks to it.
final class Running: @unchecked Sendable {
    let service: BasculeService
    let port: Int
    let task: Task<Void, any Error>
    let scheme: String
    let client: HTTPClient

    init(service: BasculeService, port: Int, task: Task<Void, any Error>, scheme: String, client: HTTPClient) {
        self.service = service
        self.port = port
        self.task = task
        self.scheme = scheme
        self.client = client
    }

    static func start(_ settings: ServerSettings, store: Store, client: HTTPClient = .shared) async throws -> Running {
        var settings = settings
        settings.host = "127.0.0.1"
        settings.port = 0
        let service = try BasculeService(settings: settings, store: store)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await service.run(handleSignals: false) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return Running(service: service, port: port, task: task, scheme: settings.tlsCertificate == nil ? "http" : "https", client: client)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: Data? = nil,
              contentType: String = "application/json") async throws -> Reply {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }

    func json(_ method: HTTPMethod, _ path: String, _ fields: [String: Any], headers: [(String, String)] = []) async throws -> Reply {
        try await send(method, path, headers: headers, body: try JSONSerialization.data(withJSONObject: fields))
    }
}

/// A person (or administrator) logged in: their cookie and CSRF token.
struct Session {
    var cookie: String
    var csrf: String
    var headers: [(String, String)] { [("Cookie", cookie), ("X-CSRF-Token", csrf)] }
    /// Without the CSRF token: what a forged form from another site would carry at best.
    var cookieOnly: [(String, String)] { [("Cookie", cookie)] }
}

extension Running {
    /// The login form's token and cookie.
    func loginForm() async throws -> (cookie: String, csrf: String) {
        let form = try await send(.GET, "/api/connexion")
        let cookie = try #require(form.cookies.first?.split(separator: ";").first.map(String.init))
        return (cookie, try #require(form.json["csrf"] as? String))
    }

    func login(_ login: String, _ password: String, school: UAI?) async throws -> Reply {
        let (cookie, csrf) = try await loginForm()
        var fields: [String: Any] = ["identifiant": login, "motDePasse": password, "csrf": csrf]
        if let school { fields["etablissement"] = school.code }
        return try await json(.POST, "/api/connexion", fields, headers: [("Cookie", cookie)])
    }

    func session(_ login: String, _ password: String = School.password, school: UAI?) async throws -> Session {
        let reply = try await self.login(login, password, school: school)
        try #require(reply.status == 200, "login \(login): \(reply.status) \(reply.text)")
        let cookie = try #require(reply.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init))
        return Session(cookie: cookie, csrf: try #require(reply.json["csrf"] as? String))
    }
}

func settings(_ school: School, clock: TestClock, logs: LogCapture = LogCapture(), configuration: Configuration? = nil,
              directoryPassword: String? = nil) -> ServerSettings {
    ServerSettings(dataDirectory: school.dir.path, configuration: configuration, directoryPassword: directoryPassword,
                   passwordRounds: 10_000, accessIndexRefresh: 0, now: { clock.now }, today: { School.day }, logger: logs.logger)
}

/// 3 September 2026, 10:00 UTC.
let rentreeMorning = Date(timeIntervalSince1970: 1_788_429_600)

/// A school with a real directory: slapd started, `bascule.yml` naming it, the school's accounts
/// pushed there (what a person's bind then finds).
struct SchoolDirectory {
    let slapd: SlapdServer
    let configuration: Configuration
    let connector: OpenLDAPConnector

    init(_ school: School) async throws {
        slapd = try SlapdServer()
        let yml = school.dir.file("bascule.yml")
        try "annuaire:\n  url: \(slapd.url)\n  base: \(slapd.base)\n  compte: \(slapd.adminDN)\n".write(to: yml, atomically: true, encoding: .utf8)
        configuration = try #require(try Configuration.load(yml.path))
        connector = try #require(try configuration.connector(password: slapd.adminPassword, warn: { _ in }))
        let pushed = try await DirectorySyncService(store: school.store, connector: connector, layout: connector.layout)
            .sync(uai: school.uai, actor: "test")
        #expect(pushed.failures.isEmpty, "\(pushed.failures)")
    }
}

extension School {
    /// The school's file spaces under `<dir>/espaces`, named by a bascule.yml of the school's
    /// folder, and brought to the store once (as root: folders go to the school's uids).
    func withSpaces() async throws -> (root: String, configuration: Configuration) {
        let root = dir.url.appendingPathComponent("espaces").path
        let yml = dir.file("bascule.yml")
        try "espaces:\n  racine: \(root)\n".write(to: yml, atomically: true, encoding: .utf8)
        let configuration = try #require(try Configuration.load(yml.path))
        let spaces = try #require(try configuration.spacesSettings(dataDirectory: dir.path))
        let synced = try await SpacesService(store: store, settings: spaces).sync(uai: uai, date: School.day, actor: "test")
        #expect(synced.failures.isEmpty, "\(synced.failures)")
        return (root, configuration)
    }
}


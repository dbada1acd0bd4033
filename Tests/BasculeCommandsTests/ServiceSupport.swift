import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// The tests' clock: the scheduler asks it what time it is; the test moves it.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ text: String) { current = TestClock.date(text) }

    var now: Date { lock.withLock { current } }
    func set(_ text: String) { lock.withLock { current = TestClock.date(text) } }
    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        lock.withLock { current = current.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18) }
    }

    /// `2026-09-01T06:45:00+02:00`.
    static func date(_ text: String) -> Date {
        guard let d = ISO8601DateFormatter().date(from: text) else { fatalError("not an ISO 8601 date: \(text)") }
        return d
    }
}

/// A department generated for the service's tests: its exports, a data folder, and its schools.
struct GeneratedDepartment {
    let dir: TemporaryDirectory
    let exports: String
    let data: String
    let schools: [String]

    init(schools: Int, students: Int = 20, years: Int = 1, firstYear: Int = 2026, seed: Int = 12) async throws {
        dir = try TemporaryDirectory()
        exports = dir.file("exports").path
        data = dir.file("data").path
        let generated = await bascule(["generate", "--schools", "\(schools)", "--students", "\(students)", "--years", "\(years)",
                                       "--first-year", "\(firstYear)", "--seed", "\(seed)", "--out", exports])
        #expect(generated.exitCode == 0, "\(generated.errors)")
        self.schools = try FileManager.default.contentsOfDirectory(atPath: exports).filter { UAI($0) != nil }.sorted()
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    }

    /// The files of one school and school year.
    func files(_ uai: String, year: Int) -> [String] {
        generatedFiles(exports, year: year).filter { $0.hasPrefix(exports + "/" + uai + "/") }
    }

    /// Drops a school's exports of a year in `<data>/depot/<UAI>/`, as the academy's tools would.
    func drop(_ uai: String, year: Int) throws {
        let files = files(uai, year: year)
        #expect(files.count >= 3, "the generated exports of \(uai) for \(year)")
        try drop(uai, files: files)
    }

    func drop(_ uai: String, files: [String]) throws {
        let depot = data + "/depot/" + uai
        try FileManager.default.createDirectory(atPath: depot, withIntermediateDirectories: true)
        for f in files {
            let target = depot + "/" + URL(fileURLWithPath: f).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: f, toPath: target)
        }
    }

    func configure(_ yaml: String) throws {
        try yaml.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
    }

    /// The scheduler the service would run on this data folder, with the test's clock.
    func scheduler(clock: TestClock, variables: [String: String] = [:], stores: (any StoreProvider)? = nil,
                   parallelism: Int? = nil) throws -> DailyScheduler {
        let configuration = try Configuration.load(data + "/bascule.yml") ?? Configuration()
        var scheduler = try DailyScheduler.configured(
            dataDirectory: data, configuration: configuration, variables: { variables[$0] },
            stores: stores ?? LocationStoreProvider(location: .embedded(dataDirectory: data), creating: true),
            clock: { clock.now }, passwordRounds: 10_000, actor: "bascule (service de test)", warn: { _ in })
        if let parallelism, scheduler.stores.allowsParallelSchools { scheduler.parallelism = parallelism }
        return scheduler
    }

    func remove() { dir.remove() }
}

/// A students export of one student: what a truncated SIECLE extraction looks like to Bascule.
func truncatedStudents(_ uai: String, year: Int, id: String = "999001", name: String = "SEUL", in folder: String) throws -> String {
    let path = folder + "/ElevesSansAdresses-\(id).xml"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try """
    <?xml version="1.0" encoding="UTF-8"?>
    <BEE_ELEVES><PARAMETRES><UAJ>\(uai)</UAJ><ANNEE_SCOLAIRE>\(year)</ANNEE_SCOLAIRE><DATE_EXPORT>20/09/\(year)</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
    <ELEVE ELEVE_ID="\(id)"><NOM_DE_FAMILLE>\(name)</NOM_DE_FAMILLE><PRENOM>Élève</PRENOM><DATE_NAISS>01/02/2013</DATE_NAISS></ELEVE>
    </ELEVES></DONNEES></BEE_ELEVES>
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Counts the connections the scheduler holds at once. With `barrier`, each of the first opens
/// waits until `barrier` are open together, so that a scheduler running schools side by side is
/// seen holding them all at once whatever the machine's speed; a scheduler running them one after
/// the other never gets there, and each open gives up after 30 s (so the test fails, not hangs).
actor ConnectionCount {
    private(set) var open = 0
    private(set) var most = 0
    private(set) var opened = 0
    let barrier: Int

    init(barrier: Int = 0) { self.barrier = barrier }

    func arrive() async {
        open += 1
        opened += 1
        most = max(most, open)
        guard opened <= barrier else { return }
        for _ in 0..<3000 where open < barrier {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    func leave() { open -= 1 }
}

struct CountingStores: StoreProvider {
    let inner: LocationStoreProvider
    let count: ConnectionCount

    var allowsParallelSchools: Bool { inner.allowsParallelSchools }

    func open() async throws -> Store {
        await count.arrive()
        return try await inner.open()
    }

    func release(_ store: Store) async {
        await store.close()
        await count.leave()
    }
}

/// The to-dos as `bascule todos --json` prints them.
func openToDos(_ data: String) async throws -> [[String: Any]] {
    try jsonArray(await bascule(["todos", "--data", data, "--json"]).output).map { row in
        var flat = (row["todo"] as? [String: Any]) ?? [:]
        flat["id"] = row["id"]
        flat["openedOn"] = row["openedOn"]
        return flat
    }
}

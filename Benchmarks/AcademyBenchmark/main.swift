import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import ZIPFoundation

// An academy's rentrée on PostgreSQL and slapd, and how planning grows with the number of schools.
//   swift run -c release --scratch-path .build-release AcademyBenchmark [--schools 20] [--students 600]
//       [--simulate 10,100,1000] [--simulated-students 60] [--sqlite] [--parallel N]
//       [--dbnosync]
// 1. N generated collèges, two school years: the first rentrée (import, plan and apply with the
//    default settings, directory sync with its journal), then the next year's rollover, schools
//    side by side up to the cores on PostgreSQL as the daily scheduler runs them (one store
//    connection and one directory connection each, the store's writes one after the other on its
//    lock; `--parallel 1` for one school after the other); each school's failure is its own
//    (counted, never stopping the others). Next to it, xmllint and ldapadd on the same files and
//    entries. `--dbnosync`: both slapd (Bascule's and ldapadd's) skip the disk synchronisation
//    after each write, to see how much of the directory's time is the disk's.
// 2. Growth: schools of a few students imported into one store by steps (10, 100, 1,000): the
//    plan of every school, timed, and this process's memory, to see whether a school's plan
//    depends on how many schools the store holds.
// Figures printed, never asserted; lines starting `@row` are what scripts/bench gathers.

typealias B = BenchmarkFigures

var schoolCount = 20
var students = 600
var simulate = [10, 100, 1_000]
var simulatedStudents = 60
var sqlite = false
var parallel: Int?
var noSync = false
var it = CommandLine.arguments.dropFirst().makeIterator()
while let a = it.next() {
    switch a {
    case "--schools": schoolCount = Int(it.next() ?? "") ?? schoolCount
    case "--students": students = Int(it.next() ?? "") ?? students
    case "--simulate": simulate = (it.next() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--simulated-students": simulatedStudents = Int(it.next() ?? "") ?? simulatedStudents
    case "--sqlite": sqlite = true
    case "--dbnosync": noSync = true
    case "--parallel": parallel = Int(it.next() ?? "").map { max(1, $0) }
    default: print("option inconnue : \(a)"); exit(64)
    }
}
print("Bascule academy benchmark: machine \(B.machine()), load \(B.load())")

let dir = try TemporaryDirectory(prefix: "bascule-academy-bench")
defer { dir.remove() }

@MainActor func openStore(_ name: String) async throws -> Store {
    if sqlite { return try await Store.open(.embedded(dataDirectory: dir.url.appendingPathComponent(name).path)) }
    return try await Store.open(.postgres(url: try PostgresServer.freshDatabaseURL()))
}

/// The entries under the server's base as LDIF, parents first.
func ldif(of server: SlapdServer) throws -> (text: String, entries: Int) {
    let entries = try server.adminConnection().search(base: server.base, attributes: ["*", "pwdReset"], pageSize: 1000)
        .filter { DN.normalize($0.dn) != DN.normalize(server.base) }
        .sorted { $0.dn.count < $1.dn.count }
    var out = ""
    for e in entries {
        out += "dn: \(e.dn)\n"
        for (name, values) in e.attributes.sorted(by: { $0.key < $1.key }) {
            for v in values {
                let safe = v.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !v.hasPrefix(" ") && !v.hasPrefix(":") && !v.hasPrefix("<")
                out += safe ? "\(name): \(v)\n" : "\(name):: \(Data(v.utf8).base64EncodedString())\n"
            }
        }
        out += "\n"
    }
    return (out, entries.count)
}

// 1. An academy's first rentrée, then its rollover.
if schoolCount > 0 {
    let files = try AcademyGenerator(options: GeneratorOptions(schools: schoolCount, studentsPerSchool: students, seed: 5,
                                                               firstYear: 2026, years: 2))
        .write(to: dir.url.appendingPathComponent("exports"))
    let schools = Set(files.map(\.uai)).sorted()
    // One location, a connection per school at work: a `Store` is one connection, and two schools
    // never share one (the scheduler's rule). SQLite has one writer: one school at a time.
    let location: StoreLocation = sqlite ? .embedded(dataDirectory: dir.url.appendingPathComponent("academy").path)
                                         : .postgres(url: try PostgresServer.freshDatabaseURL())
    let width = sqlite ? 1 : (parallel ?? ProcessInfo.processInfo.activeProcessorCount)
    let slapd = try SlapdServer(noSync: noSync)
    let layout = DirectoryLayout(base: slapd.base)
    let vault = dir.path + "/vault"
    print("1. \(schoolCount) collèges × \(students) élèves, \(sqlite ? "SQLite" : "PostgreSQL") and slapd, \(width) school(s) at a time\(noSync ? ", slapd dbnosync" : "")")

    struct Stages: Sendable {
        var importing = 0.0, applying = 0.0, syncing = 0.0
        var failure: String?
    }

    /// One school's year: import, apply, sync on its own connections; the seconds of each stage.
    @Sendable func schoolYear(_ uai: UAI, _ urls: [URL], day: CivilDate) async -> Stages {
        var stages = Stages()
        let store: Store
        do { store = try await Store.open(location) } catch {
            stages.failure = "\(uai): \(error)"
            return stages
        }
        do {
            let connector = OpenLDAPConnector(connection: try slapd.adminConnection(), layout: layout,
                                              connect: { try LDAPConnection(url: slapd.url) })
            let planning = PlanningService(store: store, credentials: CredentialIssuer(vault: try SheetVault(dataDirectory: vault)))
            let sync = DirectorySyncService(store: store, connector: connector, layout: layout)
            let service = ImportService(store: store, today: day)
            stages.importing = try await B.seconds { _ = try await service.importFiles(urls) }
            stages.applying = try await B.seconds {
                _ = try await planning.apply(uai: uai, date: day, expectedHash: nil, allowMassChange: true, reason: "banc d'essai", actor: "bench")
            }
            var report: DirectorySyncReport?
            stages.syncing = try await B.seconds { report = try await sync.sync(uai: uai, actor: "bench") }
            if let f = report?.failures.first { stages.failure = "\(uai): \(f.error)" }
        } catch {
            stages.failure = "\(uai): \(error)"
        }
        await store.close()
        return stages
    }

    /// One school year for every school, `width` at a time: the wall time, the seconds each stage
    /// took summed over the schools, and the schools that failed (with why).
    func year(_ startYear: Int, day: CivilDate) async throws -> (wall: Double, importing: Double, applying: Double, syncing: Double, failed: [String]) {
        var sum = Stages()
        var failed: [String] = []
        let work = schools.map { uai in (uai, files.filter { $0.uai == uai && $0.year.startYear == startYear }.map(\.url)) }
        let wall = await B.seconds {
            await withTaskGroup(of: Stages.self) { group in
                var waiting = work.makeIterator()
                for _ in 0..<width {
                    guard let (uai, urls) = waiting.next() else { break }
                    group.addTask { await schoolYear(uai, urls, day: day) }
                }
                while let done = await group.next() {
                    sum.importing += done.importing
                    sum.applying += done.applying
                    sum.syncing += done.syncing
                    if let f = done.failure { failed.append(f) }
                    if let (uai, urls) = waiting.next() { group.addTask { await schoolYear(uai, urls, day: day) } }
                }
            }
        }
        return (wall, sum.importing, sum.applying, sum.syncing, failed)
    }

    let first = try await year(2026, day: CivilDate(year: 2026, month: 9, day: 3)!)
    let (text, entries) = try ldif(of: slapd)
    let firstTotal = first.wall
    print("first rentrée: \(B.format(first.wall, 1)) s wall; summed over schools: import \(B.format(first.importing, 1)) s, apply \(B.format(first.applying, 1)) s, sync \(B.format(first.syncing, 1)) s; \(entries) entries; failures: \(first.failed.count)")
    for f in first.failed.prefix(5) { print("  ✗ \(f)") }

    // The machine's limits on the same data: xmllint on the XML, ldapadd of the same entries.
    var lint = 0.0
    let xmlDir = dir.url.appendingPathComponent("xml")
    try FileManager.default.createDirectory(at: xmlDir, withIntermediateDirectories: true)
    var xmlFiles: [String] = []
    for f in files where f.year.startYear == 2026 {
        if f.url.pathExtension == "zip" {
            let target = xmlDir.appendingPathComponent("\(f.uai.code).xml")
            let archive = try Archive(url: f.url, accessMode: .read)
            _ = try archive.extract(archive.first { $0.path.hasSuffix(".xml") }!, to: target)
            xmlFiles.append(target.path)
        } else {
            xmlFiles.append(f.url.path)
        }
    }
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") {
        lint = try B.measure("/usr/bin/xmllint", ["--stream", "--noout"] + xmlFiles).seconds
    }
    let reference = try SlapdServer(noSync: noSync)
    let ldifFile = dir.file("academy.ldif")
    try text.write(to: ldifFile, atomically: true, encoding: .utf8)
    let added = try B.measure("/usr/bin/ldapadd", ["-x", "-H", reference.url, "-D", reference.adminDN, "-w", reference.adminPassword,
                                                   "-f", ldifFile.path], keepErrors: true)
    print("limits: xmllint --stream \(B.format(lint, 2)) s, ldapadd \(B.format(added.seconds, 2)) s")
    B.row("académie de \(schoolCount) collèges × \(students) élèves, première rentrée (import, plan, apply, sync ; \(sqlite ? "SQLite" : "PostgreSQL"), slapd\(noSync ? " dbnosync" : "")), \(entries) entrées",
          bascule: "\(B.format(firstTotal, 1)) s, \(width) à la fois (cumul : import \(B.format(first.importing, 1)) + apply \(B.format(first.applying, 1)) + sync \(B.format(first.syncing, 1)))",
          limit: "xmllint \(B.format(lint, 1)) s + ldapadd \(B.format(added.seconds, 1)) s", ratio: (lint + added.seconds) / firstTotal)

    let second = try await year(2027, day: CivilDate(year: 2027, month: 9, day: 2)!)
    let secondTotal = second.wall
    print("rollover 2027: \(B.format(second.wall, 1)) s wall; summed over schools: import \(B.format(second.importing, 1)) s, apply \(B.format(second.applying, 1)) s, sync \(B.format(second.syncing, 1)) s; failures: \(second.failed.count)")
    for f in second.failed.prefix(5) { print("  ✗ \(f)") }
    B.row("la même académie, bascule de l'année suivante (import, plan, apply, sync\(noSync ? " ; slapd dbnosync" : ""))",
          bascule: "\(B.format(secondTotal, 1)) s, \(width) à la fois (cumul : import \(B.format(second.importing, 1)) + apply \(B.format(second.applying, 1)) + sync \(B.format(second.syncing, 1)))",
          limit: "—", ratio: nil)
}

// 2. Growth: the plan of every school as the store holds 10, 100, 1,000 schools.
if !simulate.isEmpty, let largest = simulate.max() {
    print("2. growth: up to \(largest) schools of \(simulatedStudents) students in one \(sqlite ? "SQLite" : "PostgreSQL") store")
    let files = try AcademyGenerator(options: GeneratorOptions(schools: largest, studentsPerSchool: simulatedStudents, seed: 9,
                                                               firstYear: 2026, years: 1))
        .write(to: dir.url.appendingPathComponent("growth"))
    let schools = Set(files.map(\.uai)).sorted()
    let store = try await openStore("growth")
    let day = CivilDate(year: 2026, month: 9, day: 3)!
    let service = ImportService(store: store, today: day)
    let planning = PlanningService(store: store)
    var imported = 0
    var perSchool: [Int: Double] = [:]
    for step in simulate.sorted() {
        for uai in schools[imported..<step] {
            _ = try await service.importFiles(files.filter { $0.uai == uai }.map(\.url))
        }
        imported = step
        var actions = 0
        let planned = try await B.seconds {
            for uai in schools[0..<step] { actions += try await planning.plan(uai: uai, date: day).plan.actions.count }
        }
        perSchool[step] = planned / Double(step)
        print("  \(step) schools: plan of each in \(B.format(planned, 2)) s (\(B.format(planned / Double(step) * 1000, 1)) ms a school, \(actions) actions), peak memory \(B.format(B.peakMiB(), 0)) MiB")
        B.row("croissance : plan de chacun des \(step) établissements (\(simulatedStudents) élèves chacun) dans un même magasin",
              bascule: "\(B.format(planned, 2)) s, \(B.format(planned / Double(step) * 1000, 1)) ms par établissement, pic \(B.format(B.peakMiB(), 0)) Mio",
              limit: "—", ratio: nil)
    }
    await store.close()
}

import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeSpaces
import BasculeStore
import BasculeTesting
import Foundation

// File spaces of a generated collège on this machine's disk: created (mkdir, chown, setfacl),
// checked again when nothing changed, measured once filled, and a class clean-up archived.
// Figures printed, never asserted. Needs root (folders owned by the school's uids).
//   swift run -c release --scratch-path .build-release SpacesBenchmark [--students 600] [--files 20]

var students = 600
var filesPerPerson = 20
var it = CommandLine.arguments.dropFirst().makeIterator()
while let a = it.next() {
    switch a {
    case "--students": students = Int(it.next() ?? "") ?? students
    case "--files": filesPerPerson = Int(it.next() ?? "") ?? filesPerPerson
    default: print("option inconnue : \(a)"); exit(64)
    }
}
guard getuid() == 0 else { print("Ce banc d'essai crée des dossiers pour d'autres uid : lancez-le en root."); exit(77) }

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

let dir = try TemporaryDirectory(prefix: "bascule-spaces-bench")
defer { dir.remove() }
let generated = try AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: students, seed: 2026, firstYear: 2026, years: 1))
    .write(to: dir.url.appendingPathComponent("exports"))
let uai = generated[0].uai
let day = CivilDate(year: 2026, month: 9, day: 3)!
let store = try await Store.open(.embedded(dataDirectory: dir.path + "/data"))
_ = try await ImportService(store: store, today: day).importFiles(generated.map(\.url))
_ = try await PlanningService(store: store).apply(uai: uai, date: day, expectedHash: nil, allowMassChange: false, actor: "bench")
let settings = try SpacesSettings(root: dir.path + "/espaces", archiveDirectory: dir.path + "/archives")
let service = SpacesService(store: store, settings: settings)

var created = 0
let first = try await seconds { created = try await service.sync(uai: uai, date: day, actor: "bench").operations.count }
var left = -1
let again = try await seconds { left = try await service.sync(uai: uai, date: day, actor: "bench").operations.count }
let state = try await store.directoryState(uai: uai)
print("Bascule spaces benchmark: collège \(uai), \(state.accounts.count) accounts, \(state.groups.count) groups")
print("first sync          : \(created) folders created (mkdir, chown, setfacl) in \(format(first, 2)) s = \(format(Double(created) / first, 0)) folders/s")
print("second sync         : \(left) operation(s) in \(format(again, 2)) s (lstat and one getfacl per 256 folders)")
BenchmarkFigures.row("espaces : première synchronisation, \(created) dossiers (mkdir, chown, setfacl)", bascule: "\(format(first, 2)) s",
                     limit: "—", ratio: nil)

// Fill: each personal space gets `filesPerPerson` files of 1 to 64 KiB in two folders, each
// class 200 files; the first personal space a sparse file of 1 GiB (nothing on disk). Pseudo-random
// bytes: what gzip cannot shrink, the archives' worst case.
func noise(_ size: Int, _ rng: inout SplitMix64) -> Data {
    var words = [UInt64](repeating: 0, count: (size + 7) / 8)
    for i in words.indices { words[i] = rng.next() }
    return words.withUnsafeBytes { Data($0.prefix(size)) }
}
var written: Int64 = 0, count = 0
let fill = try await seconds {
    var rng = SplitMix64(state: 7)
    for (n, entry) in try FileManager.default.contentsOfDirectory(atPath: "\(settings.root)/\(uai.code)/perso").sorted().enumerated() {
        let home = "\(settings.root)/\(uai.code)/perso/\(entry)"
        if n == 0 {
            _ = FileManager.default.createFile(atPath: home + "/disque.img", contents: nil)
            truncate(home + "/disque.img", 1 << 30)
        }
        try FileManager.default.createDirectory(atPath: home + "/cours", withIntermediateDirectories: false)
        for i in 0..<filesPerPerson {
            let size = 1024 * Int(1 + rng.next() % 64)
            _ = FileManager.default.createFile(atPath: home + (i % 2 == 0 ? "/cours" : "") + "/f\(i).dat", contents: noise(size, &rng))
            written += Int64(size)
            count += 1
        }
    }
    for entry in try FileManager.default.contentsOfDirectory(atPath: "\(settings.root)/\(uai.code)/classes") {
        let space = "\(settings.root)/\(uai.code)/classes/\(entry)"
        for i in 0..<200 {
            let size = 1024 * Int(1 + rng.next() % 64)
            _ = FileManager.default.createFile(atPath: space + "/c\(i).dat", contents: noise(size, &rng))
            written += Int64(size)
            count += 1
        }
    }
}
print("filling             : \(count) files, \(SpaceQuotas.format(written)) in \(format(fill, 1)) s")

var report: SpacesUsageReport?
let measure = try await seconds { report = try await service.report(uai: uai) }
let used = report!.spaces.reduce(Int64(0)) { $0 + ($1.used ?? 0) }
let apparent = report!.spaces.reduce(Int64(0)) { $0 + ($1.apparentSize ?? 0) }
print("bascule spaces      : \(report!.spaces.count) spaces measured in \(format(measure, 2)) s = \(format(Double(count) / measure, 0)) files/s; \(SpaceQuotas.format(used)) on disk (\(SpaceQuotas.format(apparent)) apparent, sparse files included)")

let calendar = try SchoolCalendar(year: SchoolYear(startYear: 2027), entries: [
    CalendarEntry(id: SpacesService.departmentCleanupEntry, kind: .cleanup, target: .pedagogicalServer,
                  window: DayWindow(from: CivilDate(year: 2027, month: 7, day: 15)!, until: CivilDate(year: 2027, month: 8, day: 31)!),
                  actor: .department, labelFrench: "Nettoyage des espaces classes et du commun", labelEnglish: "Class and common spaces cleaned"),
])
// The machine's own limit: tar and gzip alone on the same class folders, nothing checked.
let reference = dir.path + "/reference.tar.gz"
let plainTar = try await seconds {
    try SystemTool.tar.check(["--create", "--gzip", "--file", reference, "--directory", "\(settings.root)/\(uai.code)/classes", "."])
}
unlink(reference)
var cleaned: SpacesCleanReport?
let clean = try await seconds {
    cleaned = try await service.clean(uai: uai, date: CivilDate(year: 2027, month: 7, day: 20)!, calendar: calendar, actor: "bench")
}
let archived = cleaned!.emptied.reduce(Int64(0)) { $0 + $1.bytes }
let archives = try await store.archives(uai: uai)
let archiveBytes = archives.reduce(Int64(0)) { total, a in
    total + ((try? FileManager.default.attributesOfItem(atPath: a.archivePath)[.size] as? NSNumber)?.int64Value ?? 0)
}
print("clean-up (classes)  : \(cleaned!.emptied.count) spaces, \(SpaceQuotas.format(archived)) on disk, archived (tar.gz, manifest with SHA-256, listed and hashed back) then emptied in \(format(clean, 1)) s = \(format(Double(archived) / 1_048_576 / clean, 1)) MiB/s; archives \(SpaceQuotas.format(archiveBytes))")
print("tar -czf alone      : the same class folders in \(format(plainTar, 1)) s = \(format(Double(archived) / 1_048_576 / plainTar, 1)) MiB/s (the machine's limit)")
BenchmarkFigures.row("espaces : nettoyage des classes (\(SpaceQuotas.format(archived)), archive vérifiée puis vidée)", bascule: "\(format(clean, 1)) s",
                     limit: "tar -czf seul : \(format(plainTar, 1)) s", ratio: plainTar / clean)

await store.close()

// Benchmarks print figures; they never assert. Run in release mode:
//   swift run -c release BasculeBenchmarks [--schools 200] [--students 600] [--skip-store]
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeStore
import Foundation
import ZIPFoundation

struct Arguments {
    var schools = 200
    var students = 600
    var skipStore = false
    var keep: String?

    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--schools": schools = Int(it.next() ?? "") ?? schools
            case "--students": students = Int(it.next() ?? "") ?? students
            case "--skip-store": skipStore = true
            case "--out": keep = it.next()
            default: print("option inconnue : \(a)"); exit(64)
            }
        }
    }
}

/// Peak resident memory of this process so far, in MiB: `VmHWM`, which a new program starts
/// afresh (unlike `ru_maxrss`, which Linux carries over from the parent across exec).
func peakMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
    return kib / 1024
}

func residentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--parse-one" {
    let e = try ExportReader().read(URL(fileURLWithPath: CommandLine.arguments[2]))
    print("\(format(peakMiB())) \(e.recordCount)")
    exit(0)
}

let args = Arguments()
let root = args.keep.map { URL(fileURLWithPath: $0) }
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("bascule-bench-\(UUID().uuidString)")
defer { if args.keep == nil { try? FileManager.default.removeItem(at: root) } }

print("Bascule — banc d'essai : \(args.schools) collèges × \(args.students) élèves, une année")
print("machine : \(ProcessInfo.processInfo.activeProcessorCount) cœurs, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) Gio")

var files: [GeneratedFile] = []
let generation = try seconds {
    files = try AcademyGenerator(options: GeneratorOptions(schools: args.schools, studentsPerSchool: args.students,
                                                           seed: 7, firstYear: 2026, years: 1)).write(to: root)
}
let totalBytes = files.reduce(0) { $0 + $1.bytes }
print("génération : \(files.count) fichiers, \(format(Double(totalBytes) / 1_048_576)) Mo en \(format(generation, 2)) s")

// 1. Parsing alone, file by file, as `bascule import` does.
let baseline = residentMiB()
var records = 0
var xmlBytes = 0
let extracted = root.appendingPathComponent("xml-only")
try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
let parse = try seconds {
    for f in files {
        let e = try ExportReader().read(f.url)
        switch e {
        case .students(let s): records += s.students.count
        case .persons(let p): records += p.parents.count + p.parents.reduce(0) { $0 + $1.links.count }
        case .sts(let s): records += s.staff.count + s.structures.count + s.services.count
        }
    }
}
// Plain XML files for xmllint (the students export is zipped), measured by their XML size.
var xmlFiles: [String] = []
for f in files {
    if f.url.pathExtension == "zip" {
        let target = extracted.appendingPathComponent("\(f.uai.code)-eleves.xml")
        let archive = try Archive(url: f.url, accessMode: .read)
        _ = try archive.extract(archive.first { $0.path.hasSuffix(".xml") }!, to: target)
        xmlFiles.append(target.path)
    } else {
        xmlFiles.append(f.url.path)
    }
}
for path in xmlFiles { xmlBytes += (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
let mb = Double(xmlBytes) / 1_048_576
print("analyse Bascule : \(records) enregistrements, \(format(mb)) Mo de XML en \(format(parse, 2)) s → \(Int(Double(records) / parse)) enr./s, \(format(mb / parse)) Mo/s")
print("mémoire : \(format(baseline)) Mio avant l'analyse (générateur compris), pic \(format(peakMiB())) Mio après les \(files.count) fichiers")

// 2. libxml2's own streaming parser on the same bytes: this machine's parsing limit.
let xmllint = "/usr/bin/xmllint"
if FileManager.default.isExecutableFile(atPath: xmllint) {
    let lint = try seconds {
        for chunk in stride(from: 0, to: xmlFiles.count, by: 200) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: xmllint)
            p.arguments = ["--stream", "--noout"] + xmlFiles[chunk..<min(chunk + 200, xmlFiles.count)]
            try p.run(); p.waitUntilExit()
        }
    }
    print("xmllint --stream : mêmes fichiers en \(format(lint, 2)) s → \(format(mb / lint)) Mo/s (Bascule à \(format(lint / parse * 100, 0)) % de cette limite)")
} else {
    print("xmllint absent (apt-get install libxml2-utils) : pas de comparaison")
}

// 3. Memory against file size: a child process parses one students file and reports its own
// peak; files ten and a hundred times larger show what grows (the records kept) and what does
// not (no document tree: the XML itself is streamed).
func childPeak(_ xml: URL) throws -> (peak: Double, records: Int) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    p.arguments = ["--parse-one", xml.path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let fields = out.split(separator: " ")
    return (Double(fields.first ?? "0") ?? 0, Int(fields.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0)
}
for n in [600, 6_000, 60_000] {
    let dir = root.appendingPathComponent("mem-\(n)")
    let zip = try AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: n, seed: 3, firstYear: 2026, years: 1))
        .write(to: dir).first { $0.kind == .siecleStudents }!
    let archive = try Archive(url: zip.url, accessMode: .read)
    let xml = dir.appendingPathComponent("eleves.xml")
    _ = try archive.extract(archive.first { $0.path.hasSuffix(".xml") }!, to: xml)
    let size = Double((try FileManager.default.attributesOfItem(atPath: xml.path)[.size] as? Int) ?? 0) / 1_048_576
    let (peak, count) = try childPeak(xml)
    print("élèves \(n) : XML \(format(size)) Mo, \(count) élèves lus, pic mémoire du processus \(format(peak)) Mio")
}

// 4. The whole import into the embedded store.
if !args.skipStore {
    let dataDir = root.appendingPathComponent("data")
    let store = try await Store.open(.embedded(dataDirectory: dataDir.path))
    let service = ImportService(store: store, today: CivilDate(year: 2026, month: 9, day: 3)!)
    let start = DispatchTime.now().uptimeNanoseconds
    var people = 0
    for uai in Set(files.map(\.uai)).sorted() {
        let summary = try await service.importFiles(files.filter { $0.uai == uai }.map(\.url))
        people += summary.files.reduce(0) { $0 + $1.newPeople }
    }
    let importSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print("import complet (SQLite) : \(people) personnes en \(format(importSeconds, 1)) s → \(Int(Double(people) / importSeconds)) personnes/s, pic mémoire \(format(peakMiB())) Mio")

    // 5. Plan and apply the rentrée of every school on the embedded directory (no passwords:
    //    their slow hashes are measured apart below).
    let day = CivilDate(year: 2026, month: 9, day: 3)!
    let planning = PlanningService(store: store)
    var planSeconds = 0.0, applySeconds = 0.0, actions = 0, first: (plan: Double, apply: Double)?
    for uai in Set(files.map(\.uai)).sorted() {
        let p = DispatchTime.now().uptimeNanoseconds
        let plan = try await planning.plan(uai: uai, date: day)
        let a = DispatchTime.now().uptimeNanoseconds
        _ = try await planning.apply(uai: uai, date: day, expectedHash: plan.hash, allowMassChange: false)
        let e = DispatchTime.now().uptimeNanoseconds
        actions += plan.plan.actions.count
        planSeconds += Double(a - p) / 1e9
        applySeconds += Double(e - a) / 1e9
        if first == nil { first = (Double(a - p) / 1e9, Double(e - a) / 1e9) }
    }
    if let first {
        print("un collège de \(args.students) élèves : plan \(format(first.plan, 2)) s, apply \(format(first.apply, 2)) s (apply recalcule le plan)")
    }
    print("\(args.schools) collèges : \(actions) actions, plan \(format(planSeconds, 1)) s, apply \(format(applySeconds, 1)) s au total")

    // 6. Temporary passwords of one collège at the production cost (PBKDF2-SHA256, 210,000 rounds).
    let vaultDir = root.appendingPathComponent("vault").path
    let issuer = CredentialIssuer(vault: try SheetVault(dataDirectory: vaultDir))
    let ids = (0..<args.students).map { "p\($0)" }
    let hashing = try seconds { _ = try issuer.issue(for: ids, on: day) }
    print("mots de passe provisoires : \(ids.count) hachages PBKDF2 (210 000 tours) en \(format(hashing, 1)) s sur \(ProcessInfo.processInfo.activeProcessorCount) cœurs")
    await store.close()
}

// Benchmarks print figures; they never assert. Run in release mode (or all of them: scripts/bench):
//   swift run -c release --scratch-path .build-release BasculeBenchmarks [--schools 20] [--students 600]
//       [--runs 3] [--postgres] [--memory 600,6000,60000] [--skip-parse] [--skip-store] [--skip-plan]
// Each figure comes with the limit measured in the same run on the same data: xmllint --stream for
// parsing, sqlite3's own bulk load and PostgreSQL's COPY for the store. Lines starting `@row` are
// what scripts/bench gathers into its table.
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeStore
import BasculeTesting
import Foundation
import ZIPFoundation

typealias B = BenchmarkFigures

struct Arguments {
    var schools = 20
    var students = 600
    var runs = 3
    var skipStore = false
    var skipParse = false
    var skipPlan = false
    var postgres = false
    var memory = [600, 6_000, 60_000]
    var keep: String?

    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--schools": schools = Int(it.next() ?? "") ?? schools
            case "--students": students = Int(it.next() ?? "") ?? students
            case "--runs": runs = max(1, Int(it.next() ?? "") ?? runs)
            case "--skip-store": skipStore = true
            case "--skip-parse": skipParse = true
            case "--skip-plan": skipPlan = true
            case "--postgres": postgres = true
            case "--memory": memory = (it.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--out": keep = it.next()
            default: print("option inconnue : \(a)"); exit(64)
            }
        }
    }
}

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--parse-one" {
    let e = try ExportReader().read(URL(fileURLWithPath: CommandLine.arguments[2]))
    print("\(B.format(B.peakMiB())) \(e.recordCount)")
    exit(0)
}

let args = Arguments()
let root = args.keep.map { URL(fileURLWithPath: $0) }
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("bascule-bench-\(UUID().uuidString)")
defer { if args.keep == nil { try? FileManager.default.removeItem(at: root) } }

print("Bascule — banc d'essai : \(args.schools) collèges × \(args.students) élèves, une année, \(args.runs) passe(s) (médianes)")
print("machine : \(B.machine()), charge \(B.load())")

var files: [GeneratedFile] = []
let generation = try B.seconds {
    files = try AcademyGenerator(options: GeneratorOptions(schools: args.schools, studentsPerSchool: args.students,
                                                           seed: 7, firstYear: 2026, years: 1)).write(to: root.appendingPathComponent("exports"))
}
print("génération : \(files.count) fichiers en \(B.format(generation, 2)) s")

// Every figure is taken on the same plain XML files (the students export unzipped once, outside
// every measure): what xmllint reads is what Bascule reads.
let extracted = root.appendingPathComponent("xml")
try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
var xmlFiles: [(uai: UAI, url: URL)] = []
for f in files {
    if f.url.pathExtension == "zip" {
        let target = extracted.appendingPathComponent("\(f.uai.code)-eleves.xml")
        let archive = try Archive(url: f.url, accessMode: .read)
        _ = try archive.extract(archive.first { $0.path.hasSuffix(".xml") }!, to: target)
        xmlFiles.append((f.uai, target))
    } else {
        xmlFiles.append((f.uai, f.url))
    }
}
let xmlBytes = xmlFiles.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.url.path)[.size] as? Int) ?? 0) }
let mb = Double(xmlBytes) / 1_048_576
let schools = Set(xmlFiles.map(\.uai)).sorted()
print("XML : \(xmlFiles.count) fichiers, \(B.format(mb)) Mo")

// 1. Parsing alone, file by file, as `bascule import` does; then libxml2's own streaming parser
// on the same bytes: this machine's parsing limit.
var records = 0
var parseRuns: [Double] = []
for _ in 0..<(args.skipParse ? 0 : args.runs) {
    records = 0
    parseRuns.append(try B.seconds {
        for f in xmlFiles { records += try ExportReader().read(f.url).recordCount }
    })
}
let parse = B.median(parseRuns)
if !args.skipParse { print("analyse Bascule : \(records) enregistrements en \(B.describe(parseRuns)) → \(Int(Double(records) / parse)) enr./s, \(B.format(mb / parse)) Mo/s") }

let xmllint = "/usr/bin/xmllint"
var lint: Double?
if FileManager.default.isExecutableFile(atPath: xmllint) {
    var lintRuns: [Double] = []
    for _ in 0..<args.runs {
        var total = 0.0
        for chunk in stride(from: 0, to: xmlFiles.count, by: 200) {
            total += try B.measure(xmllint, ["--stream", "--noout"] + xmlFiles[chunk..<min(chunk + 200, xmlFiles.count)].map(\.url.path)).seconds
        }
        lintRuns.append(total)
    }
    lint = B.median(lintRuns)
    print("xmllint --stream --noout : mêmes fichiers en \(B.describe(lintRuns)) → \(B.format(mb / lint!)) Mo/s")
} else {
    print("xmllint absent (apt-get install libxml2-utils) : pas de comparaison")
}
if !args.skipParse {
B.row("analyse seule (\(B.format(mb, 0)) Mo de XML, \(xmlFiles.count) fichiers)", bascule: "\(B.describe(parseRuns)), \(B.format(mb / parse)) Mo/s",
      limit: lint.map { "xmllint --stream : \(B.format($0, 2)) s, \(B.format(mb / $0)) Mo/s" } ?? "—", ratio: lint.map { $0 / parse })
}

// 2. Memory against file size: a child process parses one students file and reports its own
// peak; xmllint --stream reads the same file. Files ten and a hundred times larger show what
// grows (the records kept) and what does not (no document tree: the XML itself is streamed).
for n in args.memory {
    let dir = root.appendingPathComponent("mem-\(n)")
    let zip = try AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: n, seed: 3, firstYear: 2026, years: 1))
        .write(to: dir).first { $0.kind == .siecleStudents }!
    let archive = try Archive(url: zip.url, accessMode: .read)
    let xml = dir.appendingPathComponent("eleves.xml")
    _ = try archive.extract(archive.first { $0.path.hasSuffix(".xml") }!, to: xml)
    let size = Double((try FileManager.default.attributesOfItem(atPath: xml.path)[.size] as? Int) ?? 0) / 1_048_576
    let child = try B.measure(CommandLine.arguments[0], ["--parse-one", xml.path])
    let fields = child.output.split(separator: " ")
    let peak = Double(fields.first ?? "0") ?? 0
    let count = Int(fields.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0
    let lintPeak = FileManager.default.isExecutableFile(atPath: xmllint) ? try B.childPeakMiB(xmllint, ["--stream", "--noout", xml.path]) : nil
    print("élèves \(n) : XML \(B.format(size)) Mo, \(count) élèves lus, pic mémoire \(B.format(peak)) Mio (xmllint \(lintPeak.map { B.format($0) } ?? "?") Mio)")
    B.row("pic mémoire, fichier élèves de \(B.format(size, 0)) Mo (\(n) élèves)", bascule: "\(B.format(peak, 0)) Mio",
          limit: lintPeak.map { "xmllint --stream : \(B.format($0, 0)) Mio" } ?? "—", ratio: nil)
    try? FileManager.default.removeItem(at: dir)
}

if args.skipStore { exit(0) }

// 3. The whole import (parse, match, write; one command per school, as `bascule run` does) into
// a new store each run; then the same rows loaded by the database's own bulk path.
let day = CivilDate(year: 2026, month: 9, day: 3)!
func importAll(into store: Store) async throws -> Int {
    let service = ImportService(store: store, today: day)
    var people = 0
    for uai in schools {
        let summary = try await service.importFiles(xmlFiles.filter { $0.uai == uai }.map(\.url))
        people += summary.files.reduce(0) { $0 + $1.newPeople }
    }
    return people
}

/// The tables an import writes, in an order their foreign keys accept.
let importTables = ["imports", "persons", "snapshot_people", "snapshot_memberships", "snapshot_structures",
                    "snapshot_subjects", "snapshot_services", "snapshot_guardians", "import_notices"]

var lastSQLite: URL?
var people = 0
var sqliteRuns: [Double] = []
for run in 0..<args.runs {
    let dataDir = root.appendingPathComponent("data-\(run)")
    let store = try await Store.open(.embedded(dataDirectory: dataDir.path))
    sqliteRuns.append(try await B.seconds { people = try await importAll(into: store) })
    await store.close()
    if let lastSQLite { try? FileManager.default.removeItem(at: lastSQLite.deletingLastPathComponent()) }
    lastSQLite = dataDir.appendingPathComponent("bascule.sqlite")
}
let sqliteImport = B.median(sqliteRuns)
print("import complet (SQLite) : \(people) personnes en \(B.describe(sqliteRuns)) → \(Int(Double(people) / sqliteImport)) personnes/s")
B.row("import → SQLite (analyse, rapprochement, écriture), \(people) personnes", bascule: B.describe(sqliteRuns),
      limit: lint.map { "xmllint --stream : \(B.format($0, 2)) s" } ?? "—", ratio: lint.map { $0 / sqliteImport })

// sqlite3's own bulk load of the very same rows (CSV in one transaction, the schema, indexes and
// foreign keys of Bascule's store, as Bascule opens it): the database's limit for these writes.
if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), let source = lastSQLite {
    let csv = root.appendingPathComponent("csv")
    try FileManager.default.createDirectory(at: csv, withIntermediateDirectories: true)
    var script = ".mode csv\n"
    for t in importTables { script += ".output \(csv.path)/\(t).csv\nSELECT * FROM \(t);\n" }
    try script.write(to: csv.appendingPathComponent("export.sql"), atomically: true, encoding: .utf8)
    _ = try B.measure("/usr/bin/sqlite3", [source.path, ".read \(csv.path)/export.sql"])
    let schema = try B.measure("/usr/bin/sqlite3", [source.path, ".schema"]).output
    var load = "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nPRAGMA foreign_keys = ON;\n.mode csv\nBEGIN;\n"
    for t in importTables { load += ".import \(csv.path)/\(t).csv \(t)\n" }
    load += "COMMIT;\n"
    try load.write(to: csv.appendingPathComponent("load.sql"), atomically: true, encoding: .utf8)
    var bulkRuns: [Double] = []
    for run in 0..<args.runs {
        let target = csv.appendingPathComponent("bulk-\(run).sqlite").path
        _ = try B.measure("/usr/bin/sqlite3", [target, schema])
        bulkRuns.append(try B.measure("/usr/bin/sqlite3", [target, ".read \(csv.path)/load.sql"]).seconds)
    }
    let bulk = B.median(bulkRuns)
    print("sqlite3 .import des mêmes lignes : \(B.describe(bulkRuns))")
    if let lint {
        B.row("import → SQLite, contre analyse + chargement en masse", bascule: B.describe(sqliteRuns),
              limit: "xmllint \(B.format(lint, 2)) s + sqlite3 .import \(B.format(bulk, 2)) s", ratio: (lint + bulk) / sqliteImport)
    }
}

// 4. The same import into PostgreSQL (a private server on loopback), and PostgreSQL's COPY of
// the same rows into the same schema.
if args.postgres {
    var pgRuns: [Double] = []
    var lastURL = ""
    for _ in 0..<args.runs {
        let url = try PostgresServer.freshDatabaseURL()
        let store = try await Store.open(.postgres(url: url))
        pgRuns.append(try await B.seconds { _ = try await importAll(into: store) })
        await store.close()
        lastURL = url
    }
    let pg = B.median(pgRuns)
    print("import complet (PostgreSQL) : \(people) personnes en \(B.describe(pgRuns)) → \(Int(Double(people) / pg)) personnes/s")
    B.row("import → PostgreSQL (analyse, rapprochement, écriture)", bascule: B.describe(pgRuns),
          limit: lint.map { "xmllint --stream : \(B.format($0, 2)) s" } ?? "—", ratio: lint.map { $0 / pg })
    let psql = "/usr/bin/psql"
    if FileManager.default.isExecutableFile(atPath: psql) {
        let csv = root.appendingPathComponent("pgcsv")
        try FileManager.default.createDirectory(at: csv, withIntermediateDirectories: true)
        for t in importTables {
            _ = try ChildProcess.run(psql, [lastURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", "\\copy \(t) TO '\(csv.path)/\(t).csv' WITH (FORMAT csv)"])
        }
        var copyRuns: [Double] = []
        for _ in 0..<args.runs {
            let target = try PostgresServer.freshDatabaseURL()
            // The same schema, indexes and constraints as Bascule's, then the rows by COPY in one transaction.
            let empty = try await Store.open(.postgres(url: target))
            await empty.close()
            var script = "BEGIN;\n"
            for t in importTables { script += "\\copy \(t) FROM '\(csv.path)/\(t).csv' WITH (FORMAT csv)\n" }
            script += "COMMIT;\n"
            try script.write(to: csv.appendingPathComponent("load.sql"), atomically: true, encoding: .utf8)
            let loaded = try B.measure(psql, [target, "-q", "-v", "ON_ERROR_STOP=1", "-f", csv.appendingPathComponent("load.sql").path], keepErrors: true)
            if loaded.status != 0 { print("COPY a échoué : \(loaded.output)") }
            copyRuns.append(loaded.seconds)
        }
        let copy = B.median(copyRuns)
        print("PostgreSQL COPY des mêmes lignes : \(B.describe(copyRuns))")
        if let lint {
            B.row("import → PostgreSQL, contre analyse + COPY", bascule: B.describe(pgRuns),
                  limit: "xmllint \(B.format(lint, 2)) s + COPY \(B.format(copy, 2)) s", ratio: (lint + copy) / pg)
        }
    }
}

// 5. Plan and apply the rentrée of every school on the embedded directory, with the temporary
// passwords as the defaults hash them.
if !args.skipPlan, let source = lastSQLite {
    let store = try await Store.open(.sqlite(path: source.path))
    let vault = try SheetVault(dataDirectory: root.appendingPathComponent("vault").path)
    let planning = PlanningService(store: store, credentials: CredentialIssuer(vault: vault))
    var planSeconds = 0.0, applySeconds = 0.0, actions = 0, first: (plan: Double, apply: Double)?
    for uai in schools {
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
        print("un collège de \(args.students) élèves : plan \(B.format(first.plan, 2)) s, apply \(B.format(first.apply, 2)) s (apply recalcule le plan et émet les mots de passe)")
    }
    print("\(args.schools) collèges : \(actions) actions, plan \(B.format(planSeconds, 1)) s, apply \(B.format(applySeconds, 1)) s au total")
    B.row("plan puis apply de \(args.schools) collèges (annuaire intégré, mots de passe compris)",
          bascule: "\(B.format(planSeconds, 1)) s + \(B.format(applySeconds, 1)) s", limit: "—", ratio: nil)
    await store.close()

    // 6. Temporary passwords of one collège, as issued by default, against the previous default
    // (PBKDF2-SHA256 at 210,000 rounds for every password).
    let ids = (0..<args.students).map { "p\($0)" }
    let now = try B.seconds { _ = try CredentialIssuer(vault: vault).issue(for: ids, on: day) }
    let before = try B.seconds {
        _ = try CredentialIssuer(hasher: PasswordHasher(rounds: PasswordHasher.productionRounds), directoryRounds: 0, vault: vault)
            .issue(for: ids, on: day)
    }
    print("mots de passe provisoires de \(ids.count) comptes : \(B.format(now, 2)) s (avant : 210 000 tours PBKDF2 et crypt à 5 000 tours, \(B.format(before, 1)) s)")
    B.row("\(ids.count) mots de passe provisoires (haché magasin + {CRYPT})", bascule: "\(B.format(now, 2)) s",
          limit: "avant (PBKDF2 210 000 tours, crypt 5 000) : \(B.format(before, 1)) s", ratio: nil)
}

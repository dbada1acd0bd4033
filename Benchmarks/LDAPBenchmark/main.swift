import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation

// Against private slapd servers (mdb, loopback), each figure next to `ldapadd` loading the very
// same entries from one LDIF file into a fresh server: the directory's own limit.
//   swift run -c release --scratch-path .build-release LDAPBenchmark [--accounts 10000] [--students 3000] [--runs 3]
// 1. The connector alone on 10,000 synthetic accounts: one operation at a time, then pipelined.
// 2. A generated collège's first rentrée as `bascule apply` runs it with a directory and the
//    default settings: plan, temporary passwords, store, then the sync with its journal.
// Lines starting `@row` are what scripts/bench gathers into its table.

typealias B = BenchmarkFigures

var accounts = 10_000
var students = 3_000
var runs = 3
var it = CommandLine.arguments.dropFirst().makeIterator()
while let a = it.next() {
    switch a {
    case "--accounts": accounts = Int(it.next() ?? "") ?? accounts
    case "--students": students = Int(it.next() ?? "") ?? students
    case "--runs": runs = max(1, Int(it.next() ?? "") ?? runs)
    default: print("option inconnue : \(a)"); exit(64)
    }
}
print("Bascule LDAP benchmark: slapd \(SlapdServer.binary) (mdb, loopback), \(runs) run(s), medians; machine \(B.machine()), load \(B.load())")

/// The entries under the server's base as LDIF, parents first: what ldapadd loads.
func ldif(of server: SlapdServer) throws -> (text: String, entries: Int) {
    let entries = try server.adminConnection().search(base: server.base, attributes: ["*", "pwdReset"], pageSize: 1000)
        .filter { DN.normalize($0.dn) != DN.normalize(server.base) }
        .sorted { $0.dn.count < $1.dn.count }  // a parent's DN is a suffix of its children's: shorter
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

/// ldapadd of `text` into a fresh server, in seconds.
func ldapadd(_ text: String, in dir: TemporaryDirectory) throws -> Double {
    let server = try SlapdServer()
    let file = dir.file("entries-\(UUID().uuidString).ldif")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let run = try B.measure("/usr/bin/ldapadd", ["-x", "-H", server.url, "-D", server.adminDN, "-w", server.adminPassword, "-f", file.path], keepErrors: true)
    if run.status != 0 { print("ldapadd a échoué : \(run.output.prefix(500))") }
    return run.seconds
}

let dir = try TemporaryDirectory(prefix: "bascule-ldap-bench")
defer { dir.remove() }
let uai = UAI("0860001X")!
let day = CivilDate(year: 2026, month: 9, day: 3)!

// 1. Synthetic accounts, through the connector alone.
if accounts > 0 {
    let first = ["Marie", "Lucas", "Chloé", "Noé", "Inès", "Jean-Étienne", "Zoé", "Théo"]
    let family = ["Dupont", "Martin", "D'Alembert", "Lefèvre", "Nguyen", "De La Fontaine", "Moreau", "Œuvray"]
    let hash = try DirectoryPasswordHash.make("Provisoire2026x", rounds: DirectoryPasswordHash.temporaryRounds)
    var people: [ProvisionedAccount] = []
    var classes: [String: Set<String>] = [:]
    for i in 0..<accounts {
        let kind: PersonKind = i % 12 == 0 ? .teacher : .student
        let login = "u\(i)"
        let division = "\(3 + i % 4)\(["A", "B", "C", "D", "E"][i % 5])\(i / 2000)"
        if kind == .student { classes[division, default: []].insert(login) }
        people.append(ProvisionedAccount(
            account: Account(personID: "bench:\(i)", kind: kind, login: login, entLogin: "u.\(i)",
                             name: PersonName(familyName: family[i % family.count], firstName: first[i % first.count]),
                             status: .active, statusSince: day),
            sourceID: String(100_000 + i), division: kind == .student ? division : nil,
            uidNumber: 200_000 + i, gidNumber: 100_000))
    }
    var groups = classes.sorted { $0.key < $1.key }.enumerated().map { n, c in
        ProvisionedGroup(group: DirectoryGroup(name: c.key, kind: .division, members: c.value), gidNumber: 150_000 + n)
    }
    groups.append(ProvisionedGroup(group: DirectoryGroup(name: "eleves", kind: .role,
                                                         members: Set(people.filter { $0.account.kind == .student }.map(\.account.login))),
                                   gidNumber: 100_000))
    let school = SchoolDirectory(uai: uai, accounts: people, groups: groups)
    let passwords = Dictionary(uniqueKeysWithValues: people.map { ($0.account.personID, hash) })
    print("1. connector: \(accounts) accounts, \(groups.count) groups")

    var sequential: [Double] = [], pipelined: [Double] = [], reference: [Double] = []
    var operations = 0
    var text = ""
    for _ in 0..<runs {
        for pipelining in [false, true] {
            let slapd = try SlapdServer()
            let connector = OpenLDAPConnector(connection: try slapd.adminConnection(), layout: DirectoryLayout(base: slapd.base),
                                              connect: { try LDAPConnection(url: slapd.url) })
            let t = try B.seconds {
                let plan = try connector.plan(school, written: [:], passwords: passwords)
                operations = plan.operations.count
                if pipelining {
                    for batch in DirectorySyncService.batches(plan.operations, size: 64) {
                        if let failure = connector.execute(batch: batch).compactMap({ $0 }).first { throw failure }
                    }
                } else {
                    for op in plan.operations { try connector.execute(op) }
                }
            }
            if pipelining { pipelined.append(t) } else { sequential.append(t) }
            if text.isEmpty { text = try ldif(of: slapd).text }
        }
        reference.append(try ldapadd(text, in: dir))
    }
    let limit = B.median(reference)
    print("one at a time : \(operations) operations in \(B.describe(sequential)) = \(B.format(Double(accounts) / B.median(sequential), 0)) accounts/s")
    print("pipelined     : \(B.describe(pipelined)) = \(B.format(Double(accounts) / B.median(pipelined), 0)) accounts/s")
    print("ldapadd       : \(B.describe(reference)) = \(B.format(Double(accounts) / limit, 0)) accounts/s")
    B.row("connecteur seul, \(accounts) comptes, une opération à la fois", bascule: B.describe(sequential),
          limit: "ldapadd : \(B.format(limit, 2)) s", ratio: limit / B.median(sequential))
    B.row("connecteur seul, \(accounts) comptes, en pipeline (fenêtre de 64)", bascule: B.describe(pipelined),
          limit: "ldapadd : \(B.format(limit, 2)) s", ratio: limit / B.median(pipelined))
}

// 2. A generated collège's first rentrée, as `bascule apply` runs it with a directory: the plan
// applied to the embedded directory (temporary passwords hashed as by default), then the sync
// (read the empty branch, plan, every operation journaled in SQLite). Each run on a new store
// and a new slapd; the import before it is not timed.
if students > 0 {
    let files = try AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: students, seed: 11, firstYear: 2026, years: 1))
        .write(to: dir.url.appendingPathComponent("exports"))
    let school = files[0].uai
    print("2. apply of a generated collège of \(students) students (\(school)), default settings")
    var applyRuns: [Double] = [], syncRuns: [Double] = [], totalRuns: [Double] = [], reference: [Double] = []
    var text = ""
    var entries = 0
    for run in 0..<runs {
        let data = dir.url.appendingPathComponent("data-\(run)")
        let store = try await Store.open(.embedded(dataDirectory: data.path))
        _ = try await ImportService(store: store, today: day).importFiles(files.map(\.url))
        let slapd = try SlapdServer()
        let layout = DirectoryLayout(base: slapd.base)
        let connector = OpenLDAPConnector(connection: try slapd.adminConnection(), layout: layout,
                                          connect: { try LDAPConnection(url: slapd.url) })
        let planning = PlanningService(store: store, credentials: CredentialIssuer(vault: try SheetVault(dataDirectory: data.path)))
        let applied = try await B.seconds {
            _ = try await planning.apply(uai: school, date: day, expectedHash: nil, allowMassChange: false, actor: "bench")
        }
        var report: DirectorySyncReport?
        let synced = try await B.seconds {
            report = try await DirectorySyncService(store: store, connector: connector, layout: layout).sync(uai: school, actor: "bench")
        }
        if let failure = report?.failures.first { print("échec : \(failure)") }
        applyRuns.append(applied)
        syncRuns.append(synced)
        totalRuns.append(applied + synced)
        await store.close()
        if text.isEmpty { (text, entries) = try ldif(of: slapd) }
        reference.append(try ldapadd(text, in: dir))
        try? FileManager.default.removeItem(at: data)
    }
    let limit = B.median(reference)
    let total = B.median(totalRuns)
    print("apply (plan, passwords, store): \(B.describe(applyRuns)); directory sync (journal in SQLite): \(B.describe(syncRuns))")
    print("apply + sync: \(B.describe(totalRuns)) for \(entries) entries; ldapadd of the same entries: \(B.describe(reference))")
    B.row("apply d'un collège de \(students) élèves dans slapd (\(entries) entrées ; plan, mots de passe, journal SQLite), réglages par défaut",
          bascule: "\(B.describe(totalRuns)) (apply \(B.format(B.median(applyRuns), 2)) s + sync \(B.format(B.median(syncRuns), 2)) s)",
          limit: "ldapadd : \(B.describe(reference))", ratio: limit / total)
}

import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation

// Accounts provisioned per second against a private slapd, next to ldapadd loading the same
// entries from one LDIF file into another fresh slapd: the directory's own limit.
//   swift run -c release --scratch-path .build-release LDAPBenchmark [--accounts 10000]

var accounts = 10_000
var it = CommandLine.arguments.dropFirst().makeIterator()
while let a = it.next() { if a == "--accounts", let v = it.next(), let n = Int(v) { accounts = n } }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

let uai = UAI("0860001X")!
let day = CivilDate(year: 2026, month: 9, day: 3)!
let first = ["Marie", "Lucas", "Chloé", "Noé", "Inès", "Jean-Étienne", "Zoé", "Théo"]
let family = ["Dupont", "Martin", "D'Alembert", "Lefèvre", "Nguyen", "De La Fontaine", "Moreau", "Œuvray"]
let hash = try DirectoryPasswordHash.make("Provisoire2026x")
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

print("Bascule LDAP benchmark: \(accounts) accounts, \(groups.count) groups, slapd \(SlapdServer.binary) (mdb, loopback)")

// 1. Bascule: read the (empty) branch, plan, run every operation over one connection.
let slapd = try SlapdServer()
let layout = DirectoryLayout(base: slapd.base)
let connector = OpenLDAPConnector(connection: try slapd.adminConnection(), layout: layout,
                                  connect: { try LDAPConnection(url: slapd.url) })
var operations = 0
let provision = try seconds {
    let plan = try connector.plan(school, written: [:], passwords: passwords)
    operations = plan.operations.count
    for op in plan.operations { try connector.execute(op) }
}
let replan = try seconds { _ = try connector.plan(school, written: [:], passwords: [:]) }
print("Bascule connector  : \(operations) operations in \(format(provision, 2)) s = \(format(Double(accounts) / provision, 0)) accounts/s")
print("re-read + plan     : \(format(replan, 2)) s for the whole branch (nothing left to do)")

// 2. The same with the journal and written state in SQLite, as `bascule directory sync` runs.
let slapd2 = try SlapdServer()
let dir = try TemporaryDirectory(prefix: "bascule-ldap-bench")
let store = try await Store.open(.embedded(dataDirectory: dir.path))
let journaled = OpenLDAPConnector(connection: try slapd2.adminConnection(), layout: DirectoryLayout(base: slapd2.base),
                                  connect: { try LDAPConnection(url: slapd2.url) })
let start = DispatchTime.now().uptimeNanoseconds
let journaledPlan = try journaled.plan(school, written: [:], passwords: passwords)
let entries = Dictionary(journaledPlan.desired.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
for op in journaledPlan.operations {
    let seq = try await store.journalStart(runID: "bench", uai: uai, target: journaled.target, kind: op.kind.rawValue, dn: op.dn, body: "{}", at: Date())
    try journaled.execute(op)
    let e = entries[op.key]
    try await store.recordWritten(uai: uai, target: journaled.target, key: op.key,
                                  entry: e.map { WrittenEntryRow(key: $0.key, dn: $0.dn, attributesJSON: "{}") })
    try await store.journalFinish(seq: seq, at: Date())
}
let withJournal = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
await store.close()
print("with SQLite journal: \(format(withJournal, 2)) s = \(format(Double(accounts) / withJournal, 0)) accounts/s")

// 3. ldapadd, one LDIF file of the same entries, into a third fresh slapd.
let slapd3 = try SlapdServer()
var ldif = ""
for e in school.entries(in: DirectoryLayout(base: slapd3.base)) {
    ldif += "dn: \(e.dn)\n"
    var attributes = e.attributes
    if e.key.hasPrefix("person:") { attributes["userpassword"] = [hash] }
    for (name, values) in attributes.sorted(by: { $0.key < $1.key }) {
        for v in values {
            let safe = v.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !v.hasPrefix(" ") && !v.hasPrefix(":") && !v.hasPrefix("<")
            ldif += safe ? "\(name): \(v)\n" : "\(name):: \(Data(v.utf8).base64EncodedString())\n"
        }
    }
    ldif += "\n"
}
let ldifFile = dir.file("entries.ldif")
try ldif.write(to: ldifFile, atomically: true, encoding: .utf8)
let ldapadd = try seconds {
    try ChildProcess.run("/usr/bin/ldapadd", ["-x", "-H", slapd3.url, "-D", slapd3.adminDN, "-w", slapd3.adminPassword, "-f", ldifFile.path])
}
print("ldapadd (one LDIF) : \(format(ldapadd, 2)) s = \(format(Double(accounts) / ldapadd, 0)) accounts/s  (Bascule at \(format(100 * ldapadd / provision, 0)) %)")
dir.remove()

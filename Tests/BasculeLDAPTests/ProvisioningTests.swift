import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// A generated collège over two school years, written once for the suite.
let academy: (files: [GeneratedFile], dir: TemporaryDirectory) = {
    let dir = try! TemporaryDirectory(prefix: "bascule-ldap-academy")
    let files = try! AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 160, seed: 23,
                                                               firstYear: 2025, years: 2)).write(to: dir.url)
    return (files, dir)
}()

func files(_ year: Int) -> [URL] { academy.files.filter { $0.year.startYear == year }.map(\.url) }
let uai = academy.files[0].uai

/// Everything a provisioning test needs: a private slapd, a fresh store, the vault of the sheets.
struct Rig {
    let slapd: SlapdServer
    let store: Store
    let dir: TemporaryDirectory
    let vault: SheetVault
    let layout: DirectoryLayout

    static func make(tls: Bool = false) async throws -> Rig {
        let slapd = try SlapdServer(tls: tls)
        let (store, dir) = try await Backend.sqlite.openFreshStore()
        return Rig(slapd: slapd, store: store, dir: dir, vault: try SheetVault(dataDirectory: dir.path),
                   layout: DirectoryLayout(base: slapd.base, homeRoot: dir.path + "/espaces"))
    }

    func connector(drift: DriftMode = .correct) throws -> OpenLDAPConnector {
        let slapd = self.slapd
        return OpenLDAPConnector(connection: try slapd.adminConnection(), layout: layout, drift: drift,
                                 connect: { try LDAPConnection(url: slapd.url) })
    }

    func sync(drift: DriftMode = .correct, dryRun: Bool = false) async throws -> DirectorySyncReport {
        try await DirectorySyncService(store: store, connector: try connector(drift: drift), layout: layout)
            .sync(uai: uai, dryRun: dryRun, actor: "test")
    }

    func apply(_ date: CivilDate, gate: CalendarGate? = nil) async throws {
        let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: 1_000), vault: vault)
        let planning = PlanningService(store: store, credentials: issuer,
                                       gate: { _, d in gate ?? PlanningService.defaultGate(on: d) })
        _ = try await planning.apply(uai: uai, date: date, expectedHash: nil, allowMassChange: false, actor: "test")
    }

    func importYear(_ year: Int, on date: CivilDate) async throws {
        _ = try await ImportService(store: store, today: date).importFiles(files(year))
    }

    func entries(_ filter: String = "(objectClass=*)") throws -> [LDAPEntry] {
        try slapd.adminConnection().search(base: layout.school(uai), filter: filter, attributes: ManagedAttributes.read + ["userPassword"])
    }

    func close() async {
        await store.close()
        dir.remove()
    }
}

@Suite("The school's branch on a real slapd follows the embedded directory")
struct ProvisioningTests {
    let day1 = CivilDate(year: 2025, month: 9, day: 3)!
    let day2 = CivilDate(year: 2026, month: 9, day: 3)!

    @Test("Year one: every account and group reaches slapd; a sheet's password signs in; a second run does nothing")
    func firstRentree() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        let report = try await rig.sync()
        #expect(report.failures.isEmpty, "\(report.failures)")
        let state = try await rig.store.directoryState(uai: uai)

        let people = try rig.entries("(objectClass=basculeAccount)")
        #expect(people.count == state.accounts.count)
        #expect(Set(people.compactMap { $0.first("uid") }) == Set(state.accounts.map(\.login)))
        // Every account is where its role says, with distinct POSIX numbers.
        for a in state.accounts {
            let entry = try #require(people.first { $0.first("uid") == a.login })
            #expect(DN.normalize(entry.dn) == DN.normalize(rig.layout.account(login: a.login, kind: a.kind, uai: uai)))
            #expect(entry.first("basculeEntLogin") == a.entLogin)
            #expect(entry.first("userPassword")?.hasPrefix("{CRYPT}$6$") == true)
        }
        #expect(Set(people.compactMap { $0.first("uidNumber") }).count == people.count)
        // Groups hold exactly the embedded directory's members, by uid and by DN.
        let groups = try rig.entries("(objectClass=basculeGroup)")
        #expect(groups.count == state.groups.count)
        for g in state.groups {
            let entry = try #require(groups.first { $0.first("cn") == g.name })
            #expect(Set(entry["memberUid"]) == g.members)
            #expect(entry["member"].count == g.members.count)
        }
        let students = people.filter { $0.first("employeeType") == "eleve" }
        #expect(students.allSatisfy { $0.first("basculeClass") != nil })

        // A student signs in with the password of their sheet, and not with another.
        let credentials = try await rig.store.credentials(uai: uai)
        let student = try #require(state.accounts.first { $0.kind == .student })
        let password = try rig.vault.open(try #require(credentials[student.personID]?.sealedTemporary))
        let connector = try rig.connector()
        #expect(try connector.authenticate(uai: uai, kind: .student, login: student.login, password: password))
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: student.login, password: password + "x"))
        // Pushed once: the pending directory hashes are cleared.
        #expect(try await rig.store.pendingDirectoryPasswords(uai: uai).isEmpty)

        let again = try await rig.sync()
        #expect(again.operations.isEmpty, "\(again.operations.map(\.french))")
        #expect(again.findings.isEmpty)
    }

    @Test("Year two: moves, leavers locked then deleted, empty groups removed; each step converges")
    func secondRentree() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        // A division of year one that year two's exports no longer have (a class closed), applied
        // and pushed like any other.
        var planted = try await rig.store.directoryState(uai: uai)
        let closed = try #require(planted.groups.first { $0.kind == .division })
        planted.groups.append(DirectoryGroup(name: "5Z", kind: .division, members: Set(closed.members.sorted().prefix(3))))
        try await rig.store.replaceDirectory(uai: uai, with: planted, appliedPlan: nil, at: Date(timeIntervalSince1970: 0))
        _ = try await rig.sync()
        #expect(try rig.entries("(&(objectClass=basculeGroup)(cn=5Z))").count == 1)
        let before = try await rig.store.directoryState(uai: uai)
        let credentials = try await rig.store.credentials(uai: uai)

        try await rig.importYear(2026, on: day2)
        try await rig.apply(day2)
        let report = try await rig.sync()
        #expect(report.failures.isEmpty)
        let after = try await rig.store.directoryState(uai: uai)
        let people = try rig.entries("(objectClass=basculeAccount)")
        // Groups of year one that year two has no more (emptied by the rollover) are gone from slapd;
        // the branch holds exactly the embedded directory's groups.
        let gone = Set(before.groups.map(\.name)).subtracting(after.groups.map(\.name))
        #expect(gone.contains("5Z"), "year two drops the closed class: \(gone)")
        #expect(report.operations.filter { $0.kind == .deleteGroup }.count == gone.count)
        let groupsInBranch = Set(try rig.entries("(objectClass=basculeGroup)").compactMap { $0.first("cn") })
        #expect(groupsInBranch.isDisjoint(with: gone), "\(groupsInBranch.intersection(gone))")
        #expect(groupsInBranch == Set(after.groups.map(\.name)))
        // A student who changed class: their entry says so and their groups follow.
        let moved = try #require(after.accounts.first { a in
            a.kind == .student && a.status == .active
                && before.groups.first { $0.kind == .division && $0.members.contains(a.login) }?.name
                != after.groups.first { $0.kind == .division && $0.members.contains(a.login) }?.name
                && before.accounts.contains { $0.personID == a.personID }
        })
        let newClass = after.groups.first { $0.kind == .division && $0.members.contains(moved.login) }!.name
        #expect(people.first { $0.first("uid") == moved.login }?.first("basculeClass") == newClass)
        #expect(try rig.entries("(&(objectClass=basculeGroup)(cn=\(LDAPEscape.filterValue(newClass))))").first?["memberUid"].contains(moved.login) == true)

        // Leavers are still usable in their grace period…
        let leaver = try #require(after.accounts.first { $0.status == .leaving && $0.kind == .student })
        let password = try rig.vault.open(try #require(credentials[leaver.personID]?.sealedTemporary))
        let connector = try rig.connector()
        #expect(try connector.authenticate(uai: uai, kind: .student, login: leaver.login, password: password))
        #expect(people.first { $0.first("uid") == leaver.login }?.first("basculeStatus") == "leaving")

        // …locked once disabled (ppolicy and shadow), and gone once deleted in the window.
        try await rig.apply(CivilDate(year: 2026, month: 10, day: 20)!, gate: CalendarGate(deletionOpen: []))
        _ = try await rig.sync()
        let locked = try #require(try rig.entries("(uid=\(leaver.login))").first)
        #expect(locked.first("pwdAccountLockedTime") == SchoolDirectory.permanentLock)
        #expect(locked.first("shadowExpire") == "1")
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: leaver.login, password: password))

        // The September window of former users went by with no apply: the next one catches up.
        try await rig.apply(CivilDate(year: 2026, month: 10, day: 21)!, gate: PlanningService.defaultGate(on: CivilDate(year: 2026, month: 9, day: 15)!))
        let deletion = try await rig.sync()
        #expect(deletion.operations.contains { $0.kind == .deleteAccount })
        #expect(try rig.entries("(uid=\(leaver.login))").isEmpty)
        let final = try await rig.store.directoryState(uai: uai)
        #expect(try rig.entries("(objectClass=basculeAccount)").count == final.accounts.filter { $0.status != .deleted }.count)
        #expect(try await rig.sync(dryRun: true).operations.isEmpty)
    }

    @Test("Hand-made changes are reported or put back as configured; entries Bascule did not create are never touched")
    func driftAndForeignEntries() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        _ = try await rig.sync()
        let state = try await rig.store.directoryState(uai: uai)
        let admin = try rig.slapd.adminConnection()
        let division = try #require(state.groups.first { $0.kind == .division })
        let student = try #require(state.accounts.first { $0.kind == .student })
        let groupDN = rig.layout.group(division.name, uai: uai)
        let studentDN = rig.layout.account(login: student.login, kind: .student, uai: uai)
        try admin.modify(groupDN, [.add("memberUid", ["intrus"])])
        try admin.modify(studentDN, [.delete("sn", []), .add("sn", ["Modifié-à-la-main"]), .add("telephoneNumber", ["0102030405"])])
        let manual = "uid=manuel,\(rig.layout.people(.student, uai))"
        try admin.add(manual, [("objectClass", ["inetOrgPerson"]), ("uid", ["manuel"]), ("cn", ["Compte Manuel"]), ("sn", ["Manuel"])])

        let reported = try await rig.sync(drift: .report)
        #expect(reported.operations.isEmpty, "report mode changes nothing: \(reported.operations.map(\.french))")
        #expect(reported.findings.contains { $0.kind == .drift && $0.attribute == "memberuid" && DN.normalize($0.dn) == DN.normalize(groupDN) })
        #expect(reported.findings.contains { $0.kind == .drift && $0.attribute == "sn" })
        #expect(reported.findings.contains { $0.kind == .foreign && DN.normalize($0.dn) == DN.normalize(manual) })
        #expect(try admin.read(groupDN)?["memberUid"].contains("intrus") == true)

        let corrected = try await rig.sync(drift: .correct)
        #expect(corrected.findings.contains { $0.kind == .driftCorrected && $0.attribute == "memberuid" })
        #expect(try admin.read(groupDN)?["memberUid"].contains("intrus") == false)
        let fixed = try #require(try admin.read(studentDN))
        #expect(fixed.first("sn") == student.name.displayFamilyName)
        // What Bascule does not manage stays: the phone number added by hand, the manual account.
        #expect(fixed.first("telephoneNumber") == "0102030405")
        #expect(try admin.read(manual) != nil)
        let audit = try await rig.store.auditEntries(AuditFilter(uai: uai))
        #expect(audit.contains { $0.event == "annuaire-drift-corrected" })
    }

    @Test("Hostile names and group codes stay values: no DN or filter injection")
    func hostileValues() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        let hostileGroup = "6A,ou=admin"
        let name = PersonName(familyName: "*)(uid=*))(|(uid=*", firstName: "Zoé\\,+")
        let account = Account(personID: "ine:HOSTILE1", kind: .student, login: "zuid", entLogin: "z.uid", name: name,
                              status: .active, statusSince: day1)
        let school = SchoolDirectory(uai: uai, accounts: [ProvisionedAccount(account: account, division: hostileGroup, uidNumber: 100_001, gidNumber: 100_000)],
                                     groups: [ProvisionedGroup(group: DirectoryGroup(name: hostileGroup, kind: .division, members: ["zuid"]), gidNumber: 100_002),
                                              ProvisionedGroup(group: DirectoryGroup(name: "#1 x;+y=z", kind: .group), gidNumber: 100_003),
                                              // Quotes, <, > and a trailing blank: a code no folder can carry, never written.
                                              ProvisionedGroup(group: DirectoryGroup(name: "#1 \"x\"; <y> ", kind: .group), gidNumber: 100_004)])
        let connector = try rig.connector()
        let plan = try connector.plan(school, written: [:], passwords: [:])
        for op in plan.operations { try connector.execute(op) }
        #expect(try connector.plan(school, written: [:], passwords: [:]).operations.isEmpty)
        let admin = try rig.slapd.adminConnection()
        #expect(try admin.read("ou=admin,\(rig.layout.school(uai))") == nil)
        let group = try #require(try admin.search(base: rig.layout.groups(uai), filter: "(cn=\(LDAPEscape.filterValue(hostileGroup)))").first)
        #expect(DN.parent(group.dn).lowercased() == rig.layout.groups(uai).lowercased())
        let person = try #require(try admin.search(base: rig.layout.school(uai), filter: "(sn=\(LDAPEscape.filterValue(name.familyName)))").first)
        #expect(person.first("uid") == "zuid")
        #expect(person.first("givenName") == "Zoé\\,+")
        #expect(try admin.search(base: rig.layout.groups(uai), filter: "(cn=\(LDAPEscape.filterValue("#1 x;+y=z")))").count == 1)
        #expect(try admin.search(base: rig.layout.school(uai), filter: "(objectClass=basculeGroup)").count == 2)
    }

    @Test("A run stopped in the middle is finished by the next one: every entry once, the journal says what was resumed")
    func resumedAfterAStop() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        // The directory goes away after 40 operations, in the middle of the accounts.
        let failing = StoppingConnector(inner: try rig.connector(), after: 40)
        await #expect(throws: LDAPError.self) {
            try await DirectorySyncService(store: rig.store, connector: failing, layout: rig.layout).sync(uai: uai, actor: "test")
        }
        let unfinished = try await rig.store.journal(uai: uai, unfinished: true)
        #expect(unfinished.count == 0, "a refused operation is journaled as failed, not left started")
        let partial = try rig.entries("(objectClass=basculeAccount)").count
        #expect(partial > 0)

        // A kill between the add and its journal line: the entry exists, the line is `started`.
        let state = try await rig.store.directoryState(uai: uai)
        let connector = try rig.connector()
        let school = try await DirectorySyncService(store: rig.store, connector: connector, layout: rig.layout).school(uai: uai)
        let passwords = try await rig.store.pendingDirectoryPasswords(uai: uai)
        let next = try #require(try connector.plan(school, written: [:], passwords: passwords).operations.first { $0.kind == .addAccount })
        _ = try await rig.store.journalStart(runID: "killed", uai: uai, target: connector.target, kind: next.kind.rawValue,
                                             dn: next.dn, body: "{}", at: Date())
        try connector.execute(next)

        let resumed = try await rig.sync()
        #expect(resumed.interrupted == ["\(next.kind.rawValue) \(next.dn)"])
        #expect(resumed.failures.isEmpty)
        #expect(!resumed.operations.contains { $0.dn == next.dn && $0.kind == .addAccount }, "the entry the killed run added is not added again")
        let people = try rig.entries("(objectClass=basculeAccount)")
        #expect(people.count == state.accounts.count)
        #expect(Set(people.compactMap { $0.first("basculePersonId") }).count == people.count)
        #expect(try await rig.sync(dryRun: true).operations.isEmpty)
        #expect(try await rig.store.journal(uai: uai, unfinished: true).isEmpty)
    }

    @Test("A disabled account that comes back is unlocked and signs in again")
    func reactivation() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        let hash = try DirectoryPasswordHash.make("Retour2026!ok")
        var account = Account(personID: "ine:RET1", kind: .student, login: "lretour", entLogin: "l.retour",
                              name: PersonName(familyName: "Retour", firstName: "Léa"), status: .disabled, statusSince: day1)
        func school() -> SchoolDirectory {
            SchoolDirectory(uai: uai, accounts: [ProvisionedAccount(account: account, uidNumber: 100_010, gidNumber: 100_000)], groups: [])
        }
        let connector = try rig.connector()
        let disabling = try connector.plan(school(), written: [:], passwords: ["ine:RET1": hash])
        for op in disabling.operations { try connector.execute(op) }
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: "lretour", password: "Retour2026!ok"))
        account.status = .active
        // Bascule lifts a lock only when its record of what it wrote says the lock is its own.
        // Without that record (never written, or lost), nothing says the locks are Bascule's: they stay.
        let unknown = try connector.plan(school(), written: [:], passwords: [:])
        #expect(Set(unknown.findings.filter { $0.kind == .lockedBySomeoneElse }.compactMap(\.attribute))
                == ["pwdAccountLockedTime", "shadowExpire", "userPassword"])
        for op in unknown.operations { try connector.execute(op) }
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: "lretour", password: "Retour2026!ok"))
        let written = Dictionary(disabling.desired.map { d in
            (d.key, WrittenEntry(dn: d.dn, attributes: d.attributes.filter { ManagedAttributes.of(key: d.key).contains($0.key) }))
        }, uniquingKeysWith: { a, _ in a })
        let reopen = try connector.plan(school(), written: written, passwords: [:])
        #expect(reopen.operations.map(\.kind) == [.modifyAccount])
        for op in reopen.operations { try connector.execute(op) }
        #expect(try connector.authenticate(uai: uai, kind: .student, login: "lretour", password: "Retour2026!ok"))
    }
}

/// A connector whose directory stops answering after a number of operations.
final class StoppingConnector: DirectoryConnector, @unchecked Sendable {
    let inner: OpenLDAPConnector
    let limit: Int
    private var count = 0
    init(inner: OpenLDAPConnector, after limit: Int) {
        self.inner = inner
        self.limit = limit
    }
    var target: String { inner.target }
    func plan(_ school: SchoolDirectory, written: [String: WrittenEntry], passwords: [String: String]) throws -> ConvergencePlan {
        try inner.plan(school, written: written, passwords: passwords)
    }
    func execute(_ operation: DirectoryOperation) throws {
        count += 1
        if count > limit { throw LDAPError.connect(url: target, code: -1, message: "serveur arrêté (test)") }
        try inner.execute(operation)
    }
    func authenticate(uai: UAI, kind: PersonKind, login: String, password: String) throws -> Bool {
        try inner.authenticate(uai: uai, kind: kind, login: login, password: password)
    }
}

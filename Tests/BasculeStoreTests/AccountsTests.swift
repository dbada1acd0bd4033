import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeGenerator
import BasculeTesting
import Foundation
import Testing
@testable import BasculeStore

/// A generated collège over two years where two students go by a usage name in the second year:
/// their logins would change, so the plan proposes renames.
enum RenamedAcademy {
    static let generated: (files: [GeneratedFile], academy: GeneratedAcademy, dir: TemporaryDirectory) = {
        let dir = try! TemporaryDirectory(prefix: "bascule-renames")
        let generator = AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 160, seed: 23, firstYear: 2025,
                                                                   years: 2, usageNameChanges: 2))
        let academy = generator.generate()
        return (try! generator.write(academy, to: dir.url), academy, dir)
    }()

    static var uai: UAI { generated.academy.schools[0].uai }

    static func files(_ year: Int) -> [URL] {
        generated.files.filter { $0.year.startYear == year }.map(\.url)
    }

    /// The first year imported and applied on 3 September 2025, as a school starts with Bascule.
    static func firstYearApplied(_ store: Store) async throws {
        let day = CivilDate(year: 2025, month: 9, day: 3)!
        _ = try await ImportService(store: store, today: day).importFiles(files(2025))
        _ = try await PlanningService(store: store).apply(uai: uai, date: day, expectedHash: nil, allowMassChange: false)
    }

    /// The daily run as `bascule run` has it, on `dir` as its data folder and the calendars there
    /// (the bundled ones where it has none).
    static func dailyRun(_ store: Store, dir: TemporaryDirectory) throws -> DailyRunService {
        let calendars = CalendarStore(dataDirectory: dir.path)
        return DailyRunService(store: store, settings: DailyRunSettings(
            dataDirectory: dir.path, policy: PlanningPolicy(),
            calendar: { uai, year in try calendars.calendar(for: year, school: uai).calendar },
            credentials: CredentialIssuer(hasher: PasswordHasher(rounds: 1000), vault: try SheetVault(dataDirectory: dir.path))))
    }
}

@Suite("Schema versions written in parallel branches")
struct MigrationOrderTests {
    @Test("Every missing version runs, gaps included, oldest first")
    func pending() {
        let all = [1, 2, 3, 4, 5, 6].map { Migration(version: $0, name: "m\($0)", statements: []) }
        #expect(Migrations.pending(applied: [1, 2, 3, 4, 6], in: all).map(\.version) == [5])
        #expect(Migrations.pending(applied: [1, 2, 3, 4], in: all).map(\.version) == [5, 6])
        #expect(Migrations.pending(applied: [], in: all).map(\.version) == [1, 2, 3, 4, 5, 6])
        #expect(Migrations.all.map(\.version) == Array(1...Migrations.latestVersion), "numbered without gaps once merged")
    }
}

@Suite("A store of schema 4 brought to the latest, through 5 and 6")
struct UpgradeTests {
    @Test("Logins burnt before the upgrade have no date and stay burnt for good; the new tables start empty",
          arguments: Backend.allCases)
    func fromSchema4(backend: Backend) async throws {
        let (store, dir) = try await backend.openFreshStore()
        defer { dir.remove() }
        // Back to what a database of schema 4 held, with a burnt login in it.
        for sql in ["DELETE FROM schema_migrations WHERE version = 15",
                    "DROP TABLE api_tokens", "DROP TABLE sessions", "DROP TABLE department_admins",
                    "DELETE FROM schema_migrations WHERE version = 14",
                    "DROP TABLE mail_digests", "DROP TABLE contact_addresses", "DROP TABLE plan_confirmations",
                    "ALTER TABLE todos DROP COLUMN plan_hash", "DELETE FROM schema_migrations WHERE version = 13",
                    "DROP TABLE todos", "DROP TABLE daily_runs", "DELETE FROM schema_migrations WHERE version = 12",
                    "ALTER TABLE audit_log DROP COLUMN day", "DELETE FROM schema_migrations WHERE version = 11",
                    "ALTER TABLE imports DROP COLUMN imported_on", "DELETE FROM schema_migrations WHERE version = 10",
                    "ALTER TABLE spaces DROP COLUMN creating", "DELETE FROM schema_migrations WHERE version = 9",
                    "DROP TABLE space_cleanups", "DROP TABLE space_archives", "DROP TABLE spaces",
                    "DELETE FROM schema_migrations WHERE version = 8",
                    "DROP TABLE access_liftings", "DELETE FROM schema_migrations WHERE version = 7",
                    "DROP TABLE school_rights", "DROP TABLE declined_renames", "DROP INDEX accounts_live_login",
                    "CREATE UNIQUE INDEX accounts_login ON accounts (uai, login)", "ALTER TABLE burnt_logins DROP COLUMN burnt_on",
                    "DELETE FROM schema_migrations WHERE version = 6",
                    // and back before 5, the real directory's tables.
                    "DROP TABLE directory_journal", "DROP TABLE directory_entries", "DROP TABLE posix_ids",
                    "ALTER TABLE credentials DROP COLUMN directory_hash", "DELETE FROM schema_migrations WHERE version = 5",
                    "INSERT INTO burnt_logins (uai, login) VALUES ('0860001X', 'mdupont')"] {
            try await store.execute(sql, "test")
        }
        #expect(try await store.schemaVersion() == 4)
        await store.close()

        let upgraded = try await Store.open(store.location)
        #expect(try await upgraded.schemaVersion() == Migrations.latestVersion)
        let uai = UAI("0860001X")!
        let state = try await upgraded.directoryState(uai: uai)
        #expect(state.burntLogins == ["mdupont"] && state.burntOn.isEmpty)
        #expect(state.burntLogins(on: CivilDate(year: 2090, month: 1, day: 1)!, keptYears: 5) == ["mdupont"])
        #expect(try await upgraded.rights(uai: uai).isEmpty)
        #expect(try await upgraded.declinedRenames(uai: uai).isEmpty)
        #expect(try await upgraded.journal(uai: uai).isEmpty)
        #expect(try await upgraded.posixNumbers(uai: uai).isEmpty)
        #expect(try await upgraded.accessLiftings(uai: uai).isEmpty)
        await upgraded.close()
    }
}

@Suite("Burnt logins, renames, rights and password resets in the store")
struct AccountsStoreTests {
    let day2025 = CivilDate(year: 2025, month: 9, day: 3)!
    let day2026 = CivilDate(year: 2026, month: 9, day: 3)!

    @Test("Dated burnt logins: burnt six years ago, given again to a homonym; two years ago or undated, not", arguments: Backend.allCases)
    func burntLogins(backend: Backend) async throws {
        let uai = RenamedAcademy.uai
        try await withStore(backend) { store, _ in
            let service = ImportService(store: store, today: day2025)
            _ = try await service.importFiles(RenamedAcademy.files(2025))
            _ = try await ImportService(store: store, today: day2026).importFiles(RenamedAcademy.files(2026))
            let planning = PlanningService(store: store)

            // On an empty directory, which newcomers would get a login with no homonym number?
            let fresh = try await planning.plan(uai: uai, date: day2026).plan.actions.filter { $0.kind == .createAccount }
            let logins = Set(fresh.compactMap(\.login))
            let plain = fresh.filter { a in a.personKind == .student && !a.login!.last!.isNumber && !logins.contains(a.login! + "1") }
            #expect(plain.count >= 3)
            let chosen = Array(plain.prefix(3))
            // Three students of 2025 absent from 2026 (the 3e who left) had those names once.
            let gone = try await PeopleQuery(store: store).people(uai: uai, kind: .student).filter { $0.status == .absent }
            #expect(gone.count >= 3)
            let sixYearsAgo = day2026.adding(years: -6), twoYearsAgo = day2026.adding(years: -2)
            let dates: [CivilDate?] = [sixYearsAgo, twoYearsAgo, nil]
            var seed = DirectoryState()
            for (k, a) in chosen.enumerated() {
                seed.accounts.append(Account(personID: gone[k].id, kind: .student, login: a.login!, entLogin: a.entLogin!, name: a.name!,
                                             status: .deleted, statusSince: dates[k] ?? CivilDate(year: 2012, month: 9, day: 20)!))
                for login in [a.login!, a.entLogin!] {
                    if let d = dates[k] { seed.burn(login, on: d) } else { seed.burntLogins.insert(login) }
                }
            }
            try await store.replaceDirectory(uai: uai, with: seed, appliedPlan: nil, at: Date())
            let stored = try await store.directoryState(uai: uai)
            #expect(stored.burntLogins == seed.burntLogins)
            #expect(stored.burntOn == seed.burntOn, "dates round-trip; undated rows read back undated")
            #expect(stored.burntOn[chosen[2].login!] == nil)

            let applied = try await planning.apply(uai: uai, date: day2026, expectedHash: nil, allowMassChange: false)
            let given = applied.plan.actions.filter { $0.kind == .createAccount }
                .reduce(into: [String: PlanAction]()) { $0[$1.personID!] = $1 }
            #expect(given[chosen[0].personID!]?.login == chosen[0].login, "burnt six years ago: given again")
            #expect(given[chosen[0].personID!]?.entLogin == chosen[0].entLogin)
            #expect(given[chosen[1].personID!]?.login == chosen[1].login! + "1", "burnt two years ago: still burnt")
            #expect(given[chosen[2].personID!]?.login == chosen[2].login! + "1", "burnt with no date: burnt for good")
            let after = try await store.directoryState(uai: uai)
            #expect(after.accounts.filter { $0.login == chosen[0].login }.count == 2, "the deleted account keeps its row and login")
            #expect(after.burntOn == [chosen[1].login!: twoYearsAgo, chosen[1].entLogin!: twoYearsAgo])
            #expect(after.burntLogins == [chosen[1].login!, chosen[1].entLogin!, chosen[2].login!, chosen[2].entLogin!])
        }
    }

    @Test("A generated usage name: the rename is proposed until accepted (groups follow, old login burnt, audited) or declined",
          arguments: Backend.allCases)
    func renames(backend: Backend) async throws {
        let uai = RenamedAcademy.uai
        let changes = RenamedAcademy.generated.academy.schools[0].years[1].usageNameChanges
        #expect(changes.count == 2)
        try await withStore(backend) { store, _ in
            let planning = PlanningService(store: store)
            _ = try await ImportService(store: store, today: day2025).importFiles(RenamedAcademy.files(2025))
            _ = try await planning.apply(uai: uai, date: day2025, expectedHash: nil, allowMassChange: false)
            _ = try await ImportService(store: store, today: day2026).importFiles(RenamedAcademy.files(2026))
            let plan = try await planning.plan(uai: uai, date: day2026)
            let proposals = plan.plan.actions.filter { $0.kind == .proposeRename }
            let people = try await PeopleQuery(store: store).people(uai: uai, kind: .student)
            let changedIDs = Set(changes.compactMap { c in people.first { $0.sourceId == c.sourceID }?.id })
            #expect(Set(proposals.compactMap(\.personID)) == changedIDs, "one proposal per generated usage name")
            #expect(plan.plan.summary.renamesProposed == 2)

            // The rentrée is applied; the proposals wait for a person.
            _ = try await planning.apply(uai: uai, date: day2026, expectedHash: plan.hash, allowMassChange: false)
            let waiting = try await planning.plan(uai: uai, date: day2026)
            #expect(waiting.plan.actions.map(\.kind) == [.proposeRename, .proposeRename])
            let audited = try await store.auditEntries(AuditFilter(uai: uai)).count
            _ = try await planning.apply(uai: uai, date: day2026, expectedHash: nil, allowMassChange: false)
            #expect(try await store.auditEntries(AuditFilter(uai: uai)).count == audited, "proposals alone write nothing")

            let (first, second) = (waiting.plan.actions[0], waiting.plan.actions[1])
            let oldLogin = try #require(first.login), newLogin = try #require(first.newLogin)
            let before = try await store.directoryState(uai: uai)
            let groupsBefore = before.groups.filter { $0.members.contains(oldLogin) }.map(\.name)
            #expect(groupsBefore.count >= 2, "a class and the students' role group at least: \(groupsBefore)")

            let renames = RenameService(planning: planning)
            let moment = Date(timeIntervalSince1970: 1_788_000_000)
            // The direction answers (AccessRules.renameAnswer).
            let head = try #require(try await PeopleQuery(store: store).people(uai: uai).first { $0.function == "DIR" })
            let principal = try #require(before.accounts.first { $0.personID == head.id }?.login)
            let done = try await renames.accept(uai: uai, login: oldLogin, date: day2026.adding(days: 2), by: principal,
                                                systemUser: "root", now: moment)
            #expect(done.newLogin == newLogin && done.groups.sorted() == groupsBefore.sorted())
            let after = try await store.directoryState(uai: uai)
            let account = try #require(after.accounts.first { $0.personID == first.personID })
            #expect(account.login == newLogin)
            #expect(account.entLogin == first.newEntLogin, "the plan proposed the ENT login too")
            #expect(account.name == first.name)
            for g in after.groups {
                #expect(!g.members.contains(oldLogin))
                #expect(g.members.contains(newLogin) == groupsBefore.contains(g.name), "\(g.name)")
            }
            #expect(after.burntOn[oldLogin] == day2026.adding(days: 2) && after.burntOn[first.entLogin!] == day2026.adding(days: 2))
            let entry = try #require(try await store.auditEntries(AuditFilter(event: "rename-account")).first)
            #expect(entry.actor == principal && entry.target == newLogin && entry.at == moment.formatted(.iso8601))
            #expect(entry.french.contains("décision de la direction (\(principal))") && entry.french.contains("utilisateur système root"))
            #expect(entry.french.contains("\(oldLogin) → \(newLogin)") && entry.french.contains("raison : le nom"))

            // Nothing left to do for that account, memberships included; the same rename cannot be accepted twice.
            let next = try await planning.plan(uai: uai, date: day2026.adding(days: 2))
            #expect(next.plan.actions.map(\.personID) == [second.personID])
            await #expect(throws: AccountsError.noRenameProposed(login: oldLogin, uai: uai)) {
                try await renames.accept(uai: uai, login: oldLogin, date: day2026.adding(days: 2), by: principal)
            }
            // Never an arbitrary login: only the one the plan proposes, for a login it proposes one for.
            await #expect(throws: AccountsError.self) {
                try await renames.accept(uai: uai, login: newLogin, date: day2026.adding(days: 2), by: principal)
            }

            // Declined: the person keeps their login and the plan stops proposing it.
            let kept = try #require(second.login)
            _ = try await renames.decline(uai: uai, login: kept, date: day2026.adding(days: 3), by: principal)
            #expect(try await planning.plan(uai: uai, date: day2026.adding(days: 3)).plan.actions.isEmpty)
            #expect(try await store.directoryState(uai: uai).accounts.first { $0.personID == second.personID }?.login == kept)
            #expect(try await store.declinedRenames(uai: uai)[second.personID!] == second.name)
            #expect(try await store.auditEntries(AuditFilter(event: "decline-rename")).first?.target == kept)
        }
    }

    /// Imports and applies the generated 2025 rentrée with credentials.
    func rollout(_ store: Store, _ dir: TemporaryDirectory) async throws -> (UAI, SheetVault, PasswordHasher) {
        let uai = RenamedAcademy.uai
        let hasher = PasswordHasher(rounds: 1_000)
        let vault = try SheetVault(dataDirectory: dir.path)
        _ = try await ImportService(store: store, today: day2025).importFiles(RenamedAcademy.files(2025))
        _ = try await PlanningService(store: store, credentials: CredentialIssuer(hasher: hasher, vault: vault))
            .apply(uai: uai, date: day2025, expectedHash: nil, allowMassChange: false)
        return (uai, vault, hasher)
    }

    @Test("Rights delegated by the direction; resets as the rules say, issued like new accounts, audited without the password",
          arguments: Backend.allCases)
    func rightsAndResets(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            let (uai, vault, hasher) = try await rollout(store, dir)
            let people = try await PeopleQuery(store: store).people(uai: uai)
            let accounts = try await store.directoryState(uai: uai).accounts
            func login(_ p: PersonView) -> String { accounts.first { $0.personID == p.id }!.login }
            let direction = people.filter { $0.function == "DIR" }
            #expect(direction.count == 2, "the head and the deputy")
            let principal = login(direction[0]), deputy = login(direction[1])
            let cpe = login(try #require(people.first { $0.function == "EDU" }))
            // A teacher resets the passwords of the students they teach (a service on their class or group).
            let services = try await store.services(importID: try #require(try await store.latestImport(uai: uai, source: .sts)).id)
            func reach(_ p: PersonView) -> Set<String> { Set(services.filter { $0.teacherID == p.id }.map(\.service.structureCode)) }
            let teacherView = try #require(people.filter { $0.kind == .teacher }.first { t in
                people.contains { $0.kind == .student && $0.status == .active && !reach(t).isDisjoint(with: $0.groups + [$0.division].compactMap { $0 }) }
            })
            let teacher = login(teacherView)
            let studentView = try #require(people.first {
                $0.kind == .student && $0.status == .active && !reach(teacherView).isDisjoint(with: $0.groups + [$0.division].compactMap { $0 })
            })
            let student = login(studentView)

            let rights = RightsService(store: store)
            await #expect(throws: AccountsError.refused(AccessRules.rightChange(.rupn,
                by: AccountHolder(login: teacher, kind: .teacher, status: .active, function: "ENS"),
                to: AccountHolder(login: cpe, kind: .staff, status: .active), granting: true).reason)) {
                try await rights.grant(uai: uai, right: .rupn, to: cpe, by: teacher, on: day2025)
            }
            await #expect(throws: AccountsError.self) { try await rights.grant(uai: uai, right: .rupn, to: student, by: principal, on: day2025) }
            await #expect(throws: AccountsError.unknownAccount(login: "personne", uai: uai)) {
                try await rights.grant(uai: uai, right: .rupn, to: "personne", by: principal, on: day2025)
            }
            try await rights.grant(uai: uai, right: .rupn, to: cpe, by: principal, on: day2025)
            try await rights.grant(uai: uai, right: .entManager, to: teacher, by: deputy, on: day2025)
            await #expect(throws: AccountsError.alreadyHeld(login: cpe, right: .rupn)) {
                try await rights.grant(uai: uai, right: .rupn, to: cpe, by: deputy, on: day2025)
            }
            let listed = try await rights.list(uai: uai)
            #expect(listed.map { "\($0.right.rawValue) \($0.login) \($0.grantedBy)" } == ["rupn \(cpe) \(principal)", "ent-manager \(teacher) \(deputy)"])

            // A teacher resets a student's password: a new temporary one, as apply gives.
            let day = CivilDate(year: 2025, month: 10, day: 6)!
            let credentials = try await store.credentials(uai: uai)
            try await store.markHandedOut([studentView.id], on: day2025.adding(days: 2))
            let resets = PasswordResetService(store: store, issuer: CredentialIssuer(hasher: hasher, vault: vault))
            let done = try await resets.reset(uai: uai, login: student, by: teacher, on: day)
            #expect(done.division == studentView.division && done.allowedBecause.french.contains("enseignant"))
            let renewed = try #require(try await store.credentials(uai: uai)[studentView.id])
            #expect(renewed.passwordHash != credentials[studentView.id]!.passwordHash)
            #expect(renewed.mustChange && renewed.issuedOn == day && renewed.handedOutOn == nil)
            let sheets = SheetsService(store: store, vault: vault, dataDirectory: dir.path)
            let lines = try await sheets.lines(uai: uai, selection: .division(studentView.division!), since: day)
            #expect(lines.map(\.login) == [student], "the sheet --since the reset prints only the new password")
            let password = try #require(lines.first?.temporaryPassword)
            #expect(hasher.verify(password, against: renewed.passwordHash))
            #expect(PasswordRule().check(password).isEmpty)
            let entry = try #require(try await store.auditEntries(AuditFilter(event: "password-reset")).last)
            #expect(entry.actor == teacher && entry.target == student && !entry.french.contains(password) && !entry.english.contains(password))

            // A teacher may not reset staff; the RUPN may reset anyone, until the right is revoked.
            let untouched = try await store.credentials(uai: uai)[direction[0].id]!
            await #expect(throws: AccountsError.self) { try await resets.reset(uai: uai, login: principal, by: teacher, on: day) }
            #expect(try await store.credentials(uai: uai)[direction[0].id] == untouched, "a refusal changes nothing")
            _ = try await resets.reset(uai: uai, login: principal, by: cpe, on: day)
            #expect(try await store.credentials(uai: uai)[direction[0].id]?.passwordHash != untouched.passwordHash)
            try await rights.revoke(uai: uai, right: .rupn, from: cpe, by: deputy, on: day)
            do {
                _ = try await resets.reset(uai: uai, login: teacher, by: cpe, on: day)
                Issue.record("a revoked RUPN reset a password")
            } catch let AccountsError.refused(why) {
                #expect(why.french.contains("seuls le RUPN"))
            }
            let events = try await store.auditEntries(AuditFilter(uai: uai)).map(\.event).filter { $0.contains("right") || $0.contains("reset") }
            #expect(events == ["grant-right", "grant-right", "password-reset", "password-reset", "revoke-right"])
        }
    }
}

@Suite("A write computed from a read never overwrites what changed in between")
struct LostUpdateTests {
    @Test("A protection committed between an apply's read and its write: the write is refused, the protection kept; from a fresh read it goes through; a rename the same",
          arguments: Backend.allCases)
    func protectionDuringApply(backend: Backend) async throws {
        let uai = RenamedAcademy.uai
        try await withStore(backend) { store, _ in
            try await RenamedAcademy.firstYearApplied(store)
            let read = try await store.directoryState(uai: uai)
            let (first, second) = (read.accounts[0].personID, read.accounts[1].personID)

            // An apply read the school and computed; meanwhile the RUPN protects the first account.
            try await store.setProtected(uai: uai, personID: first, true, audit: [])
            var computed = read
            computed.accounts = computed.accounts.map { var a = $0; a.status = .disabled; return a }
            await #expect(throws: StoreError.self) {
                try await store.replaceDirectory(uai: uai, with: computed, expecting: read, appliedPlan: nil, at: Date(timeIntervalSince1970: 0))
            }
            let now = try await store.directoryState(uai: uai)
            #expect(now.accounts.first { $0.personID == first }?.protected == true, "the protection is kept")
            #expect(now.accounts.allSatisfy { $0.status == .active }, "nothing of the stale write landed")

            // The same write from a fresh read goes through.
            var again = now
            again.accounts = again.accounts.map { var a = $0; if a.personID == second { a.status = .disabled }; return a }
            try await store.replaceDirectory(uai: uai, with: again, expecting: now, appliedPlan: nil, at: Date(timeIntervalSince1970: 0))
            #expect(try await store.directoryState(uai: uai).accounts.first { $0.personID == second }?.status == .disabled)

            // A rename computed before a change: refused as well.
            let beforeRename = try await store.directoryState(uai: uai)
            try await store.setProtected(uai: uai, personID: second, true, audit: [])
            var renamed = beforeRename
            let oldLogin = try #require(renamed.accounts.first { $0.personID == first }?.login)
            renamed.accounts = renamed.accounts.map { var a = $0; if a.personID == first { a.login = oldLogin + "9" }; return a }
            await #expect(throws: StoreError.self) {
                try await store.acceptRename(uai: uai, personID: first, directory: renamed, expecting: beforeRename, audit: [])
            }
            let last = try await store.directoryState(uai: uai)
            #expect(last.accounts.first { $0.personID == second }?.protected == true && last.accounts.contains { $0.login == oldLogin })
        }
    }
}

@Suite("The audit's retention keeps what explains the state in force")
struct AuditRetentionKeptTests {
    @Test("Past 12 months, an account still protected keeps its protect entry, a right still held its grant, a rename its entry while the old login is burnt; a protection lifted since and the apply's lines go")
    func keptEntries() async throws {
        let uai = RenamedAcademy.uai
        let day = CivilDate(year: 2025, month: 9, day: 3)!
        try await withStore(.sqlite) { store, _ in
            try await RenamedAcademy.firstYearApplied(store)
            let accounts = try await store.directoryState(uai: uai).accounts
            let (kept, lifted, holder) = (accounts[0], accounts[1], accounts[2])
            func entry(_ event: String, _ login: String) -> AuditEntry {
                AuditEntry(at: "2025-09-03T10:00:00Z", day: day, actor: "principal", uai: uai, event: event, target: login,
                           french: event, english: event, planHash: nil)
            }
            try await store.setProtected(uai: uai, personID: kept.personID, true, audit: [entry("protect", kept.login)])
            try await store.setProtected(uai: uai, personID: lifted.personID, true, audit: [entry("protect", lifted.login)])
            try await store.setProtected(uai: uai, personID: lifted.personID, false, audit: [entry("unprotect", lifted.login)])
            try await store.grantRight(uai: uai, RightGrant(personID: holder.personID, right: .rupn, grantedBy: "principal", grantedOn: day),
                                       audit: [entry("grant-right", holder.login)])
            try await store.audit([entry("rename-account", "ancien")])
            let before = try await store.auditEntries(AuditFilter(uai: uai)).count

            let retention = AuditRetention(store: store)
            let outcome = try await retention.purge(uai: uai, on: CivilDate(year: 2026, month: 9, day: 4)!, actor: "test")
            let left = try await store.auditEntries(AuditFilter(uai: uai)).map { "\($0.event) \($0.target ?? "")" }
            #expect(Set(left) == ["protect \(kept.login)", "grant-right \(holder.login)", "rename-account ancien", "audit-purge "], "\(left)")
            #expect(outcome.purged == before - 3 && outcome.kept.map(\.why).sorted()
                == ["compte toujours protégé", "droit toujours détenu", "l'ancien identifiant reste brûlé (journaux et documents le nomment encore)"])

            // Five years on, the old login is free again: its rename entry goes too.
            let later = try await retention.purge(uai: uai, on: CivilDate(year: 2030, month: 9, day: 4)!, actor: "test")
            #expect(later.kept.count == 2)
            #expect(!(try await store.auditEntries(AuditFilter(uai: uai)).contains { $0.event == "rename-account" }))
        }
    }
}

@Suite("The daily run's to-dos for a person: proposed renames")
struct RenameToDoTests {
    @Test("The daily run applies the rentrée and leaves the proposed renames to the RUPN as one to-do naming the logins; once both are answered, the next day closes it")
    func renamesProposed() async throws {
        let uai = RenamedAcademy.uai
        let day2026 = CivilDate(year: 2026, month: 9, day: 3)!
        try await withStore(.sqlite) { store, dir in
            let planning = PlanningService(store: store)
            try await RenamedAcademy.firstYearApplied(store)
            _ = try await ImportService(store: store, today: day2026).importFiles(RenamedAcademy.files(2026))
            let daily = try RenamedAcademy.dailyRun(store, dir: dir)
            let proposed = try await planning.plan(uai: uai, date: day2026).plan.actions.filter { $0.kind == .proposeRename }.compactMap(\.login)
            #expect(proposed.count == 2)

            let first = try await daily.runDay(uai: uai, day: day2026)
            let todo = try #require(first.todos.first { $0.kind == .renamesProposed }, "\(first.french)")
            #expect(todo.role == .rupn && proposed.allSatisfy { todo.reason.french.contains($0) }, "\(todo.reason.french)")
            #expect(first.steps.contains { $0.contains("appliqué") }, "the rentrée itself is applied: \(first.steps)")
            #expect(try await store.todos(uai: uai).filter { $0.todo.kind == .renamesProposed }.count == 1)

            let department = Acting.authority(name: "admin:departement", roles: [.department])
            _ = try await RenameService(planning: planning).accept(uai: uai, login: proposed[0], date: day2026, as: department)
            _ = try await RenameService(planning: planning).decline(uai: uai, login: proposed[1], date: day2026, as: department)
            let next = try await daily.runDay(uai: uai, day: day2026.adding(days: 1))
            #expect(!next.todos.contains { $0.kind == .renamesProposed })
            #expect(try await store.todos(uai: uai).allSatisfy { $0.todo.kind != .renamesProposed }, "closed once answered")
            #expect(try await store.todos(uai: uai, includeClosed: true).contains { $0.todo.kind == .renamesProposed && $0.closedOn == day2026.adding(days: 1) })
        }
    }
}

@Suite("The daily run's to-dos for a person: departures the school must approve")
struct ApprovalToDoTests {
    @Test("Where the calendar asks the school to validate former staff's departures (the 2024 memo), the daily run deletes none of them in the window: a to-do for the direction names them and stays open; once approved, the next day closes it and each is deleted in the window")
    func approvalNeeded() async throws {
        let uai = RenamedAcademy.uai
        let rentree = CivilDate(year: 2026, month: 9, day: 3)!
        try await withStore(.sqlite) { store, dir in
            let bundled = try String(contentsOf: CalendarStore.defaultBundledDirectory.appendingPathComponent("calendrier-2026-2027.yml"), encoding: .utf8)
            let strict = bundled.replacingOccurrences(of: "    concerne: [personnels]\n", with: "    concerne: [personnels]\n    validation_etablissement: true\n")
            try #require(strict != bundled)
            try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("calendriers"), withIntermediateDirectories: true)
            try strict.write(to: dir.url.appendingPathComponent("calendriers/2026-2027.yml"), atomically: true, encoding: .utf8)
            let daily = try RenamedAcademy.dailyRun(store, dir: dir)

            try await RenamedAcademy.firstYearApplied(store)
            _ = try await ImportService(store: store, today: rentree).importFiles(RenamedAcademy.files(2026))
            let staff2025 = Set(try await store.directoryState(uai: uai).accounts.filter { $0.kind != .student }.map(\.login))

            var day = rentree
            var asked: ToDo?
            while asked == nil && day <= CivilDate(year: 2026, month: 9, day: 30)! {
                asked = try await daily.runDay(uai: uai, day: day).todos.first { $0.kind == .approvalNeeded }
                if asked == nil { day = day.adding(days: 1) }
            }
            let todo = try #require(asked, "a to-do in the staff's deletion window")
            let former = try await store.directoryState(uai: uai).accounts.filter { $0.kind != .student && $0.status != .active && $0.status != .deleted }
            #expect(!former.isEmpty && former.allSatisfy { staff2025.contains($0.login) && todo.reason.french.contains($0.login) }, "\(todo.reason.french)")
            #expect(todo.role == .direction)
            // Past their settling period, inside the window: still nobody deleted, the to-do still open.
            while day < rentree.adding(days: 10) {
                day = day.adding(days: 1)
                _ = try await daily.runDay(uai: uai, day: day)
            }
            #expect(!(try await store.directoryState(uai: uai).accounts.contains { $0.kind != .student && $0.status == .deleted }), "nobody deleted unapproved")
            #expect(try await store.todos(uai: uai).contains { $0.todo.kind == .approvalNeeded })

            let department = Acting.authority(name: "admin:departement", roles: [.department])
            try await DepartureApprovalService(store: store).approve(uai: uai, logins: former.map(\.login), as: department, on: day)
            let next = try await daily.runDay(uai: uai, day: day.adding(days: 1))
            #expect(!next.todos.contains { $0.kind == .approvalNeeded })
            #expect(try await store.todos(uai: uai, includeClosed: true).contains { $0.todo.kind == .approvalNeeded && $0.closedOn == day.adding(days: 1) })
            // Approved, each goes on the first day of the window past their settling period.
            var last = day.adding(days: 1)
            while last < CivilDate(year: 2026, month: 9, day: 30)! {
                last = last.adding(days: 1)
                _ = try await daily.runDay(uai: uai, day: last)
            }
            let after = try await store.directoryState(uai: uai).accounts
            #expect(former.allSatisfy { f in after.first { $0.personID == f.personID }?.status == .deleted },
                    "deleted once approved: \(former.map { f in "\(f.login) \(after.first { $0.personID == f.personID }?.status.rawValue ?? "?")" })")
        }
    }
}

import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Issue 11, item 2: a lock an administrator or ppolicy put on an active account must survive
/// Bascule's sync; only the locks Bascule set itself are lifted.
@Suite("Someone else's lock: Bascule lifts only its own, on a real slapd with ppolicy")
struct ForeignLockTests {
    let day1 = CivilDate(year: 2025, month: 9, day: 3)!

    @Test("An administrator's pwdAccountLockedTime, ppolicy's lockout after failed binds and a ! put in a hash stay through the sync, which reports them; verify reports them as account-locked-by-someone-else")
    func foreignLocksStay() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        _ = try await rig.sync()
        let students = try await rig.store.directoryState(uai: uai).accounts
            .filter { $0.kind == .student && $0.status == .active }.sorted { $0.login < $1.login }
        let (compromised, guessed, hashLocked) = (students[0], students[1], students[2])
        let credentials = try await rig.store.credentials(uai: uai)
        func password(_ a: Account) throws -> String { try rig.vault.open(try #require(credentials[a.personID]?.sealedTemporary)) }
        func dn(_ a: Account) -> String { rig.layout.account(login: a.login, kind: a.kind, uai: uai) }
        func entry(_ a: Account) throws -> LDAPEntry { try #require(try rig.entries("(uid=\(a.login))").first) }
        let admin = try rig.slapd.adminConnection()
        let connector = try rig.connector()

        // An administrator locks a compromised account for good.
        try admin.modify(dn(compromised), [.add("pwdAccountLockedTime", [SchoolDirectory.permanentLock])])
        // ppolicy locks an account after failed binds: a policy of two failures, as a school sets it.
        let policy = "cn=verrouillage,\(rig.slapd.base)"
        try admin.add(policy, [("objectClass", ["top", "device", "pwdPolicy"]), ("cn", ["verrouillage"]),
                               ("pwdAttribute", ["userPassword"]), ("pwdLockout", ["TRUE"]), ("pwdMaxFailure", ["2"])])
        try admin.modify(dn(guessed), [.add("pwdPolicySubentry", [policy])])
        for _ in 0..<3 { _ = try? connector.authenticate(uai: uai, kind: .student, login: guessed.login, password: "devine-moi") }
        let lockout = try #require(try entry(guessed).first("pwdAccountLockedTime"), "ppolicy locked the account")
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: guessed.login, password: try password(guessed)))
        // Someone locks a hash the way passwd -l does.
        let hash = try #require(try entry(hashLocked).first("userPassword"))
        try admin.modify(dn(hashLocked), [.replace("userPassword", [DirectoryConvergence.lock(hash)])])

        for drift in [DriftMode.correct, .report] {
            let report = try await rig.sync(drift: drift)
            #expect(report.failures.isEmpty, "\(report.failures)")
            let touched = Set(report.operations.map { DN.normalize($0.dn) })
            for a in [compromised, guessed, hashLocked] { #expect(!touched.contains(DN.normalize(dn(a))), "\(drift): \(a.login) changed") }
            let flagged = report.findings.filter { $0.kind == .lockedBySomeoneElse }
            #expect(Set(flagged.map { DN.normalize($0.dn) }) == Set([compromised, guessed, hashLocked].map { DN.normalize(dn($0)) }),
                    "\(drift): \(report.findings.map(\.french))")
            #expect(flagged.allSatisfy { !$0.reason.french.contains(hash) }, "a hash is never shown")
        }
        #expect(try entry(compromised).first("pwdAccountLockedTime") == SchoolDirectory.permanentLock)
        #expect(try entry(guessed).first("pwdAccountLockedTime") == lockout)
        #expect(try entry(hashLocked).first("userPassword") == DirectoryConvergence.lock(hash))
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: guessed.login, password: try password(guessed)))
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: hashLocked.login, password: try password(hashLocked)))
        let audited = try await rig.store.auditEntries(AuditFilter(uai: uai, event: "annuaire-account-locked-by-someone-else"))
        #expect(Set(audited.compactMap(\.target)) == [compromised.login, guessed.login, hashLocked.login])

        let verification = try await VerificationService(store: rig.store, connector: try rig.connector())
            .verify(uai: uai, date: CivilDate(year: 2025, month: 9, day: 10)!)
        let locked = verification.findings.filter { $0.kind == .accountLockedBySomeoneElse }
        #expect(Set(locked.compactMap(\.login)) == [compromised.login, guessed.login, hashLocked.login], "\(verification.findings.map(\.kind))")
        #expect(locked.first { $0.login == guessed.login }?.what.french.contains("pwdAccountLockedTime \(lockout)") == true)
        #expect(locked.allSatisfy { $0.severity == .error && $0.fix.french.contains("à la main") })
        #expect(!verification.findings.contains { $0.kind == .accountNotActive })
    }
}

import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("A temporary password is to be changed at first login, in the real directory too")
struct FirstLoginTests {
    let day1 = CivilDate(year: 2025, month: 9, day: 3)!

    /// What the directory says of an account's password: ppolicy's `pwdReset` (operational, so
    /// asked by name) and `shadowLastChange`.
    func marks(_ rig: Rig, _ login: String) throws -> (pwdReset: String?, shadowLastChange: String?) {
        let entry = try #require(try rig.slapd.adminConnection()
            .search(base: rig.layout.school(uai), filter: "(uid=\(LDAPEscape.filterValue(login)))", attributes: ["pwdReset", "shadowLastChange"]).first)
        return (entry.first("pwdReset"), entry.first("shadowLastChange"))
    }

    @Test("After an apply every new account has pwdReset TRUE and shadowLastChange 0; a password the person chose is never marked again; a reset marks it again and its password binds at once")
    func pwdResetFollowsTemporaryPasswords() async throws {
        let rig = try await Rig.make()
        defer { Task { await rig.close() } }
        try await rig.importYear(2025, on: day1)
        try await rig.apply(day1)
        let pushed = try await rig.sync()
        #expect(pushed.failures.isEmpty, "\(pushed.failures)")
        let accounts = try rig.slapd.adminConnection().search(base: rig.layout.school(uai), filter: "(objectClass=basculeAccount)",
                                                              attributes: ["uid", "pwdReset", "shadowLastChange"])
        let state = try await rig.store.directoryState(uai: uai)
        #expect(accounts.count == state.accounts.count && accounts.count > 100)
        #expect(accounts.allSatisfy { $0.first("pwdReset") == "TRUE" && $0.first("shadowLastChange") == "0" },
                "\(accounts.filter { $0.first("pwdReset") != "TRUE" || $0.first("shadowLastChange") != "0" }.map(\.dn).prefix(3))")

        // The student changes their password themselves: ppolicy takes pwdReset away.
        let student = try #require(state.accounts.first { $0.kind == .student })
        let temporary = try rig.vault.open(try #require(try await rig.store.credentials(uai: uai)[student.personID]?.sealedTemporary))
        let dn = rig.layout.account(login: student.login, kind: .student, uai: uai)
        let own = try LDAPConnection(url: rig.slapd.url)
        try own.bind(dn: dn, password: temporary)
        try own.modify(dn, [.replace("userPassword", ["Mon-choix-2025!"])])
        #expect(try marks(rig, student.login).pwdReset == nil, "ppolicy clears pwdReset when the person sets their password")

        // The next runs leave it so: nothing to do, nothing marked again.
        let next = try await rig.sync()
        #expect(next.operations.isEmpty, "\(next.operations.map(\.french))")
        #expect(try marks(rig, student.login).pwdReset == nil)
        let connector = try rig.connector()
        #expect(try connector.authenticate(uai: uai, kind: .student, login: student.login, password: "Mon-choix-2025!"))

        // A reset pushed on its own (that account only) marks it again; its password binds at once.
        let rupn = try #require(state.accounts.first { $0.kind == .teacher })
        try await rig.store.grantRight(uai: uai, RightGrant(personID: rupn.personID, right: .rupn, grantedBy: "test", grantedOn: day1), audit: [])
        let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: 1_000), vault: rig.vault)
        _ = try await PasswordResetService(store: rig.store, issuer: issuer).reset(uai: uai, login: student.login, by: rupn.login, on: day1)
        let sync = DirectorySyncService(store: rig.store, connector: connector, layout: rig.layout)
        let reset = try await sync.syncAccount(uai: uai, personID: student.personID, actor: "test")
        #expect(reset.operations.map(\.kind) == [.modifyAccount] && reset.operations.first?.key == "person:\(student.personID)")
        #expect(reset.failures.isEmpty)
        let marked = try marks(rig, student.login)
        #expect(marked.pwdReset == "TRUE" && marked.shadowLastChange == "0")
        let fresh = try rig.vault.open(try #require(try await rig.store.credentials(uai: uai)[student.personID]?.sealedTemporary))
        #expect(try connector.authenticate(uai: uai, kind: .student, login: student.login, password: fresh))
        #expect(try !connector.authenticate(uai: uai, kind: .student, login: student.login, password: "Mon-choix-2025!"))
        #expect(try await rig.store.pendingDirectoryPasswords(uai: uai).isEmpty)
        // Journaled like a sync.
        let journal = try await rig.store.journal(uai: uai, unfinished: false)
        #expect(journal.last?.kind == "modify-account" && journal.last?.state == "done" && DN.normalize(journal.last!.dn) == DN.normalize(dn))
        #expect(try await rig.sync(dryRun: true).operations.isEmpty)
    }

    @Test("The directory's schema says the ENT login is EduConnect's expected identifier, not an issued one")
    func entLoginDescribedHonestly() async throws {
        let slapd = try SlapdServer()
        let schema = try #require(try slapd.adminConnection().search(base: "cn=Subschema", scope: .base, filter: "(objectClass=subschema)",
                                                                     attributes: ["attributeTypes"], pageSize: 0).first)
        let type = try #require(schema["attributeTypes"].first { $0.contains("NAME 'basculeEntLogin'") })
        #expect(type.contains("DESC 'Identifiant EduConnect prevu (p.nom), attribue par EduConnect"), "\(type)")
        #expect(OpenLDAPSchema.text.contains("Identifiant EduConnect prevu"))
    }
}

import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

@Suite("Login by a bind to a real slapd; the service's own TLS", .serialized)
struct DirectoryAndTLSTests {
    @Test("With a directory, a person logs in by binding as their entry (found by uid under the school's branch), never with the store's hash; their own password changes in the directory")
    func directoryLogin() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let directory = try await SchoolDirectory(school)
        let (slapd, configuration, connector) = (directory.slapd, directory.configuration, directory.connector)

        let logs = LogCapture()
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), logs: logs, configuration: configuration,
                                                      directoryPassword: slapd.adminPassword), store: school.store)
        defer { Task { await server.stop() } }
        let person = school.otherStaff
        let vault = try SheetVault(dataDirectory: school.dir.path)
        let temporary = try vault.open(try #require(try await school.store.credential(personID: person.personID)?.sealedTemporary))

        let ok = try await server.login(person.login, temporary, school: school.uai)
        #expect(ok.status == 200, "\(ok.text)")
        #expect(ok.json["aChanger"] as? Bool == true, "a temporary password is to be changed")
        #expect(try await server.login(person.login, "Pas-le-bon-2026", school: school.uai).status == 401)
        // The store's hash is not what decides when there is a directory (this one has no password there).
        #expect(try await server.login(school.taught.login, School.password, school: school.uai).status == 401)

        // Their own password, through the service: the directory has it; the old one no longer binds.
        // Until then, the session does nothing else.
        let session = try await server.session(person.login, temporary, school: school.uai)
        let refused = try await server.send(.GET, "/api/etablissements", headers: session.headers)
        #expect(refused.status == 403 && refused.json["erreur"] as? String == "mot-de-passe-provisoire", "\(refused.text)")
        let changed = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": temporary, "nouveau": "Annuaire-Choisi-2026!"],
                                            headers: session.headers)
        #expect(changed.status == 200, "\(changed.text)")
        let dn = connector.layout.account(login: person.login, kind: person.kind, uai: school.uai)
        #expect((try? LDAPConnection(url: slapd.url).bind(dn: dn, password: "Annuaire-Choisi-2026!")) != nil)
        #expect((try? LDAPConnection(url: slapd.url).bind(dn: dn, password: temporary)) == nil)
        #expect(try await server.send(.GET, "/api/etablissements", headers: session.headers).status == 200)
        let chosen = try await server.login(person.login, "Annuaire-Choisi-2026!", school: school.uai)
        #expect(chosen.status == 200 && chosen.json["aChanger"] as? Bool == false, "\(chosen.text)")

        // A password changed in the directory behind Bascule (the ENT's own page): the store still
        // holds the temporary one it issued, and that is not what the person logs in with.
        let accounts = try await school.store.directoryState(uai: school.uai).accounts.filter { $0.status == .active && $0.login != person.login }
        var elsewhere: Account?
        for a in accounts where try await school.store.credential(personID: a.personID)?.mustChange == true { elsewhere = a; break }
        let other = try #require(elsewhere)
        try slapd.adminConnection().modify(connector.layout.account(login: other.login, kind: other.kind, uai: school.uai),
                                           [.replace("userPassword", [try DirectoryPasswordHash.make("Change-Dans-L-ENT-26")])])
        let viaENT = try await server.login(other.login, "Change-Dans-L-ENT-26", school: school.uai)
        #expect(viaENT.status == 200 && viaENT.json["aChanger"] as? Bool == false, "\(viaENT.text)")
        for secret in [temporary, "Annuaire-Choisi-2026!", slapd.adminPassword] { #expect(!logs.text.contains(secret)) }
    }

    @Test("--tls-certificate and --tls-key: the service speaks HTTPS itself, and its cookies are Secure")
    func tls() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let (ca, cert, key) = try SlapdServer.makeCertificates(in: school.dir.url.appendingPathComponent("tls"))
        var configured = settings(school, clock: TestClock(rentreeMorning))
        configured.tlsCertificate = cert
        configured.tlsKey = key
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(ca)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let server = try await Running.start(configured, store: school.store, client: client)
        defer { Task { await server.stop(); try? await client.shutdown() } }
        #expect(server.scheme == "https")
        #expect(try await server.send(.GET, "/healthz").status == 200)
        let login = try await server.login(school.principal.login, School.password, school: school.uai)
        #expect(login.cookies.first { $0.hasPrefix("bascule_session=") }?.contains("Secure") == true)
        // Plain HTTP to the TLS port gets no answer from the service.
        let plain = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/healthz"), timeout: .seconds(10))
        #expect(plain == nil || plain?.status != .ok)
    }
}

@Suite("Rights through the service keep the RUPNs' folder in step, as the CLI does",
       .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
struct ReferentsThroughServiceTests {
    @Test("The principal grants rupn through the API: ReferentsInformatique opens to that uid at once; revoked, it closes")
    func referents() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let (root, configuration) = try await school.withSpaces()
        let folder = "\(root)/\(school.uai.code)/ReferentsInformatique"
        func readers() throws -> [String] {
            try ChildProcess.run("/usr/bin/getfacl", ["--omit-header", "--numeric", folder]).split(separator: "\n")
                .map(String.init).filter { $0.hasPrefix("user:") && $0.split(separator: ":", omittingEmptySubsequences: false)[1] != "" }
        }
        let before = try readers()
        #expect(before.count == 1, "the documentalist holds rupn: \(before)")

        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), configuration: configuration), store: school.store)
        defer { Task { await server.stop() } }
        let principal = try await server.session(school.principal.login, school: school.uai)
        let grant = try await server.json(.POST, "/api/etablissements/\(school.uai.code)/droits",
                                          ["droit": "rupn", "identifiant": school.teacher.login, "action": "accorder"], headers: principal.headers)
        #expect(grant.status == 200 && grant.json["espace"] as? String == "à jour", "\(grant.text)")
        #expect(try readers().count == 2)
        let revoke = try await server.json(.POST, "/api/etablissements/\(school.uai.code)/droits",
                                           ["droit": "rupn", "identifiant": school.teacher.login, "action": "retirer"], headers: principal.headers)
        #expect(revoke.status == 200)
        #expect(try readers() == before)
    }
}

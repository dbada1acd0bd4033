import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("The console against real components: the verification against slapd, the spaces' folders")
struct ConsoleDirectoryTests {
    @Test("An entry deleted from the directory behind Bascule's back: the verification page shows it with its fix, and the one-click fix puts it back")
    func oneClickFix() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let directory = try await SchoolDirectory(school)
        let (slapd, configuration, connector) = (directory.slapd, directory.configuration, directory.connector)
        // The RUPN logs in by binding: their password in the directory.
        let admin = try slapd.adminConnection()
        try admin.modify(connector.layout.account(login: school.rupn.login, kind: school.rupn.kind, uai: school.uai),
                         [.replace("userPassword", [try DirectoryPasswordHash.make(School.password)])])

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), configuration: configuration,
                                                      directoryPassword: slapd.adminPassword), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let u = school.uai.code
        func form(_ fields: [String: String]) -> Data {
            Data(fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8)
        }
        let page = try await server.send(.GET, "/console/connexion")
        let formCookie = try #require(page.cookies.first?.split(separator: ";").first.map(String.init))
        let done = try await server.send(.POST, "/console/connexion", headers: [("Cookie", formCookie)],
                                         body: form(["identifiant": school.rupn.login, "motDePasse": School.password, "etablissement": u,
                                                     "csrf": String(formCookie.split(separator: "=", maxSplits: 1).last ?? "")]),
                                         contentType: "application/x-www-form-urlencoded")
        let cookie = try #require(done.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init),
                                  "\(done.status)")

        let clean = try await server.send(.GET, "/console/etablissements/\(u)/verification", headers: [("Cookie", cookie)])
        #expect(clean.status == 200)
        #expect(clean.text.contains("annuaire LDAP"), "checked against the real directory")
        #expect(clean.text.contains("Aucun écart"), "\(clean.text.components(separatedBy: "<main").last?.prefix(1500) ?? "")")

        try admin.delete(connector.layout.account(login: school.untaught.login, kind: .student, uai: school.uai))
        let found = try await server.send(.GET, "/console/etablissements/\(u)/verification", headers: [("Cookie", cookie)])
        #expect(found.text.contains("Compte absent pour une personne des exports") && found.text.contains(school.untaught.login),
                "\(found.text.components(separatedBy: "<main").last?.prefix(2000) ?? "")")
        #expect(found.text.contains("Corriger en un clic"))
        let csrf = try #require(found.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
        let fixed = try await server.send(.POST, "/console/etablissements/\(u)/verification/corriger", headers: [("Cookie", cookie)],
                                          body: form(["csrf": csrf]), contentType: "application/x-www-form-urlencoded")
        #expect(fixed.status == 200 && fixed.text.contains("Synchronisé") && fixed.text.contains("Aucun écart"),
                "\(fixed.text.components(separatedBy: "<main").last?.prefix(2000) ?? "")")
    }

    @Test("Espaces: each space's use against its quota from real folders, a student's space over its quota flagged")
    func spacesUsage() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let root = school.dir.url.appendingPathComponent("espaces").path
        let yml = school.dir.file("bascule.yml")
        try "espaces:\n  racine: \(root)\n  quotas: { perso_eleve: 1Mo }\n".write(to: yml, atomically: true, encoding: .utf8)
        let configuration = try #require(try Configuration.load(yml.path))
        let spaces = try #require(try configuration.spacesSettings(dataDirectory: school.dir.path))
        let service = SpacesService(store: school.store, settings: spaces)
        let synced = try await service.sync(uai: school.uai, date: School.day, actor: "test")
        #expect(synced.failures.isEmpty, "\(synced.failures)")
        let row = try #require(try await service.report(uai: school.uai).spaces.first { $0.kind == .personal && $0.owner == school.taught.login })
        let folder = row.path.hasPrefix("/") ? row.path : root + "/" + row.path
        try Data(repeating: 0x42, count: 2 << 20).write(to: URL(fileURLWithPath: folder + "/devoir.odt"))

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), configuration: configuration), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let rupn = try await server.session(school.rupn.login, school: school.uai)
        let page = try await server.send(.GET, "/console/etablissements/\(school.uai.code)/espaces", headers: [("Cookie", rupn.cookie)])
        #expect(page.status == 200)
        let over = page.text.components(separatedBy: "<tr>").filter { $0.contains("au-dessus du quota") }
        #expect(over.count == 1 && over[0].contains(row.path), "\(over)")
        #expect(page.text.contains("Nettoyages prévus par le calendrier"))
        // A teacher sees no spaces page.
        let teacher = try await server.session(school.teacher.login, school: school.uai)
        #expect(try await server.send(.GET, "/console/etablissements/\(school.uai.code)/espaces", headers: [("Cookie", teacher.cookie)]).status == 403)
    }
}

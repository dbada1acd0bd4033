@testable import BasculeServer
import AsyncHTTPClient
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeLDAP
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// A school the day after a new STS-Web export: a member of administrative staff gone (their
/// account leaving), another's family name corrected (a rename proposed), and a calendar that asks
/// for the school's approval of the staff's departures (`validation_etablissement`).
struct DecisionsSchool {
    let school: School
    /// The account of the member of staff gone from STS-Web, now leaving.
    let leaving: Account
    /// The login the plan proposes to change, and the one it proposes.
    let renamed: String
    let proposed: String

    static func make() async throws -> DecisionsSchool {
        let school = try await School.make()
        let store = school.store
        // The bundled calendar with the 2024 memo's validation of the staff's departures.
        let bundled = try String(contentsOf: CalendarStore.defaultBundledDirectory.appendingPathComponent("calendrier-2026-2027.yml"), encoding: .utf8)
        let strict = bundled.replacingOccurrences(of: "    concerne: [personnels]\n", with: "    concerne: [personnels]\n    validation_etablissement: true\n")
        try #require(strict != bundled)
        try FileManager.default.createDirectory(at: school.dir.url.appendingPathComponent("calendriers"), withIntermediateDirectories: true)
        try strict.write(to: school.dir.url.appendingPathComponent("calendriers/2026-2027.yml"), atomically: true, encoding: .utf8)
        let calendar = try CalendarStore(dataDirectory: school.dir.path).calendar(for: SchoolCalendar.rolloverYear(for: School.day), school: school.uai)
        try #require(CalendarGate(calendar: calendar.calendar, on: School.day).approvalRequired.contains(.staff), "\(calendar.source)")

        // The STS-Web export: the first administrative agent (ADF) gone, the second one's names changed.
        let exports = school.dir.url.appendingPathComponent("exports")
        let sts = try #require(try FileManager.default.subpathsOfDirectory(atPath: exports.path).first { $0.lowercased().contains("sts") && $0.hasSuffix(".xml") })
        var text = try String(decoding: Data(contentsOf: exports.appendingPathComponent(sts)), as: UTF8.self)
        var out = ""
        var agents = 0
        while let open = text.range(of: "<INDIVIDU "), let close = text.range(of: "</INDIVIDU>", range: open.upperBound..<text.endIndex) {
            out += text[..<open.lowerBound]
            var block = String(text[open.lowerBound..<close.upperBound])
            if block.contains("<FONCTION>ADF</FONCTION>") {
                agents += 1
                if agents == 1 { block = "" }
                if agents == 2 {
                    for tag in ["NOM_USAGE", "NOM_PATRONYMIQUE"] {
                        let start = try #require(block.range(of: "<\(tag)>"))
                        let end = try #require(block.range(of: "</\(tag)>", range: start.upperBound..<block.endIndex))
                        block.replaceSubrange(start.upperBound..<end.lowerBound, with: "ZYGOMATIQUE")
                    }
                }
            }
            out += block
            text = String(text[close.upperBound...])
        }
        out += text
        try #require(agents >= 2, "the generator hires two administrative agents")
        let changed = school.dir.url.appendingPathComponent("sts_emp_suivant.xml")
        try Data(out.utf8).write(to: changed)
        _ = try await ImportService(store: store, today: School.day).importFiles([changed])
        let vault = try SheetVault(dataDirectory: school.dir.path)
        let planning = PlanningService(store: store, credentials: CredentialIssuer(hasher: PasswordHasher(rounds: 1_000), vault: vault),
                                       gate: { _, d in PlanningService.defaultGate(on: d) })
        _ = try await planning.apply(uai: school.uai, date: School.day, expectedHash: nil, allowMassChange: false, actor: "test")
        let state = try await store.directoryState(uai: school.uai)
        let leaving = state.accounts.filter { $0.kind == .staff && $0.status == .leaving }
        try #require(leaving.count == 1, "\(leaving.map(\.login))")
        let rename = try #require(try await planning.plan(uai: school.uai, date: School.day).plan.actions.first { $0.kind == .proposeRename })
        return DecisionsSchool(school: school, leaving: leaving[0], renamed: try #require(rename.login), proposed: try #require(rename.newLogin))
    }
}

/// The console's forms, posted as a browser without JavaScript posts them.
struct ConsoleForms {
    let server: Running
    let uai: UAI

    static func encode(_ fields: [(String, String)]) -> Data {
        let allowed = CharacterSet.alphanumerics
        return Data(fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&").utf8)
    }

    /// Logs in through the console's own form (no school for a department administrator).
    func session(_ login: String, school: UAI?) async throws -> Session {
        let page = try await server.send(.GET, "/console/connexion")
        let formCookie = try #require(page.cookies.first?.split(separator: ";").first.map(String.init))
        let token = String(formCookie.split(separator: "=", maxSplits: 1).last ?? "")
        let done = try await server.send(.POST, "/console/connexion", headers: [("Cookie", formCookie)],
                                         body: Self.encode([("identifiant", login), ("motDePasse", School.password),
                                                            ("etablissement", school?.code ?? ""), ("csrf", token)]),
                                         contentType: "application/x-www-form-urlencoded")
        try #require(done.status == 303, "login \(login): \(done.status)")
        let cookie = try #require(done.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init))
        let home = try await server.send(.GET, "/console/etablissements/\(uai.code)", headers: [("Cookie", cookie)])
        let csrf = try #require(home.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
        return Session(cookie: cookie, csrf: csrf)
    }

    func get(_ path: String, _ s: Session) async throws -> Reply {
        try await server.send(.GET, "/console/etablissements/\(uai.code)\(path)", headers: s.cookieOnly)
    }

    func post(_ path: String, _ fields: [(String, String)], _ s: Session) async throws -> Reply {
        try await server.send(.POST, "/console/etablissements/\(uai.code)\(path)", headers: s.cookieOnly,
                              body: Self.encode(fields + [("csrf", s.csrf)]), contentType: "application/x-www-form-urlencoded")
    }
}

@Suite("The console's decisions on accounts: departures, renames, protection", .serialized)
struct ConsoleDecisionsTests {
    @Test("Départs: where the calendar asks for the school's validation, the principal approves a waiting staff departure from the page (recorded, audited with their login and the day); a teacher and a CPE are refused by the access table, the RUPN by the rules for a student or a colleague still present; nothing recorded then")
    func departureApproved() async throws {
        let s = try await DecisionsSchool.make()
        let school = s.school
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let forms = ConsoleForms(server: server, uai: school.uai)
        let login = s.leaving.login

        // Someone without the right: the table refuses a teacher the page and the form; the rules
        // refuse a member of staff (a CPE) the API's approval.
        let teacher = try await forms.session(school.teacher.login, school: school.uai)
        #expect(try await forms.get("/departs", teacher).status == 403)
        let byTeacher = try await forms.post("/departs", [("identifiants[]", login)], teacher)
        #expect(byTeacher.status == 403 && byTeacher.text.contains("Refusé"), "\(byTeacher.status)")
        try await school.store.resetCredential(uai: school.uai, CredentialRow(personID: school.otherStaff.personID,
                                                                             passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                                             mustChange: false, issuedOn: School.day, sealedTemporary: nil), audit: [])
        let cpe = try await server.session(school.otherStaff.login, school: school.uai)
        let byCPE = try await server.json(.POST, "/api/etablissements/\(school.uai.code)/departs", ["identifiants": [login], "csrf": cpe.csrf],
                                          headers: cpe.headers)
        #expect(byCPE.status == 403, "\(byCPE.status) \(byCPE.text)")
        // The RUPN may open the page, but the rules refuse them a student (whose departure follows
        // Siècle-BEE) and a colleague who has not left; one refused login approves none of the others.
        let rupn = try await forms.session(school.rupn.login, school: school.uai)
        let student = try await forms.post("/departs", [("identifiants[]", login), ("identifiants[]", school.taught.login)], rupn)
        #expect(student.status == 403 && student.text.contains("ne se valide pas"), "\(student.status)")
        let present = try await forms.post("/departs", [("identifiants[]", school.otherStaff.login)], rupn)
        #expect(present.status == 409 && present.text.contains("est pas un personnel partant"),
                "\(present.status)")
        #expect(try await school.store.approvedDepartures(uai: school.uai).isEmpty, "nothing approved by those who may not")
        #expect(try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "approve-departure")).isEmpty)

        // The principal sees the departure waiting for the school, and approves it.
        let principal = try await forms.session(school.principal.login, school: school.uai)
        let page = try await forms.get("/departs", principal)
        #expect(page.status == 200 && page.text.contains("valider le départ des personnels avant la suppression"), "\(page.text.components(separatedBy: "<main").last?.prefix(1500) ?? "")")
        #expect(page.text.contains("name=\"identifiants[]\" value=\"\(login)\">"), "the departure waits, its box can be ticked")
        let approved = try await forms.post("/departs", [("identifiants[]", login)], principal)
        #expect(approved.status == 200 && approved.text.contains("Départ validé : \(login)."), "\(approved.status) \(approved.text.prefix(2000))")
        #expect(approved.text.contains("value=\"\(login)\" disabled") && approved.text.contains("départ déjà validé"))
        #expect(try await school.store.approvedDepartures(uai: school.uai) == [s.leaving.personID])
        let audit = try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "approve-departure"))
        #expect(audit.count == 1 && audit.first?.actor == school.principal.login && audit.first?.target == login, "\(audit)")
        #expect(audit.first?.french.contains("2026-09-03") == true, "\(audit.first?.french ?? "")")
        // Nothing ticked: told so, nothing more recorded.
        let none = try await forms.post("/departs", [], principal)
        #expect(none.status == 400 && none.text.contains("Cochez au moins un personnel"), "\(none.status)")
    }

    @Test("Renames: the principal accepts a proposed login change from the account's page; the store gives the account its new login, its groups follow, the audit names the principal")
    func renameAccepted() async throws {
        let s = try await DecisionsSchool.make()
        let school = s.school
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let forms = ConsoleForms(server: server, uai: school.uai)
        let groupsBefore = try await school.store.directoryState(uai: school.uai).groups.filter { $0.members.contains(s.renamed) }.map(\.name)

        let principal = try await forms.session(school.principal.login, school: school.uai)
        let page = try await forms.get("/comptes/\(s.renamed)", principal)
        #expect(page.status == 200 && page.text.contains("Changement d'identifiant proposé") && page.text.contains(s.proposed), "\(page.text.prefix(2000))")
        let accepted = try await forms.post("/comptes/\(s.renamed)/renommage", [("reponse", "accepter")], principal)
        #expect(accepted.status == 200 && accepted.text.contains("Renommage accepté : \(s.renamed) → \(s.proposed)."), "\(accepted.status) \(accepted.text.prefix(2000))")
        #expect(accepted.text.contains("<title>Compte \(s.proposed) —"), "the page shown is the account under its new login")
        let state = try await school.store.directoryState(uai: school.uai)
        #expect(state.accounts.contains { $0.login == s.proposed && $0.status == .active })
        #expect(!state.accounts.contains { $0.login == s.renamed && $0.status != .deleted })
        let groupsAfter = state.groups.filter { $0.members.contains(s.proposed) }.map(\.name)
        #expect(!groupsBefore.isEmpty && groupsAfter.sorted() == groupsBefore.sorted(), "\(groupsBefore) → \(groupsAfter)")
        let audit = try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "rename-account"))
        #expect(audit.count == 1 && audit.first?.actor == school.principal.login && audit.first?.french.contains("\(s.renamed) → \(s.proposed)") == true,
                "\(audit)")
        // The old login's page is gone; answering again finds nothing to answer.
        #expect(try await forms.get("/comptes/\(s.renamed)", principal).status == 404)
        let again = try await forms.post("/comptes/\(s.proposed)/renommage", [("reponse", "accepter")], principal)
        #expect(again.status == 422 || again.status == 404 || again.status == 409, "\(again.status)")
        #expect(try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "rename-account")).count == 1)
    }

    @Test("Renames with a real directory (slapd started by the test): accepted from the account's page, the directory follows at once, the entry under the new login, none under the old")
    func renameFollowedByDirectory() async throws {
        let s = try await DecisionsSchool.make()
        let school = s.school
        defer { Task { await school.close() } }
        let directory = try await SchoolDirectory(school)
        let (slapd, configuration, connector) = (directory.slapd, directory.configuration, directory.connector)
        // The principal logs in by binding: their password in the directory.
        let admin = try slapd.adminConnection()
        try admin.modify(connector.layout.account(login: school.principal.login, kind: school.principal.kind, uai: school.uai),
                         [.replace("userPassword", [try DirectoryPasswordHash.make(School.password)])])
        let oldDN = connector.layout.account(login: s.renamed, kind: .staff, uai: school.uai)
        let newDN = connector.layout.account(login: s.proposed, kind: .staff, uai: school.uai)
        #expect(try admin.read(oldDN) != nil && admin.read(newDN) == nil)

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), configuration: configuration,
                                                      directoryPassword: slapd.adminPassword), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let forms = ConsoleForms(server: server, uai: school.uai)
        let principal = try await forms.session(school.principal.login, school: school.uai)
        let accepted = try await forms.post("/comptes/\(s.renamed)/renommage", [("reponse", "accepter")], principal)
        #expect(accepted.status == 200 && accepted.text.contains("Renommage accepté : \(s.renamed) → \(s.proposed).") && accepted.text.contains("annuaire : "),
                "\(accepted.status) \(accepted.text.components(separatedBy: "<main").last?.prefix(1500) ?? "")")
        #expect(try admin.read(newDN) != nil, "the directory has the new login")
        #expect(try admin.read(oldDN) == nil, "and no entry under the old one")
    }

    @Test("Renames with file spaces configured: accepted from the account's page, the personal folder follows the new login at once, its files and owner kept, none left under the old",
          .enabled(if: getuid() == 0, "giving folders to the school's uids needs root, as in CI"))
    func renameFollowedBySpaces() async throws {
        let s = try await DecisionsSchool.make()
        let school = s.school
        defer { Task { await school.close() } }
        let (root, configuration) = try await school.withSpaces()
        let base = "\(root)/\(school.uai.code)/\(SpaceTree.personal)"
        let old = "\(base)/\(s.renamed)", new = "\(base)/\(s.proposed)"
        try #require(FileManager.default.fileExists(atPath: old), "the renamed person's folder before the rename")
        let owner = try #require(try FileManager.default.attributesOfItem(atPath: old)[.ownerAccountID] as? NSNumber)
        try Data("notes de l'agent".utf8).write(to: URL(fileURLWithPath: old + "/notes.txt"))

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), configuration: configuration),
                                             store: school.store, client: client)
        defer { Task { await server.stop() } }
        let forms = ConsoleForms(server: server, uai: school.uai)
        let principal = try await forms.session(school.principal.login, school: school.uai)
        let accepted = try await forms.post("/comptes/\(s.renamed)/renommage", [("reponse", "accepter")], principal)
        #expect(accepted.status == 200 && accepted.text.contains("Renommage accepté : \(s.renamed) → \(s.proposed).") && accepted.text.contains("espaces : "),
                "\(accepted.status) \(accepted.text.components(separatedBy: "<main").last?.prefix(1500) ?? "")")
        #expect(!FileManager.default.fileExists(atPath: old), "no folder left under the old login")
        #expect(try String(contentsOfFile: new + "/notes.txt", encoding: .utf8) == "notes de l'agent")
        #expect(try FileManager.default.attributesOfItem(atPath: new)[.ownerAccountID] as? NSNumber == owner)
    }

    @Test("A department administrator, who holds no account of the school, protects an account and answers a proposed rename from the console; the audit names the administrator; a teacher still may not")
    func departmentAdministratorDecides() async throws {
        let s = try await DecisionsSchool.make()
        let school = s.school
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let forms = ConsoleForms(server: server, uai: school.uai)
        try await school.store.saveDepartmentAdmin(DepartmentAdmin(login: "alice", passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                                   createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), replacing: false, audit: [])
        let alice = try await forms.session("alice", school: nil)
        let target = school.otherStaff.login

        // Protection: the form is there, the reason required, then done in the administrator's name.
        let page = try await forms.get("/comptes/\(target)", alice)
        #expect(page.status == 200 && page.text.contains("/comptes/\(target)/protection"), "the protection form is offered: \(page.status)")
        let noReason = try await forms.post("/comptes/\(target)/protection", [("proteger", "oui"), ("raison", " ")], alice)
        #expect(noReason.status == 400)
        let protected = try await forms.post("/comptes/\(target)/protection", [("proteger", "oui"), ("raison", "congé long, retour en janvier")], alice)
        #expect(protected.status == 200 && protected.text.contains("Compte protégé."), "\(protected.status) \(protected.text.components(separatedBy: "role=\"alert\">").dropFirst().first?.prefix(300) ?? "")")
        #expect(try await school.store.directoryState(uai: school.uai).accounts.first { $0.login == target }?.protected == true)
        let protection = try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "protect"))
        #expect(protection.count == 1 && protection.first?.actor == "admin:alice" && protection.first?.target == target, "\(protection)")
        #expect(protection.first?.french.contains("congé long, retour en janvier") == true && protection.first?.french.contains("service (") == true,
                "\(protection.first?.french ?? "")")

        // The proposed rename: declined in the administrator's name.
        let account = try await forms.get("/comptes/\(s.renamed)", alice)
        #expect(account.text.contains("Changement d&#39;identifiant proposé") || account.text.contains("identifiant proposé"), "the rename form is offered")
        let declined = try await forms.post("/comptes/\(s.renamed)/renommage", [("reponse", "refuser")], alice)
        #expect(declined.status == 200 && declined.text.contains("\(s.renamed) garde son identifiant"), "\(declined.status)")
        let answer = try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "decline-rename"))
        #expect(answer.count == 1 && answer.first?.actor == "admin:alice" && answer.first?.target == s.renamed, "\(answer)")

        // A teacher, who sees the student they teach, still may not protect them.
        let teacher = try await forms.session(school.teacher.login, school: school.uai)
        let refused = try await forms.post("/comptes/\(school.taught.login)/protection", [("proteger", "oui"), ("raison", "examen")], teacher)
        #expect(refused.status == 403, "\(refused.status)")
        #expect(try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "protect")).count == 1)
    }
}

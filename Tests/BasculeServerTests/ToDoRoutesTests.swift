import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Held plans confirmed, contacts and credential sheets through the API, the actor being who logged in", .serialized)
struct ToDoRoutesTests {
    static func heldPlan(_ store: Store, _ uai: UAI) async throws -> Int {
        try await store.openToDo(ToDo(kind: .planHeld, role: .rupn, uai: uai, reason: Reason("plan hors de l'ordinaire (test)", "out of the ordinary (test)"),
                                      planHash: String(repeating: "ab", count: 32)), on: School.day)
        return try #require(try await store.todos(uai: uai).first { $0.todo.kind == .planHeld }?.id)
    }

    @Test("The school's RUPN confirms a held plan with a reason; the confirmation names them whatever the body says; no reason, no CSRF, a teacher: refused")
    func confirm() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let id = try await Self.heldPlan(school.store, school.uai)
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let path = "/api/etablissements/\(school.uai.code)/taches/\(id)/confirmation"
        let rupn = try await server.session(school.rupn.login, school: school.uai)
        let teacher = try await server.session(school.teacher.login, school: school.uai)

        #expect(try await server.json(.POST, path, ["raison": "Départ massif voulu"], headers: rupn.cookieOnly).status == 403, "no CSRF token")
        #expect(try await server.json(.POST, path, ["raison": "Départ massif voulu"], headers: teacher.headers).status == 403)
        #expect(try await server.json(.POST, path, ["raison": "  "], headers: rupn.headers).status == 422)
        #expect(try await server.json(.POST, path, ["raison": "une\nautre ligne"], headers: rupn.headers).status == 422)
        #expect(try await school.store.confirmations(todoID: id).isEmpty)

        let done = try await server.json(.POST, path, ["raison": "Départ massif voulu", "par": school.principal.login,
                                                       "confirmePar": school.principal.login], headers: rupn.headers)
        #expect(done.status == 200, "\(done.text)")
        #expect(done.json["confirmePar"] as? String == school.rupn.login)
        let recorded = try await school.store.confirmations(todoID: id)
        #expect(recorded.count == 1 && recorded.first?.confirmedBy == school.rupn.login && recorded.first?.reason == "Départ massif voulu")
        // Once is enough.
        #expect(try await server.json(.POST, path, ["raison": "encore"], headers: rupn.headers).status == 409)
        #expect(try await server.json(.POST, "/api/etablissements/\(school.uai.code)/taches/abc/confirmation", ["raison": "x"],
                                      headers: rupn.headers).status == 400)
    }

    @Test("A token for one school cannot confirm another school's to-do through its own school's address")
    func otherSchoolsToDo() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let id = try await Self.heldPlan(school.store, try #require(UAI("0860002Y")))
        let (secret, hash) = APITokens.make()
        try await school.store.createToken(TokenRow(id: UUID().uuidString, name: "import", role: "rupn", schools: [school.uai.code], tokenHash: hash,
                                                    createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), audit: [])
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let token = [("Authorization", "Bearer \(secret)")]
        let reply = try await server.json(.POST, "/api/etablissements/\(school.uai.code)/taches/\(id)/confirmation", ["raison": "pas la mienne"], headers: token)
        #expect(reply.status == 404, "\(reply.text)")
        #expect(try await school.store.confirmations(todoID: id).isEmpty)
        #expect(try await server.json(.POST, "/api/etablissements/0860002Y/taches/\(id)/confirmation", ["raison": "pas la mienne"], headers: token).status == 403)
    }

    @Test("Contacts: one's own address, the direction's listing; a teacher cannot set a colleague's, a student has none")
    func contacts() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let path = "/api/etablissements/\(school.uai.code)/contacts"
        let rupn = try await server.session(school.rupn.login, school: school.uai)
        let set = try await server.json(.POST, path, ["adresse": "rupn@clg.exemple.fr"], headers: rupn.headers)
        #expect(set.status == 200, "\(set.text)")
        let principal = try await server.session(school.principal.login, school: school.uai)
        let listed = try await server.send(.GET, path, headers: principal.headers)
        #expect(listed.status == 200)
        #expect(listed.array.contains { $0["identifiant"] as? String == school.rupn.login && $0["adresse"] as? String == "rupn@clg.exemple.fr"
            && ($0["roles"] as? [String])?.contains("rupn") == true }, "\(listed.text)")
        #expect(try await server.json(.POST, path, ["identifiant": school.rupn.login, "adresse": "autre@clg.exemple.fr"], headers: principal.headers).status == 200)
        let teacher = try await server.session(school.teacher.login, school: school.uai)
        #expect(try await server.json(.POST, path, ["identifiant": school.rupn.login, "adresse": "pirate@exemple.fr"], headers: teacher.headers).status == 403)
        #expect(try await server.send(.GET, path, headers: teacher.headers).status == 403)
        let student = try await server.session(school.untaught.login, school: school.uai)
        #expect(try await server.json(.POST, path, ["adresse": "eleve@exemple.fr"], headers: student.headers).status == 403)
        #expect(try await server.json(.POST, path, ["adresse": "pas une adresse"], headers: rupn.headers).status == 422)
        let after = try await server.send(.GET, path, headers: principal.headers).array
        #expect(after.first { $0["identifiant"] as? String == school.rupn.login }?["adresse"] as? String == "autre@clg.exemple.fr")
    }

    @Test("Sheets: the RUPN any (HTML to print, CSV to download, never cached); a teacher those of a class they teach, not another's, not the staff's")
    func sheets() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let accounts = try await SchoolAccounts.load(school.store, uai: school.uai)
        let taughtClass = try #require((accounts.holder(school.teacher).teaches ?? []).intersection(accounts.holder(school.taught).structures).sorted().first)
        let untaughtClass = try #require(accounts.holder(school.untaught).structures.subtracting(accounts.holder(school.teacher).teaches ?? []).sorted().first)
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let base = "/api/etablissements/\(school.uai.code)/fiches"
        func query(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let rupn = try await server.session(school.rupn.login, school: school.uai)
        let csv = try await server.send(.GET, "\(base)?classe=\(query(untaughtClass))&format=csv", headers: rupn.headers)
        #expect(csv.status == 200)
        #expect(csv.headers["Content-Type"].first?.hasPrefix("text/csv") == true)
        #expect(csv.headers["Content-Disposition"].first?.hasPrefix("attachment") == true)
        #expect(csv.headers["Cache-Control"].first == "no-store")
        #expect(csv.text.contains(school.untaught.login))
        #expect(try await server.send(.GET, "\(base)?personnels=oui", headers: rupn.headers).status == 200)

        let teacher = try await server.session(school.teacher.login, school: school.uai)
        let mine = try await server.send(.GET, "\(base)?classe=\(query(taughtClass))", headers: teacher.headers)
        #expect(mine.status == 200, "\(mine.text.prefix(300))")
        #expect(mine.headers["Content-Type"].first?.hasPrefix("text/html") == true && mine.text.contains(school.taught.login))
        let theirs = try await server.send(.GET, "\(base)?classe=\(query(untaughtClass))", headers: teacher.headers)
        #expect(theirs.status == 403, "a class the teacher does not teach: \(theirs.text.prefix(200))")
        #expect(!theirs.text.contains(school.untaught.login))
        #expect(try await server.send(.GET, "\(base)?personnels=oui", headers: teacher.headers).status == 403)
        #expect(try await server.send(.GET, "\(base)?classe=\(query(taughtClass))&personnels=oui", headers: teacher.headers).status == 400)
        let principal = try await server.session(school.principal.login, school: school.uai)
        #expect(try await server.send(.GET, "\(base)?classe=\(query(taughtClass))", headers: principal.headers).status == 403)
    }
}

import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("GET /api/acces: may a login enter the ENT now, and why not — from memory", .serialized)
struct AccessDecisionTests {
    @Test("The rentrée closure per profile and its lifting, disabled accounts, unknown logins; the index is memory, rebuilt after changes")
    func decisions() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let (secret, hash) = APITokens.make()
        try await school.store.createToken(TokenRow(id: "sso", name: "cas", role: "acces", schools: [], tokenHash: hash,
                                                    createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), audit: [])
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let sso = [("Authorization", "Bearer \(secret)")]
        func decide(_ login: String, _ date: String) async throws -> [String: Any] {
            let reply = try await server.send(.GET, "/api/acces?login=\(login)&date=\(date)", headers: sso)
            #expect(reply.status == 200, "\(reply.text)")
            return reply.json
        }
        let student = school.taught

        // 25 August: the ENT is closed to students (until 1 September), not to staff.
        let closed = try await decide(student.login, "2026-08-25")
        #expect(closed["autorise"] as? Bool == false)
        #expect((closed["motif"] as? String ?? "").contains("fermé aux élèves jusqu'au 2026-09-01 inclus [fermeture-rentree-ent]"), "\(closed)")
        #expect(try await decide(student.entLogin, "2026-08-25")["autorise"] as? Bool == false, "by the ENT login too")
        #expect(try await decide(school.teacher.login, "2026-08-25")["autorise"] as? Bool == true)
        #expect(try await decide(student.login, "2026-09-03")["autorise"] as? Bool == true, "after the closure")

        // The principal opens the ENT to students on 27 August through the API: answered at once.
        let principal = try await server.session(school.principal.login, school: school.uai)
        let lift = try await server.json(.POST, "/api/etablissements/\(school.uai.code)/fermeture", ["date": "2026-08-27", "profils": ["students"]],
                                         headers: principal.headers)
        #expect(lift.status == 200, "\(lift.text)")
        let open = try await decide(student.login, "2026-08-27")
        #expect(open["autorise"] as? Bool == true)
        #expect((open["motif"] as? String ?? "").contains("levée avant sa fin par \(school.principal.login)"), "\(open)")
        #expect(try await decide(student.login, "2026-08-26")["autorise"] as? Bool == false, "not before the day it was lifted from")

        // Unknown login.
        let unknown = try await decide("personne.inconnue", "2026-09-03")
        #expect(unknown["autorise"] as? Bool == false && unknown["motif"] as? String == "identifiant inconnu")

        // A change made elsewhere (the CLI, another process) is not seen until the index is rebuilt:
        // no request reads the store.
        var state = try await school.store.directoryState(uai: school.uai)
        let i = try #require(state.accounts.firstIndex { $0.personID == student.personID })
        state.accounts[i].status = .disabled
        state.accounts[i].statusSince = School.day
        try await school.store.replaceDirectory(uai: school.uai, with: state, appliedPlan: nil, at: rentreeMorning)
        #expect(try await decide(student.login, "2026-09-03")["autorise"] as? Bool == true, "answered from memory")
        try await server.service.refreshAccessIndex()
        let disabled = try await decide(student.login, "2026-09-03")
        #expect(disabled["autorise"] as? Bool == false)
        #expect((disabled["motif"] as? String ?? "").contains("compte désactivé depuis le 2026-09-03"))

        // Who may ask: the single sign-on's token and the department; not a school's RUPN, not nobody.
        #expect(try await server.send(.GET, "/api/acces?login=\(student.login)").status == 401)
        let rupn = try await server.session(school.rupn.login, school: school.uai)
        #expect(try await server.send(.GET, "/api/acces?login=\(student.login)", headers: rupn.headers).status == 403)
        #expect(try await server.send(.GET, "/api/acces", headers: sso).status == 400)

        // Metrics count the decisions, in Prometheus's text format, for the department's supervision
        // only: not the world, not the ENT's token, not a school's RUPN.
        let (watcher, watcherHash) = APITokens.make()
        try await school.store.createToken(TokenRow(id: "prometheus", name: "prometheus", role: "supervision", schools: [], tokenHash: watcherHash,
                                                    createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), audit: [])
        #expect(try await server.send(.GET, "/metrics").status == 401)
        #expect(try await server.send(.GET, "/metrics", headers: sso).status == 403)
        #expect(try await server.send(.GET, "/metrics", headers: rupn.headers).status == 403)
        let metrics = try await server.send(.GET, "/metrics", headers: [("Authorization", "Bearer \(watcher)")])
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("bascule_decisions_acces_total"), "\(metrics.text.prefix(500))")
        #expect(metrics.text.contains("bascule_http_requetes_total"))
        #expect(!metrics.text.contains(student.login), "no login in a metric")
        #expect(try await server.send(.GET, "/healthz").json["etat"] as? String == "ok")
        // The supervision token reads the metrics and nothing else.
        #expect(try await server.send(.GET, "/api/acces?login=\(student.login)", headers: [("Authorization", "Bearer \(watcher)")]).status == 403)
        #expect(try await server.send(.GET, "/api/etablissements/\(school.uai.code)", headers: [("Authorization", "Bearer \(watcher)")]).status == 403)
    }

    @Test("A revoked token stops working once the token cache's 30 seconds are over")
    func revokedToken() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let (secret, hash) = APITokens.make()
        try await school.store.createToken(TokenRow(id: "t1", name: "script", role: "rupn", schools: [school.uai.code], tokenHash: hash,
                                                    createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), audit: [])
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let headers = [("Authorization", "Bearer \(secret)")]
        #expect(try await server.send(.GET, "/api/etablissements/\(school.uai.code)/taches", headers: headers).status == 200)
        _ = try await school.store.revokeToken("t1", at: rentreeMorning) { _ in [] }
        clock.advance(31)
        #expect(try await server.send(.GET, "/api/etablissements/\(school.uai.code)/taches", headers: headers).status == 401)
        #expect(try await server.send(.GET, "/api/moi", headers: [("Authorization", "Bearer bsc_faux")]).status == 401)
    }
}

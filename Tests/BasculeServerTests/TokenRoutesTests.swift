import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("API tokens through the API: a department administrator creates, lists and revokes them", .serialized)
struct TokenRoutesTests {
    @Test("Created once shown, listed without a secret, refused from the very next request once revoked; no one else may")
    func lifecycle() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        try await school.store.saveDepartmentAdmin(DepartmentAdmin(login: "alice", passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                                   createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), replacing: false, audit: [])
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let admin = try await server.session("alice", school: nil)
        let rupn = try await server.session(school.rupn.login, school: school.uai)

        #expect(try await server.json(.POST, "/api/jetons", ["nom": "cas", "role": "acces"], headers: rupn.headers).status == 403)
        #expect(try await server.json(.POST, "/api/jetons", ["nom": "import", "role": "rupn"], headers: admin.headers).status == 400, "rupn needs a school")
        #expect(try await server.json(.POST, "/api/jetons", ["nom": "tout", "role": "enseignant"], headers: admin.headers).status == 400)
        #expect(try await server.json(.POST, "/api/jetons", ["nom": "cas", "role": "acces"], headers: admin.cookieOnly).status == 403, "no CSRF token")

        let made = try await server.json(.POST, "/api/jetons", ["nom": "cas", "role": "acces"], headers: admin.headers)
        #expect(made.status == 201, "\(made.text)")
        let secret = try #require(made.json["jeton"] as? String)
        let id = try #require(made.json["id"] as? String)
        let bearer = [("Authorization", "Bearer \(secret)")]
        #expect(try await server.send(.GET, "/api/acces?login=\(school.taught.login)", headers: bearer).status == 200)

        let listed = try await server.send(.GET, "/api/jetons", headers: admin.headers)
        #expect(listed.status == 200 && listed.array.contains { $0["id"] as? String == id && $0["creePar"] as? String == "admin:alice" })
        #expect(!listed.text.contains(secret) && !listed.text.contains(APITokens.hash(secret)))

        #expect(try await server.json(.POST, "/api/jetons/\(id)/revocation", [:], headers: rupn.headers).status == 403)
        let revoked = try await server.json(.POST, "/api/jetons/\(id)/revocation", [:], headers: admin.headers)
        #expect(revoked.status == 200, "\(revoked.text)")
        // The clock has not moved: the 30 s cache would still hold the token without the service forgetting it.
        #expect(try await server.send(.GET, "/api/acces?login=\(school.taught.login)", headers: bearer).status == 401)
        #expect(try await server.json(.POST, "/api/jetons/\(id)/revocation", [:], headers: admin.headers).status == 404)
        #expect(try await server.send(.GET, "/api/jetons", headers: admin.headers).array.allSatisfy { $0["id"] as? String != id })
    }
}

import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("Every route, as every role, through the access table; the OpenAPI document and the router agree", .serialized)
struct RouteTableTests {
    @Test("OpenAPI 3.1 at /openapi.json: every registered route is documented, every documented route is routed, with the table's roles")
    func openAPI() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let reply = try await server.send(.GET, "/openapi.json")
        #expect(reply.status == 200)
        let document = reply.json
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, methods) in paths {
            for (method, operation) in methods {
                documented.insert("\(method.uppercased()) \(path)")
                if let op = (operation as? [String: Any])?["x-bascule-operation"] as? String {
                    let roles = (operation as? [String: Any])?["x-bascule-roles"] as? [String]
                    #expect(roles == AccessRules.table[try #require(AccessOperation(rawValue: op))]!.sorted().map(\.rawValue))
                }
            }
        }
        let registered = Set(server.service.registeredRoutes)
        #expect(registered.count > 15)
        #expect(registered == documented, "only routed: \(registered.subtracting(documented)); only documented: \(documented.subtracting(registered))")
        // A path in neither is not found, and says so in JSON.
        #expect(try await server.send(.GET, "/api/inconnue").status == 404)
    }

    /// Minimal requests that get past the table when it allows them (per-action rules and the
    /// state of the school may still refuse with 404, 409, 422 — never 401 or 403 for a reason
    /// the table did not give).
    static func request(_ route: String, school: School, taughtClass: String = "") -> (method: HTTPMethod, path: String, body: [String: Any]?, raw: Data?) {
        let u = school.uai.code
        switch route {
        case "GET /api/moi": return (.GET, "/api/moi", nil, nil)
        case "POST /api/moi/mot-de-passe": return (.POST, "/api/moi/mot-de-passe", ["ancien": "faux-Mot-de-passe-1", "nouveau": "Un-Nouveau-2026!"], nil)
        case "GET /api/etablissements": return (.GET, "/api/etablissements", nil, nil)
        case "GET /api/etablissements/{uai}": return (.GET, "/api/etablissements/\(u)", nil, nil)
        case "POST /api/etablissements/{uai}/imports": return (.POST, "/api/etablissements/\(u)/imports", nil, Data("<RACINE/>".utf8))
        case "GET /api/etablissements/{uai}/plan": return (.GET, "/api/etablissements/\(u)/plan", nil, nil)
        case "POST /api/etablissements/{uai}/plan/appliquer": return (.POST, "/api/etablissements/\(u)/plan/appliquer", ["empreinte": "00000000"], nil)
        case "GET /api/etablissements/{uai}/taches": return (.GET, "/api/etablissements/\(u)/taches", nil, nil)
        case "GET /api/etablissements/{uai}/comptes": return (.GET, "/api/etablissements/\(u)/comptes", nil, nil)
        case "POST /api/etablissements/{uai}/comptes/{login}/reinitialisation":
            return (.POST, "/api/etablissements/\(u)/comptes/\(school.taught.login)/reinitialisation", ["date": "2026-09-03"], nil)
        case "GET /api/etablissements/{uai}/droits": return (.GET, "/api/etablissements/\(u)/droits", nil, nil)
        case "POST /api/etablissements/{uai}/droits":
            return (.POST, "/api/etablissements/\(u)/droits", ["droit": "gar-assignment", "identifiant": school.otherStaff.login, "action": "accorder"], nil)
        case "POST /api/etablissements/{uai}/fermeture": return (.POST, "/api/etablissements/\(u)/fermeture", ["date": "2026-09-03"], nil)
        case "POST /api/etablissements/{uai}/departs": return (.POST, "/api/etablissements/\(u)/departs", ["identifiants": [school.otherStaff.login]], nil)
        case "GET /api/etablissements/{uai}/verification": return (.GET, "/api/etablissements/\(u)/verification", nil, nil)
        case "POST /api/etablissements/{uai}/taches/{id}/confirmation":
            return (.POST, "/api/etablissements/\(u)/taches/999999/confirmation", ["raison": "essai de la table"], nil)
        case "GET /api/etablissements/{uai}/contacts": return (.GET, "/api/etablissements/\(u)/contacts", nil, nil)
        case "POST /api/etablissements/{uai}/contacts": return (.POST, "/api/etablissements/\(u)/contacts", ["adresse": "moi@clg.exemple.fr"], nil)
        case "GET /api/etablissements/{uai}/fiches":
            return (.GET, "/api/etablissements/\(u)/fiches?classe=\(taughtClass.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", nil, nil)
        case "GET /api/jetons": return (.GET, "/api/jetons", nil, nil)
        case "POST /api/jetons": return (.POST, "/api/jetons", ["nom": "table", "role": "acces"], nil)
        case "POST /api/jetons/{id}/revocation": return (.POST, "/api/jetons/inconnu/revocation", [:], nil)
        case "GET /api/acces": return (.GET, "/api/acces?login=\(school.taught.login)", nil, nil)
        case "POST /api/deconnexion": return (.POST, "/api/deconnexion", [:], nil)
        case "GET /metrics": return (.GET, "/metrics", nil, nil)
        default: return (.GET, "/healthz", nil, nil)
        }
    }

    @Test("A table test: each route as the department, the direction, the RUPN, a teacher, a student, tokens, and nobody")
    func everyRouteEveryRole() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let store = school.store
        try await store.saveDepartmentAdmin(DepartmentAdmin(login: "alice", passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                            createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), replacing: false, audit: [])
        func token(_ role: String, _ schools: [String]) async throws -> String {
            let (secret, hash) = APITokens.make()
            try await store.createToken(TokenRow(id: UUID().uuidString, name: role, role: role, schools: schools, tokenHash: hash,
                                                 createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), audit: [])
            return secret
        }
        let accounts = try await SchoolAccounts.load(store, uai: school.uai)
        let taughtClass = try #require((accounts.holder(school.teacher).teaches ?? []).intersection(accounts.holder(school.taught).structures).sorted().first)
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: store)
        defer { Task { await server.stop() } }

        enum Who { case session(Session), token(String), nobody }
        let u = school.uai
        let people: [(String, Requester?, Who)] = [
            ("département", Requester(name: "admin:alice", global: [.department]), .session(try await server.session("alice", school: nil))),
            ("direction", Requester.person(AccountHolder(login: school.principal.login, kind: .staff, status: .active, function: "DIR"), at: u),
             .session(try await server.session(school.principal.login, school: u))),
            ("RUPN", Requester.person(AccountHolder(login: school.rupn.login, kind: .staff, status: .active, rights: [.rupn]), at: u),
             .session(try await server.session(school.rupn.login, school: u))),
            ("enseignant", Requester.person(AccountHolder(login: school.teacher.login, kind: .teacher, status: .active), at: u),
             .session(try await server.session(school.teacher.login, school: u))),
            ("élève", Requester.person(AccountHolder(login: school.untaught.login, kind: .student, status: .active), at: u),
             .session(try await server.session(school.untaught.login, school: u))),
            ("jeton rupn", Requester(name: "jeton", bySchool: [u: [.rupn]]), .token(try await token("rupn", [u.code]))),
            ("jeton rupn d'un autre établissement", Requester(name: "jeton", bySchool: [UAI("0999999Z")!: [.rupn]]),
             .token(try await token("rupn", ["0999999Z"]))),
            ("jeton acces", Requester(name: "jeton", global: [.access]), .token(try await token("acces", []))),
            ("jeton supervision", Requester(name: "jeton", global: [.monitoring]), .token(try await token("supervision", []))),
            ("personne", nil, .nobody),
        ]
        // Logging out last: it ends the session the other rows use.
        let routes = server.service.registeredRoutes.sorted { ($0 == "POST /api/deconnexion" ? 1 : 0, $0) < ($1 == "POST /api/deconnexion" ? 1 : 0, $1) }
        var tried = 0
        for route in routes {
            guard let op = ServiceRoutes.operation(route) else { continue }
            let r = Self.request(route, school: school, taughtClass: taughtClass)
            #expect(r.path != "/healthz", "no request written for \(route): the table test would not try it")
            for (label, requester, who) in people {
                var headers: [(String, String)] = []
                switch who {
                case .session(let s): headers = s.headers
                case .token(let t): headers = [("Authorization", "Bearer \(t)")]
                case .nobody: break
                }
                let reply = r.raw != nil
                    ? try await server.send(r.method, r.path, headers: headers, body: r.raw, contentType: "application/xml")
                    : r.body != nil ? try await server.json(r.method, r.path, r.body!, headers: headers)
                    : try await server.send(r.method, r.path, headers: headers)
                tried += 1
                guard let requester else {
                    #expect(reply.status == 401, "\(route) without credentials: \(reply.status) \(reply.text)")
                    continue
                }
                let allowed = AccessRules.route(op, by: requester, at: route.contains("{uai}") ? u : nil).isAllowed
                if allowed {
                    #expect(reply.status != 401 && !(reply.status == 403 && (reply.json["message"] as? String ?? "").contains("ne peut pas")),
                            "\(route) as \(label): \(reply.status) \(reply.text.prefix(300))")
                    #expect(reply.status < 500, "\(route) as \(label): \(reply.status) \(reply.text.prefix(300))")
                } else {
                    #expect(reply.status == 403, "\(route) as \(label): \(reply.status) \(reply.text.prefix(300))")
                    #expect((reply.json["message"] as? String ?? "").hasPrefix("Refusé"), "\(reply.text)")
                }
            }
        }
        #expect(tried > 150)
    }
}

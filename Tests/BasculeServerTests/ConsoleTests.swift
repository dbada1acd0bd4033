@testable import BasculeServer
import AsyncHTTPClient
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// The console without a browser: its templates, its forms' CSRF, what a role may open.
@Suite("The web console's pages", .serialized)
struct ConsoleTests {
    @Test("Every template parses; the layout's page body is the only unescaped value")
    func templates() {
        for (name, text) in ConsoleTemplates.all {
            #expect(Console.library.getTemplate(named: name) != nil, "\(name)")
            let unescaped = text.components(separatedBy: "{{{").count - 1 + text.components(separatedBy: "{{&").count - 1
            #expect(unescaped == (name == "layout" ? 1 : 0), "\(name): \(unescaped) unescaped value(s)")
        }
        #expect(ConsoleTemplates.layout.contains("{{{corps}}}"))
    }

    @Test("A hostile value from an export renders as text in every template that shows names")
    func hostileValuesEscaped() {
        let hostile = "\"><img src=x onerror=alert(1)><script>alert(2)</script>=CMD()"
        let row: [String: Any] = ["nom": hostile, "prenom": hostile, "identifiant": hostile, "raison": hostile, "qui": hostile, "libelle": hostile,
                                  "fichier": hostile, "motif": hostile, "code": hostile, "droit": hostile, "classes": hostile, "retenu": hostile]
        let data: [String: Any] = [
            "uai": "0860001X", "csrf": hostile, "nom": hostile, "prenom": hostile, "identifiant": hostile, "provisoire": hostile,
            "groupes": [["genre": "update-account", "libelle": "x", "nombre": 1, "actions": [row]] as [String: Any]],
            "classes": [["code": hostile, "eleves": [row]] as [String: Any]], "comptes": [row], "droits": [row], "historique": [row],
            "ecoles": [row], "taches": [row], "voitTaches": true, "peutAppliquer": true, "peutReinitialiser": true, "peutDeleguer": true,
            "masse": [hostile], "personnels": [row],
        ]
        for name in ConsoleTemplates.all.keys where name != "layout" {
            let html = Console.render(name, data)
            #expect(!html.contains("<img"), "\(name)")
            #expect(!html.contains("<script>alert"), "\(name)")
            #expect(!html.contains("\"><img"), "\(name): a value broke out of an attribute")
        }
        let page = Console.render("layout", ["titre": hostile, "corps": Console.render("plan", data), "erreur": hostile])
        #expect(!page.contains("<img") && page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("=CMD()"), "a formula is shown as the export wrote it")
    }

    @Test("The console's forms: a login with its form token, a form without the session's CSRF token refused, pages out of a role's reach refused, the API's route list untouched")
    func formsAndRoles() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        // Redirections are looked at, not followed.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let u = school.uai.code

        #expect(server.service.registeredRoutes.allSatisfy { !$0.contains("/console") })
        #expect(server.service.consoleRoutes.contains("GET /console/etablissements/{uai}/plan"))

        // Not logged in: sent to the login page, which sets its form token.
        let home = try await server.send(.GET, "/console")
        #expect(home.status == 303 && home.headers["Location"].first == "/console/connexion")
        let form = try await server.send(.GET, "/console/connexion")
        #expect(form.status == 200 && form.text.contains("<h1>Connexion</h1>"))
        let cookie = try #require(form.cookies.first?.split(separator: ";").first.map(String.init))
        let token = try #require(cookie.split(separator: "=", maxSplits: 1).last.map(String.init))
        func post(_ path: String, _ fields: [String: String], cookie: String) async throws -> Reply {
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            return try await server.send(.POST, path, headers: [("Cookie", cookie)], body: Data(body.utf8), contentType: "application/x-www-form-urlencoded")
        }
        // Without the form's token: refused, shown again with the message.
        let forged = try await post("/console/connexion", ["identifiant": school.teacher.login, "motDePasse": School.password, "etablissement": u],
                                    cookie: cookie)
        #expect(forged.status == 403 && forged.text.contains("Jeton CSRF"))
        let wrong = try await post("/console/connexion", ["identifiant": school.teacher.login, "motDePasse": "faux", "etablissement": u, "csrf": token],
                                   cookie: cookie)
        #expect(wrong.status == 401 && wrong.text.contains("Identifiant ou mot de passe incorrect"))
        let ok = try await post("/console/connexion", ["identifiant": school.teacher.login, "motDePasse": School.password, "etablissement": u, "csrf": token],
                                cookie: cookie)
        #expect(ok.status == 303)
        let session = try #require(ok.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init))

        // A teacher's own pages open; the plan and the closure are not theirs.
        let classes = try await server.send(.GET, "/console/etablissements/\(u)/classes", headers: [("Cookie", session)])
        #expect(classes.status == 200 && classes.text.contains(school.taught.login))
        #expect(!classes.text.contains(school.untaught.login), "only the students they teach")
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/plan", headers: [("Cookie", session)]).status == 403)
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/fermeture", headers: [("Cookie", session)]).status == 403)
        #expect(try await server.send(.GET, "/console/departement", headers: [("Cookie", session)]).status == 403)
        // A reset without the session's CSRF token (a forged form from another site) changes nothing.
        let csrf = try #require(classes.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
        let noToken = try await post("/console/etablissements/\(u)/reinitialisation", ["identifiant": school.taught.login], cookie: session)
        #expect(noToken.status == 403 && noToken.text.contains("Jeton CSRF"))
        let reset = try await post("/console/etablissements/\(u)/reinitialisation", ["identifiant": school.taught.login, "csrf": csrf], cookie: session)
        #expect(reset.status == 200 && reset.text.contains("id=\"provisoire\""))
        let other = try await post("/console/etablissements/\(u)/reinitialisation", ["identifiant": school.untaught.login, "csrf": csrf], cookie: session)
        #expect(other.status == 403 && !other.text.contains("id=\"provisoire\""))
    }
}

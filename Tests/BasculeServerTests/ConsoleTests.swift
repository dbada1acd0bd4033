@testable import BasculeServer
import AsyncHTTPClient
import BasculeCalendarFiles
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import HummingbirdCore
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
            // No inline handler: the policy lets only the hashed scripts run.
            #expect(text.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "\(name)")
        }
        #expect(ConsoleTemplates.layout.contains("{{{corps}}}"))
        // The scripts the policy names by their hash are the templates' own, without a tag in them.
        #expect(Console.scripts.count == 3)
        #expect(Console.scripts.allSatisfy { !$0.contains("{{") })
        #expect(!Console.contentSecurityPolicy.contains("script-src 'unsafe-inline'"))
    }

    @Test("The browser test's captures go to a temporary folder unless BASCULE_SCREENSHOTS names one (relative to the package)")
    func capturesFolder() {
        #expect(ConsoleBrowser.capturesFolder(environment: [:], temporary: "/tmp/x") == "/tmp/x")
        #expect(ConsoleBrowser.capturesFolder(environment: ["BASCULE_SCREENSHOTS": ""], temporary: "/tmp/x") == "/tmp/x")
        #expect(ConsoleBrowser.capturesFolder(environment: ["BASCULE_SCREENSHOTS": "/srv/c"], temporary: "/tmp/x") == "/srv/c")
        let relative = ConsoleBrowser.capturesFolder(environment: ["BASCULE_SCREENSHOTS": "docs/captures"], temporary: "/tmp/x")
        #expect(relative.hasSuffix("/docs/captures") && FileManager.default.fileExists(atPath: relative + "/connexion.png"), "\(relative)")
    }

    @Test("The dashboard's timeline: overlapping periods on rows of their own, the others share one; the bundled calendar's bars never overlap on a row")
    func timelineRows() throws {
        let rows = ServiceCore.lanes([(0, 50), (10, 20), (40, 30), (75, 10), (85, 5)])
        #expect(rows.lane == [0, 1, 1, 0, 1] && rows.count == 2, "\(rows)")
        let calendar = try CalendarStore(dataDirectory: nil).calendar(for: SchoolYear(startYear: 2026)).calendar
        let frise = try #require(ServiceCore.timeline(calendar, today: CivilDate(year: 2026, month: 9, day: 3)!)["frise"] as? [String: Any])
        let bars = try #require(frise["periodes"] as? [[String: Any]]).map { b in
            (left: Double(b["gauche"] as! String)!, right: Double(b["gauche"] as! String)! + Double(b["largeur"] as! String)!, top: b["haut"] as! String)
        }
        #expect(Set(bars.map(\.top)).count > 1, "the bundled calendar has overlapping periods: \(bars)")
        #expect(bars.allSatisfy { $0.left >= 0 && $0.right <= 100.05 }, "every period inside the timeline: \(bars)")
        for (i, a) in bars.enumerated() {
            for b in bars[(i + 1)...] where a.top == b.top {
                #expect(a.right <= b.left || b.right <= a.left, "\(a) and \(b) overlap on one row")
            }
        }
        // Each bar carries the number of its line in the list, and the list's lines their own.
        let timeline = ServiceCore.timeline(calendar, today: CivilDate(year: 2026, month: 9, day: 3)!)
        let lines = try #require(timeline["etapes"] as? [[String: Any]]).filter { ($0["aujourdhui"] as? Bool) == false }
        #expect(lines.compactMap { $0["numero"] as? Int } == Array(1...lines.count))
        for bar in try #require(frise["periodes"] as? [[String: Any]]) {
            let number = try #require(bar["numero"] as? Int)
            #expect(lines[number - 1]["libelle"] as? String == bar["libelle"] as? String, "bar \(number): \(bar)")
        }
        let html = Console.render("tableau", timeline)
        #expect(html.contains(">1</span>") && html.contains("value=\"1\""), "numbers drawn on the bars and given to the list")
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

        // An account's page: a student they teach, not another; no protecting for a teacher.
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/comptes/\(school.taught.login)", headers: [("Cookie", session)]).status == 200)
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/comptes/\(school.untaught.login)", headers: [("Cookie", session)]).status == 404)
        let protect = try await post("/console/etablissements/\(u)/comptes/\(school.taught.login)/protection", ["raison": "examen", "csrf": csrf], cookie: session)
        #expect(protect.status == 403, "\(protect.status)")
        #expect(try await school.store.directoryState(uai: school.uai).accounts.first { $0.login == school.taught.login }?.protected == false)

        // Sheets: a teacher picks among the classes and groups they teach, never the staff nor another class.
        let sheets = try await server.send(.GET, "/console/etablissements/\(u)/fiches", headers: [("Cookie", session)])
        #expect(sheets.status == 200 && !sheets.text.contains("value=\"personnels\""))
        let first = try #require(sheets.text.components(separatedBy: "<option value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/fiches?selection=personnels", headers: [("Cookie", session)]).status == 403)
        #expect(try await server.send(.GET, "/console/etablissements/\(u)/fiches?selection=classe:ZZZ", headers: [("Cookie", session)]).status == 403)
        let mine = try await server.send(.GET, "/console/etablissements/\(u)/fiches?selection=\(first)", headers: [("Cookie", session)])
        #expect(mine.status == 200 && mine.text.contains("class=\"fiche\""), "\(first)")
        let staffHandOut = try await post("/console/etablissements/\(u)/fiches", ["selection": "personnels", "csrf": csrf], cookie: session)
        #expect(staffHandOut.status == 403)
    }

    @Test("Uploads and forms without JavaScript: the CSRF token inside a multipart form, the size limit, a bad export named by file and line, no profile ticked lifts nothing, the plan applied by a plain form")
    func uploadsAndPlainForms() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let clock = TestClock(rentreeMorning)
        // During the rentrée closure, with a small upload limit.
        let settings = ServerSettings(dataDirectory: school.dir.path, passwordRounds: 10_000, maxUploadBytes: 64 << 10, accessIndexRefresh: 0,
                                      now: { clock.now }, today: { CivilDate(year: 2026, month: 8, day: 28)! }, logger: LogCapture().logger)
        let server = try await Running.start(settings, store: school.store, client: client)
        defer { Task { await server.stop() } }
        let u = school.uai.code

        func form(_ fields: [String: String]) -> Data {
            Data(fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8)
        }
        func session(_ login: String) async throws -> (cookie: String, csrf: String) {
            let page = try await server.send(.GET, "/console/connexion")
            let formCookie = try #require(page.cookies.first?.split(separator: ";").first.map(String.init))
            let token = String(formCookie.split(separator: "=", maxSplits: 1).last ?? "")
            let done = try await server.send(.POST, "/console/connexion", headers: [("Cookie", formCookie)],
                                             body: form(["identifiant": login, "motDePasse": School.password, "etablissement": u, "csrf": token]),
                                             contentType: "application/x-www-form-urlencoded")
            let cookie = try #require(done.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init))
            let home = try await server.send(.GET, "/console/etablissements/\(u)", headers: [("Cookie", cookie)])
            let csrf = try #require(home.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
            return (cookie, csrf)
        }
        func multipart(_ parts: [(name: String, file: String?, data: Data)]) -> (Data, String) {
            let boundary = "----bascule\(UUID().uuidString)"
            var body = Data()
            for p in parts {
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(p.name)\"\(p.file.map { "; filename=\"\($0)\"" } ?? "")\r\n\r\n".utf8)
                body += p.data + Data("\r\n".utf8)
            }
            body += Data("--\(boundary)--\r\n".utf8)
            return (body, "multipart/form-data; boundary=\(boundary)")
        }

        let rupn = try await session(school.rupn.login)
        let broken = Data("<?xml version=\"1.0\"?>\n<BEE_ELEVES>\n<PARAMETRES><UAJ>\(u)</UAJ>\n<oops".utf8)
        // Without the session's token in the multipart form: refused, nothing read.
        let (forged, type1) = multipart([("mode", nil, Data("import".utf8)), ("fichier", "eleves.xml", broken)])
        let refused = try await server.send(.POST, "/console/etablissements/\(u)/imports", headers: [("Cookie", rupn.cookie)], body: forged, contentType: type1)
        #expect(refused.status == 403 && refused.text.contains("Jeton CSRF"))
        // A bad export: the message names the person's file and the line.
        let (bad, type2) = multipart([("csrf", nil, Data(rupn.csrf.utf8)), ("mode", nil, Data("import".utf8)), ("fichier", "C:\\exports\\Eleves<b>.xml", broken)])
        let named = try await server.send(.POST, "/console/etablissements/\(u)/imports", headers: [("Cookie", rupn.cookie)], body: bad, contentType: type2)
        #expect(named.status == 422, "\(named.status)")
        #expect(named.text.contains("Eleves&lt;b&gt;.xml, ligne"), "\(named.text)")
        #expect(try await school.store.imports(uai: school.uai).count == 3, "nothing imported")
        // Over the limit: refused before anything is read.
        let (big, type3) = multipart([("csrf", nil, Data(rupn.csrf.utf8)), ("fichier", "gros.xml", Data(repeating: 0x41, count: 100 << 10))])
        let tooBig = try await server.send(.POST, "/console/etablissements/\(u)/imports", headers: [("Cookie", rupn.cookie)], body: big, contentType: type3)
        #expect(tooBig.status == 413 && tooBig.text.contains("trop gros"), "\(tooBig.status) \(tooBig.text.prefix(300))")

        // The plan applied without JavaScript: a plain form, a page back.
        let plan = try await server.send(.GET, "/console/etablissements/\(u)/plan", headers: [("Cookie", rupn.cookie)])
        let onlyRenames = try await server.send(.GET, "/console/etablissements/\(u)/plan?genre=propose-rename", headers: [("Cookie", rupn.cookie)])
        #expect(onlyRenames.status == 200 && !onlyRenames.text.contains("<h2 id=\"t-update-account\">"))
        let hash = try #require(plan.text.components(separatedBy: "<code id=\"empreinte\">").dropFirst().first?.split(separator: "<").first.map(String.init))
        // A day to come is looked at, never applied (every deletion date would be reached at once).
        let appliesBefore = try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "apply")).count
        let ahead = try await server.send(.GET, "/console/etablissements/\(u)/plan?date=2027-01-15", headers: [("Cookie", rupn.cookie)])
        #expect(ahead.status == 200)
        let aheadHash = try #require(ahead.text.components(separatedBy: "<code id=\"empreinte\">").dropFirst().first?.split(separator: "<").first.map(String.init))
        let early = try await server.send(.POST, "/console/etablissements/\(u)/plan/appliquer", headers: [("Cookie", rupn.cookie)],
                                          body: form(["csrf": rupn.csrf, "empreinte": aheadHash, "date": "2027-01-15", "confirmerChangementDeMasse": "true",
                                                      "raison": "en avance"]),
                                          contentType: "application/x-www-form-urlencoded")
        #expect(early.status == 400 && early.text.contains("2027-01-15 : après aujourd"), "\(early.status) \(early.text.prefix(300))")
        #expect(try await school.store.auditEntries(AuditFilter(uai: school.uai, event: "apply")).count == appliesBefore, "nothing applied ahead")
        let applied = try await server.send(.POST, "/console/etablissements/\(u)/plan/appliquer", headers: [("Cookie", rupn.cookie)],
                                            body: form(["csrf": rupn.csrf, "empreinte": hash, "date": "2026-08-28"]),
                                            contentType: "application/x-www-form-urlencoded")
        #expect(applied.status == 200 && applied.text.contains("Le plan est appliqué"), "\(applied.status) \(applied.text.prefix(400))")
        let stale = try await server.send(.POST, "/console/etablissements/\(u)/plan/appliquer", headers: [("Cookie", rupn.cookie)],
                                          body: form(["csrf": rupn.csrf, "empreinte": "0000000000", "date": "2026-08-28"]),
                                          contentType: "application/x-www-form-urlencoded")
        #expect(stale.status == 409, "a plan other than the one shown is not applied: \(stale.status)")

        // The RUPN protects an account, with a reason; the history shows it.
        let unprotected = try await server.send(.POST, "/console/etablissements/\(u)/comptes/\(school.untaught.login)/protection", headers: [("Cookie", rupn.cookie)],
                                                body: form(["csrf": rupn.csrf, "proteger": "oui", "raison": ""]), contentType: "application/x-www-form-urlencoded")
        #expect(unprotected.status == 400, "a reason is asked")
        let protected = try await server.send(.POST, "/console/etablissements/\(u)/comptes/\(school.untaught.login)/protection", headers: [("Cookie", rupn.cookie)],
                                              body: form(["csrf": rupn.csrf, "proteger": "oui", "raison": "examen en cours"]),
                                              contentType: "application/x-www-form-urlencoded")
        #expect(protected.status == 200 && protected.text.contains("Compte protégé") && protected.text.contains("examen en cours"), "\(protected.text.prefix(500))")
        #expect(try await school.store.directoryState(uai: school.uai).accounts.first { $0.login == school.untaught.login }?.protected == true)

        // At the rentrée, a right granted last year is flagged for review.
        try await school.store.grantRight(uai: school.uai, RightGrant(personID: school.otherStaff.personID, right: .entManager, grantedBy: "ancien-chef",
                                                                     grantedOn: CivilDate(year: 2025, month: 9, day: 1)!), audit: [])
        let rights = try await server.send(.GET, "/console/etablissements/\(u)/autorisations", headers: [("Cookie", rupn.cookie)])
        #expect(rights.text.contains("revoyez les titulaires"))
        let lastYear = try #require(rights.text.components(separatedBy: "<tr class=\"ancien\">").dropFirst().first?.components(separatedBy: "</tr>").first)
        #expect(lastYear.contains(school.otherStaff.login) && lastYear.contains("à revoir"))
        #expect(!rights.text.contains("<tr class=\"ancien\"><td>rupn</td>"), "this year's RUPN is not flagged")

        // The principal ticks nothing: nothing is lifted (the API's default would be every profile).
        let principal = try await session(school.principal.login)
        let none = try await server.send(.POST, "/console/etablissements/\(u)/fermeture", headers: [("Cookie", principal.cookie)],
                                         body: form(["csrf": principal.csrf, "entree": "fermeture-rentree-ent"]),
                                         contentType: "application/x-www-form-urlencoded")
        #expect(none.status == 400 && none.text.contains("Cochez au moins un profil"))
        #expect(try await school.store.accessLiftings(uai: school.uai).isEmpty)
        let parents = try await server.send(.POST, "/console/etablissements/\(u)/fermeture", headers: [("Cookie", principal.cookie)],
                                            body: Data("csrf=\(principal.csrf)&entree=fermeture-rentree-ent&profils%5B%5D=parents".utf8),
                                            contentType: "application/x-www-form-urlencoded")
        #expect(parents.status == 200 && parents.text.contains("Fermeture levée pour : responsables"), "\(parents.text.prefix(400))")
        #expect(try await school.store.accessLiftings(uai: school.uai).map(\.role) == [.parents])
    }

    @Test("A mass change: the plan page asks for the confirmation, the apply is refused without it, without its reason, and goes through with both")
    func massChangeConfirmation() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let u = school.uai.code
        func form(_ fields: [String: String]) -> Data {
            Data(fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8)
        }
        // The RUPN's session, through the console's login.
        let page = try await server.send(.GET, "/console/connexion")
        let formCookie = try #require(page.cookies.first?.split(separator: ";").first.map(String.init))
        let done = try await server.send(.POST, "/console/connexion", headers: [("Cookie", formCookie)],
                                         body: form(["identifiant": school.rupn.login, "motDePasse": School.password, "etablissement": u,
                                                     "csrf": String(formCookie.split(separator: "=", maxSplits: 1).last ?? "")]),
                                         contentType: "application/x-www-form-urlencoded")
        let cookie = try #require(done.cookies.first { $0.hasPrefix("bascule_session=") }?.split(separator: ";").first.map(String.init))
        let home = try await server.send(.GET, "/console/etablissements/\(u)", headers: [("Cookie", cookie)])
        let csrf = try #require(home.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))

        // A partial STS-Web export: of the staff who teach nothing, only the direction and the documentalist are left.
        let exports = school.dir.url.appendingPathComponent("exports")
        let sts = try #require(try FileManager.default.subpathsOfDirectory(atPath: exports.path).first { $0.lowercased().contains("sts") && $0.hasSuffix(".xml") })
        var text = try String(decoding: Data(contentsOf: exports.appendingPathComponent(sts)), as: UTF8.self)
        let original = text
        func teaches(_ block: Substring) -> Bool {
            guard let id = block.split(separator: "\"").dropFirst().first else { return false }
            return original.contains("<ENSEIGNANT ID=\"\(id)\"")
        }
        var kept = ""
        while let open = text.range(of: "<INDIVIDU "), let close = text.range(of: "</INDIVIDU>", range: open.upperBound..<text.endIndex) {
            kept += text[..<open.lowerBound]
            let block = text[open.lowerBound..<close.upperBound]
            if teaches(block) || block.contains("<FONCTION>DIR</FONCTION>") || block.contains("<FONCTION>DOC</FONCTION>") { kept += block }
            text = String(text[close.upperBound...])
        }
        kept += text
        let boundary = "----bascule-masse"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nimport\r\n".utf8)
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"sts.xml\"\r\n\r\n".utf8) + Data(kept.utf8)
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let uploaded = try await server.send(.POST, "/console/etablissements/\(u)/imports", headers: [("Cookie", cookie)], body: body,
                                             contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(uploaded.status == 201, "\(uploaded.status) \(uploaded.text.components(separatedBy: "role=\"alert\">").dropFirst().first?.prefix(400) ?? "")")

        let plan = try await server.send(.GET, "/console/etablissements/\(u)/plan", headers: [("Cookie", cookie)])
        #expect(plan.text.contains("Changement de masse : confirmation exigée"), "\(plan.text.prefix(1500))")
        let hash = try #require(plan.text.components(separatedBy: "<code id=\"empreinte\">").dropFirst().first?.split(separator: "<").first.map(String.init))
        func apply(_ extra: [String: String]) async throws -> Reply {
            try await server.send(.POST, "/console/etablissements/\(u)/plan/appliquer", headers: [("Cookie", cookie)],
                                  body: form(["csrf": csrf, "empreinte": hash].merging(extra) { a, _ in a }), contentType: "application/x-www-form-urlencoded")
        }
        let unconfirmed = try await apply([:])
        #expect(unconfirmed.status == 409 && unconfirmed.text.contains("Changement de masse"), "\(unconfirmed.status)")
        let noReason = try await apply(["confirmerChangementDeMasse": "true", "raison": "  "])
        #expect(noReason.status == 400 && noReason.text.contains("exige sa raison"), "\(noReason.status)")
        let confirmed = try await apply(["confirmerChangementDeMasse": "true", "raison": "export STS-Web partiel assumé"])
        #expect(confirmed.status == 200 && confirmed.text.contains("Le plan est appliqué"), "\(confirmed.status) \(confirmed.text.prefix(500))")
        let audit = try await school.store.auditEntries(AuditFilter(uai: school.uai))
        #expect(audit.contains { $0.french.contains("export STS-Web partiel assumé") }, "the reason is in the audit")
    }
}

@Suite("The console's links built from export codes")
struct ConsoleLinkTests {
    @Test("A class or group code holding &, #, +, % or a space reaches the sheets page whole: the link is percent-encoded and the server's own query parser reads the code back")
    func sheetsLinkKeepsTheCode() throws {
        let uai = try #require(UAI("0860001X"))
        for code in ["6A", "3A+B", "LV2 ESP&ALL", "4#1", "50%", "G1=G2;x", "Été-1"] {
            let link = ServiceCore.sheetsLink(uai: uai, selection: "groupe:" + code)
            #expect(link.hasPrefix("/console/etablissements/0860001X/fiches?selection=groupe:"))
            #expect(!link.contains(" ") && !link.contains("#") && link.components(separatedBy: "&").count == 1, "\(link)")
            #expect(URI(link).queryParameters["selection"].map(String.init) == "groupe:" + code, "\(code) → \(link)")
        }
    }
}

import BasculeApp
import BasculeDomain
import BasculeStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore

/// A page (or a form's target) of the web console. It goes through the same `prepare` as an API
/// route — the session, the access table, the CSRF token of a form — and most actions call the
/// API's own handler, so that the console cannot do what the API would refuse.
struct ConsoleRoute: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var operation: AccessOperation?
    /// A form sent as `multipart/form-data` with an export in it, up to the upload limit.
    var upload = false
    var handler: @Sendable (ServiceCore, Call) async throws -> Response

    var route: Route {
        Route(method: method, path: path, operation: operation, summary: "console",
              body: method == .post ? (upload ? .export : .fields(.free("formulaire"))) : nil,
              response: .free("page"), responseType: "text/html", handler: handler)
    }
}

/// The console: pages rendered on the server from Mustache templates (every value HTML-escaped),
/// in French, usable without JavaScript.
enum Console {
    static let routes: [ConsoleRoute] = [
        ConsoleRoute(method: .get, path: "/console", operation: nil, handler: { core, call in core.consoleHome(call) }),
        ConsoleRoute(method: .get, path: "/console/connexion", operation: nil, handler: { core, call in core.consoleLoginPage(call) }),
        ConsoleRoute(method: .post, path: "/console/connexion", operation: nil, handler: { core, call in await core.consoleLogin(call) }),
        ConsoleRoute(method: .post, path: "/console/deconnexion", operation: .me, handler: { core, call in try await core.consoleLogout(call) }),
        ConsoleRoute(method: .get, path: "/console/departement", operation: .schoolsList, handler: { core, call in try await core.consoleDepartment(call) }),
        ConsoleRoute(method: .get, path: "/console/mot-de-passe", operation: .ownPassword, handler: { core, call in try await core.consolePasswordPage(call) }),
        ConsoleRoute(method: .post, path: "/console/mot-de-passe", operation: .ownPassword, handler: { core, call in try await core.consolePassword(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}", operation: .schoolsList, handler: { core, call in try await core.consoleDashboard(call) }),
        // Who may confirm a held plan is the service's rule (the RUPN, the department).
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/taches/{id}/confirmation", operation: .todosList,
                     handler: { core, call in try await core.consoleConfirm(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/imports", operation: .importUpload,
                     handler: { core, call in try await core.consoleImports(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/imports", operation: .importUpload, upload: true,
                     handler: { core, call in try await core.consoleUpload(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/plan", operation: .planRead, handler: { core, call in try await core.consolePlan(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/plan/appliquer", operation: .planApply,
                     handler: { core, call in try await core.consoleApply(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/fermeture", operation: .closureLift,
                     handler: { core, call in try await core.consoleClosure(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/fermeture", operation: .closureLift,
                     handler: { core, call in try await core.consoleLift(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/autorisations", operation: .rightsList,
                     handler: { core, call in try await core.consoleRights(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/autorisations", operation: .rightsChange,
                     handler: { core, call in try await core.consoleChangeRight(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/classes", operation: .accountsList,
                     handler: { core, call in try await core.consoleClasses(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/comptes", operation: .accountsList,
                     handler: { core, call in try await core.consoleAccounts(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/comptes/{login}", operation: .accountsList,
                     handler: { core, call in try await core.consoleAccount(call) }),
        // Protecting and answering a rename: the table lets those who see accounts ask; the
        // services' own rules (the direction, the RUPN) decide.
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/comptes/{login}/protection", operation: .accountsList,
                     handler: { core, call in try await core.consoleProtect(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/comptes/{login}/renommage", operation: .accountsList,
                     handler: { core, call in try await core.consoleRename(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/reinitialisation", operation: .passwordReset,
                     handler: { core, call in try await core.consoleReset(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/fiches", operation: .sheets,
                     handler: { core, call in try await core.consoleSheets(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/fiches", operation: .sheets,
                     handler: { core, call in try await core.consoleHandOut(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/departs", operation: .departuresApprove,
                     handler: { core, call in try await core.consoleDepartures(call) }),
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/departs", operation: .departuresApprove,
                     handler: { core, call in try await core.consoleApproveDepartures(call) }),
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/verification", operation: .verification,
                     handler: { core, call in try await core.consoleVerification(call) }),
        // The one-click fix brings the directory and the spaces in step, as applying does.
        ConsoleRoute(method: .post, path: "/console/etablissements/{uai}/verification/corriger", operation: .planApply,
                     handler: { core, call in try await core.consoleFix(call) }),
        // What the spaces use is a check, as the verification is.
        ConsoleRoute(method: .get, path: "/console/etablissements/{uai}/espaces", operation: .verification,
                     handler: { core, call in try await core.consoleSpaces(call) }),
    ]

    /// The templates, parsed once. They are constants of this module: a test renders each one.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("gabarit « \(name) » invalide : \(error)")
            }
        }
        return library
    }()

    /// `data` with, for each non-empty array under a key `k`, a flag `avecK` (Mustache has no
    /// "non-empty" test that keeps the outer context), at every level.
    static func flagged(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, v) in dictionary {
                out[key] = flagged(v)
                if let array = v as? [Any], !array.isEmpty, let first = key.first {
                    out["avec" + first.uppercased() + key.dropFirst()] = true
                }
            }
            return out
        }
        if let array = value as? [Any] { return array.map(flagged) }
        return value
    }

    static func render(_ template: String, _ data: [String: Any]) -> String {
        library.render(flagged(data), withTemplate: template) ?? ""
    }

    /// A whole page: `template` rendered with `data`, inside the layout with the menu of `who`.
    static func page(_ template: String, title: String, data: [String: Any] = [:], who: Principal?, school: UAI?,
                     active: String? = nil, message: String? = nil, error: String? = nil,
                     status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var layout: [String: Any] = ["titre": title, "corps": render(template, data)]
        if let message { layout["message"] = message }
        if let error { layout["erreur"] = error }
        if let who { layout["moi"] = me(who, school: school, active: active) }
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // The pages run their own small scripts only, load nothing from elsewhere, and are never framed.
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: render("layout", layout))))
    }

    /// The browser runs the templates' own scripts only, named by their SHA-256: were a value
    /// from an export ever rendered as markup, its script would not run. Nothing is loaded from
    /// elsewhere, no page is framed, forms go back to the service.
    static let contentSecurityPolicy: String = {
        let hashes = scripts.map { "'sha256-\(Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString())'" }
        return "default-src 'none'; script-src \(hashes.joined(separator: " ")); style-src 'unsafe-inline'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }()

    /// The text of every `<script>` of the templates: they hold no Mustache tag, so they are
    /// rendered as written (a browser test runs each of them under this policy).
    static let scripts: [String] = {
        var out: [String] = []
        for name in ConsoleTemplates.all.keys.sorted() {
            var rest = ConsoleTemplates.all[name]![...]
            while let open = rest.range(of: "<script>"), let close = rest.range(of: "</script>", range: open.upperBound..<rest.endIndex) {
                out.append(String(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
        }
        return out
    }()

    /// The header's person and menu: only the pages the access table lets them open.
    static func me(_ who: Principal, school: UAI?, active: String?) -> [String: Any] {
        let requester = who.requester
        let uai = school ?? who.session?.uai
        var menu: [(String, String)] = []
        if requester.isDepartment { menu.append(("departement", "Département")) }
        if let uai {
            let base = "/console/etablissements/\(uai.code)"
            func allowed(_ op: AccessOperation) -> Bool { AccessRules.route(op, by: requester, at: uai).isAllowed }
            let roles = requester.roles(at: uai)
            menu.append((base, "Tableau de bord"))
            if allowed(.importUpload) { menu.append((base + "/imports", "Imports")) }
            if allowed(.planRead) { menu.append((base + "/plan", "Plan")) }
            if roles.contains(.teacher) { menu.append((base + "/classes", "Mes classes")) }
            if allowed(.accountsList), !roles.isDisjoint(with: [.department, .direction, .rupn]) { menu.append((base + "/comptes", "Comptes")) }
            if allowed(.sheets) { menu.append((base + "/fiches", "Fiches")) }
            if allowed(.closureLift) { menu.append((base + "/fermeture", "Fermeture rentrée")) }
            if allowed(.rightsList) { menu.append((base + "/autorisations", "Autorisations")) }
            if allowed(.departuresApprove) { menu.append((base + "/departs", "Départs")) }
            if allowed(.verification) {
                menu.append((base + "/verification", "Vérification"))
                menu.append((base + "/espaces", "Espaces"))
            }
        }
        if who.session != nil { menu.append(("mot-de-passe", "Mon mot de passe")) }
        var out: [String: Any] = [
            "nom": requester.name,
            "csrf": who.session?.csrf ?? "",
            "menu": menu.map { link, label -> [String: Any] in
                let href = link.hasPrefix("/") ? link : "/console/\(link)"
                return ["lien": href, "libelle": label, "actif": href == active]
            },
        ]
        if let uai = who.session?.uai { out["uai"] = uai.code }
        return out
    }

    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// A form's fields (`application/x-www-form-urlencoded`), each key's last value.
    static func form(_ call: Call) -> [String: String] {
        guard let body = call.body, body.readableBytes > 0 else { return [:] }
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}

/// Reads the JSON an API handler answered, so that a page shows what the API would have said.
final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

struct CollectingWriter: ResponseBodyWriter {
    let box: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var b = buffer
        box.buffer.writeBuffer(&b)
    }

    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for b in buffers { try await write(b) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Response {
    func jsonObject() async throws -> [String: Any] {
        let box = CollectedBody()
        try await body.write(CollectingWriter(box: box))
        return ((try? JSONSerialization.jsonObject(with: Data(buffer: box.buffer))) as? [String: Any]) ?? [:]
    }

    func jsonArray() async throws -> [[String: Any]] {
        let box = CollectedBody()
        try await body.write(CollectingWriter(box: box))
        return ((try? JSONSerialization.jsonObject(with: Data(buffer: box.buffer))) as? [[String: Any]]) ?? []
    }
}

/// `multipart/form-data`, as a browser sends a form with a file: the parts by name.
enum Multipart {
    struct Part {
        var name: String
        var fileName: String?
        var data: Data
    }

    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) -> [Part] {
        let body = Data(body)  // indices from 0
        let delimiter = Data(("--" + boundary).utf8)
        let separator = Data("\r\n".utf8) + delimiter
        var parts: [Part] = []
        guard var cursor = body.range(of: delimiter)?.upperBound else { return [] }
        while cursor + 2 <= body.count, body[cursor..<cursor + 2] != Data("--".utf8) {
            let headerStart = cursor + 2
            guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: headerStart..<body.count),
                  let next = body.range(of: separator, in: headerEnd.upperBound..<body.count) else { break }
            let headers = String(decoding: body[headerStart..<headerEnd.lowerBound], as: UTF8.self)
            var name: String?
            var fileName: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line))
                fileName = parameter("filename", in: String(line))
            }
            if let name { parts.append(Part(name: name, fileName: fileName, data: body[headerEnd.upperBound..<next.lowerBound])) }
            cursor = next.upperBound
        }
        return parts
    }

    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

extension ServiceCore {
    /// As ``respond(_:_:_:)``, but a refusal is a page: the login page when no one is logged in,
    /// else the French message in the layout.
    func respondConsole(_ route: Route, _ request: Request, _ context: ServerContext) async -> Response {
        await handle(route, request, context, logged: "page") { api in
            if api.code == "non-authentifie" { return (Console.redirect("/console/connexion"), nil) }
            if api.code == Self.temporaryPasswordCode { return (Console.redirect("/console/mot-de-passe"), nil) }
            let principal = try? await authenticate(request)
            return (Console.page("erreur", title: api.status == .forbidden ? "Refusé" : "Impossible", who: principal, school: nil,
                                 error: api.french, status: api.status, headers: api.headers), principal?.name)
        }
    }

    // MARK: - Logging in and out

    func consoleHome(_ call: Call) -> Response {
        guard let who = call.principal else { return Console.redirect("/console/connexion") }
        if let uai = who.session?.uai { return Console.redirect("/console/etablissements/\(uai.code)") }
        return Console.redirect(who.requester.isDepartment ? "/console/departement" : "/console/mot-de-passe")
    }

    func consoleLoginPage(_ call: Call, fields: [String: String] = [:], error: String? = nil,
                          status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        if error == nil, call.principal != nil { return consoleHome(call) }
        // The form's token in its cookie too (double submit), as GET /api/connexion does.
        let token = Secrets.random()
        var headers = headers
        headers[.setCookie] = Cookies.header(Cookies.login, token, secure: settings.secureCookies, maxAge: 3600)
        var data: [String: Any] = ["csrf": token]
        if let login = fields["identifiant"] { data["identifiant"] = String(login.prefix(64)) }
        if let school = fields["etablissement"] { data["etablissement"] = String(school.prefix(16)) }
        return Console.page("connexion", title: "Connexion", data: data, who: nil, school: nil, error: error, status: status, headers: headers)
    }

    /// The API's login (its CSRF check, its throttle), then to the person's page with the cookie.
    func consoleLogin(_ call: Call) async -> Response {
        let fields = Console.form(call)
        do {
            let answer = try await login(call)
            let json = try await answer.jsonObject()
            var headers: HTTPFields = [:]
            if let cookie = answer.headers[.setCookie] { headers[.setCookie] = cookie }
            let target = json["aChanger"] as? Bool == true ? "/console/mot-de-passe" : "/console"
            return Console.redirect(target, headers: headers)
        } catch {
            let api = APIError.from(error)
            return consoleLoginPage(call, fields: fields, error: api.french, status: api.status, headers: api.headers)
        }
    }

    func consoleLogout(_ call: Call) async throws -> Response {
        let answer = try await logout(call)
        var headers: HTTPFields = [:]
        if let cookie = answer.headers[.setCookie] { headers[.setCookie] = cookie }
        return Console.redirect("/console/connexion", headers: headers)
    }
}

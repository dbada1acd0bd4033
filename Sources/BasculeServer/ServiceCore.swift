import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's, and the address the request came from.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (the proxy's, behind one).
    public var peer: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "inconnue"
    }

    /// Uploads are read by the routes themselves, with the service's own limit.
    public var maxUploadSize: Int { 1 << 20 }
}

/// One request, once routed: who asks (if anyone), for which school, with what.
struct Call: Sendable {
    var request: Request
    var principal: Principal?
    var uai: UAI?
    var parameters: [String: String]
    var query: [String: String]
    var body: ByteBuffer?
    /// The client's address, for the login throttle.
    var address: String
    /// The name a person gave the uploaded file (the console's form), for the messages.
    var fileName: String? = nil

    /// Whoever the table let through; only routes open to all see nil.
    var who: Principal {
        get throws {
            guard let principal else { throw APIError.unauthenticated }
            return principal
        }
    }

    var school: UAI {
        get throws {
            guard let uai else { throw APIError.badRequest("Établissement manquant dans l'adresse.") }
            return uai
        }
    }

    /// The body's fields: JSON, or an HTML form's (`application/x-www-form-urlencoded`).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard let body, body.readableBytes > 0 else { throw APIError.badRequest("Corps de la requête vide : des champs sont attendus.", "empty body") }
        let data = Data(buffer: body)
        do {
            if isForm {
                return try URLEncodedFormDecoder().decode(T.self, from: String(decoding: data, as: UTF8.self))
            }
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw APIError.badRequest("Corps de la requête illisible : \(Self.describe(error))", "unreadable body")
        }
    }

    struct CSRFField: Decodable {
        var csrf: String?
    }

    var isForm: Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// A form's (URL-encoded or multipart, as the console's upload) or a JSON object's `csrf` field.
    var csrfField: String? {
        guard let body, body.readableBytes > 0 else { return nil }
        let data = Data(buffer: body)
        if let boundary = Multipart.boundary(request.headers[.contentType]) {
            return Multipart.parse(data, boundary: boundary).first { $0.name == "csrf" }.map { String(decoding: $0.data, as: UTF8.self) }
        }
        if isForm {
            // The one field, whatever the others are (a form with `profils[]` is no dictionary of strings).
            return (try? URLEncodedFormDecoder().decode(CSRFField.self, from: String(decoding: data, as: UTF8.self)))?.csrf
        }
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["csrf"] as? String
    }

    /// `date` from the query or the body's `date` field, else today.
    func day(_ given: String?, today: CivilDate) throws -> CivilDate {
        guard let text = given ?? query["date"] else { return today }
        guard let d = CivilDate(parsing: text) else { throw APIError.badRequest("date « \(text) » : attendu AAAA-MM-JJ.", "date: YYYY-MM-DD") }
        // A day to come may be looked at (a plan, the verification, the access decision), never
        // acted on: every deletion date would be reached at once, the school's validations skipped.
        if d > today, request.method != .get, request.method != .head {
            throw APIError.badRequest("date \(d) : après aujourd'hui (\(today)). Rien ne se fait en avance ; un jour à venir se consulte seulement (GET …/plan?date=).",
                                      "date after today: nothing is done ahead of time")
        }
        return d
    }

    /// What went wrong in a body, without repeating any of its values.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "champ « \(key.stringValue) » manquant"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "champ « \(c.codingPath.map(\.stringValue).joined(separator: ".")) » d'un type inattendu"
        default: "JSON ou formulaire invalide"
        }
    }
}

/// A route of the service: the one list the router is built from and the OpenAPI document is
/// written from (never two lists kept by hand).
struct Route: Sendable {
    var method: HTTPRequest.Method
    /// Hummingbird's and OpenAPI's form: `/api/etablissements/{uai}`.
    var path: String
    /// What the access table decides on; nil for the routes open to all (health, metrics, the
    /// document, the login).
    var operation: AccessOperation?
    var summary: String
    var query: [QueryParameter] = []
    var body: BodyKind? = nil
    var response: Schema
    var responseType: String = "application/json"
    var handler: @Sendable (ServiceCore, Call) async throws -> Response

    var schoolScoped: Bool { path.contains("{uai}") }
    var changesState: Bool { method != .get && method != .head }
}

/// The service's shared state: the store (one operation at a time), the in-memory access index,
/// the login throttle, the tokens seen lately, the metrics.
final class ServiceCore: Sendable {
    let settings: ServerSettings
    let access: StoreAccess
    let index = AccessIndexBox()
    let throttle: LoginThrottle
    let tokens = TokenCache()
    let metrics = ServiceMetrics()
    let calendars: CalendarStore
    let policy: PlanningPolicy
    let passwords: PasswordCheck
    let logger: Logger

    init(settings: ServerSettings, store: Store) throws {
        self.settings = settings
        access = StoreAccess(store)
        throttle = LoginThrottle(policy: settings.throttle)
        calendars = CalendarStore(dataDirectory: settings.dataDirectory)
        policy = try (settings.configuration ?? Configuration()).policy()
        logger = settings.logger
        passwords = PasswordCheck(access: access, configuration: settings.configuration, directoryPassword: settings.directoryPassword,
                                  logger: settings.logger)
    }

    var now: Date { settings.now() }
    var today: CivilDate { settings.today() }

    /// Rebuilds the access decision's index from the store.
    func refreshIndex() async throws {
        let (today, now, calendars) = (self.today, self.now, self.calendars)
        let built = try await access.run { try await AccessIndex.build(store: $0, calendars: calendars, today: today, now: now) }
        index.replace(built)
        metrics.indexed(accounts: built.accounts)
    }

    /// The calendar's verdict for a school on a day (`<data>/calendriers`, else the bundled one).
    var gate: @Sendable (UAI, CivilDate) throws -> CalendarGate {
        let calendars = self.calendars
        return { uai, day in
            CalendarGate(calendar: try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar, on: day)
        }
    }

    func issuer() throws -> CredentialIssuer {
        CredentialIssuer(hasher: PasswordHasher(rounds: settings.passwordRounds), vault: try SheetVault(dataDirectory: settings.dataDirectory))
    }

    // MARK: - Requests

    /// Runs `route` for a request: who asks, the access table, CSRF for a session's forms, the
    /// handler; every failure as JSON. Logged without personal data beyond logins.
    func respond(_ route: Route, _ request: Request, _ context: ServerContext) async -> Response {
        await handle(route, request, context, logged: "requête") { api in
            ((try? api.response(from: request, context: context)) ?? Response(status: api.status), nil)
        }
    }

    /// What every route runs in, the API's and the console's: the request prepared and handled, a
    /// failure turned into an answer by `refusal` (which may name who asked, when the failure came
    /// before the call knew it), the metrics and one log line.
    func handle(_ route: Route, _ request: Request, _ context: ServerContext, logged message: Logger.Message,
                refusal: (APIError) async -> (response: Response, who: String?)) async -> Response {
        let started = ContinuousClock.now
        var who: String?
        let response: Response
        do {
            let call = try await prepare(route, request, context)
            who = call.principal?.name
            response = try await route.handler(self, call)
        } catch {
            let api = APIError.from(error)
            if api.status == .internalServerError {
                logger.error("erreur interne", metadata: ["route": "\(route.method) \(route.path)", "cause": "\(String(reflecting: error).prefix(500))"])
            }
            let refused = await refusal(api)
            response = refused.response
            who = refused.who ?? who
        }
        let elapsed = ContinuousClock.now - started
        metrics.request(route: route, status: response.status.code, duration: elapsed)
        var meta: Logger.Metadata = ["methode": "\(route.method)", "route": "\(route.path)", "statut": "\(response.status.code)",
                                     "duree_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"]
        if let who { meta["par"] = "\(who)" }
        logger.info(message, metadata: meta)
        return response
    }

    func prepare(_ route: Route, _ request: Request, _ context: ServerContext) async throws -> Call {
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
        // A secret never travels in an address: proxies and logs keep addresses.
        if query.keys.contains(where: { ["password", "motdepasse", "mot_de_passe", "motDePasse", "token", "jeton", "nouveau", "ancien"].contains($0) }) {
            throw APIError.badRequest("Aucun secret dans l'adresse : envoyez-le dans le corps de la requête (POST).", "no secret in the URL")
        }
        var parameters: [String: String] = [:]
        for (k, v) in context.parameters { parameters[String(k)] = String(v) }
        var uai: UAI?
        if route.schoolScoped {
            guard let text = parameters["uai"], let u = UAI(text) else {
                throw APIError.badRequest("Établissement invalide dans l'adresse : un UAI est attendu (0860001X).", "invalid UAI")
            }
            uai = u
        }
        let address = clientAddress(request, peer: context.peer)
        var call = Call(request: request, principal: nil, uai: uai, parameters: parameters, query: query, body: nil, address: address)
        // Who asks and whether the table lets them, before a byte of the body is read: an upload
        // route takes 256 Mio, and no one unknown gets the service to hold that in memory.
        call.principal = try await authenticate(request)
        if let operation = route.operation {
            guard let principal = call.principal else { throw APIError.unauthenticated }
            let decision = AccessRules.route(operation, by: principal.requester, at: uai)
            guard decision.isAllowed else {
                logger.notice("refusé par la table d'accès", metadata: ["par": "\(principal.name)", "operation": "\(operation.rawValue)"])
                throw APIError.forbidden(decision.reason)
            }
            // Someone who holds a temporary password (printed on a sheet that went through other
            // hands) changes it before anything else.
            if principal.session?.mustChange == true, !Self.allowedOnTemporaryPassword.contains(operation) {
                throw APIError(.forbidden, Self.temporaryPasswordCode,
                               "Mot de passe provisoire : choisissez d'abord le vôtre (POST /api/moi/mot-de-passe).",
                               "temporary password: change it first")
            }
        }
        if let kind = route.body {
            var request = request
            var limit = 1 << 20
            if case .export = kind { limit = settings.maxUploadBytes }
            do {
                call.body = try await request.collectBody(upTo: limit)
            } catch {
                throw APIError(.contentTooLarge, "trop-gros", "Corps de la requête trop gros : au plus \(limit / 1024) Kio.", "body too large")
            }
        }
        guard route.operation != nil, let principal = call.principal else { return call }
        if route.changesState, let session = principal.session {
            let given = request.headers[Self.csrfHeader] ?? call.csrfField
            guard let given, Secrets.equal(given, session.csrf) else {
                throw APIError(.forbidden, "csrf", "Jeton CSRF absent ou invalide : rechargez la page et recommencez.", "missing or invalid CSRF token")
            }
        }
        return call
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// What a session opened with a temporary password may do: see who it is, change the password, log out.
    static let allowedOnTemporaryPassword: Set<AccessOperation> = [.me, .ownPassword]
    static let temporaryPasswordCode = "mot-de-passe-provisoire"

    /// Behind a proxy, the last address it appended to `X-Forwarded-For` (the earlier ones are
    /// the client's to write); else the peer.
    func clientAddress(_ request: Request, peer: String) -> String {
        guard settings.behindProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else { return peer }
        return forwarded.split(separator: ",").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? peer
    }

    /// The token presented, or the session's cookie; nil when neither.
    func authenticate(_ request: Request) async throws -> Principal? {
        let now = self.now
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), header.count > 7 else {
                throw APIError(.unauthorized, "non-authentifie", "En-tête Authorization : « Bearer JETON » attendu.", "Bearer token expected")
            }
            let hash = APITokens.hash(String(header.dropFirst(7)))
            let access = self.access
            let row = try await tokens.lookup(hash: hash, now: now) { try await access.run { try await $0.token(hash: hash) } }
            guard let row, row.revokedAt == nil, let requester = APITokens.requester(row) else {
                throw APIError(.unauthorized, "non-authentifie", "Jeton inconnu ou révoqué.", "unknown or revoked token")
            }
            return Principal(requester: requester, source: .token(row))
        }
        guard let cookie = Cookies.parse(request.headers[.cookie])[Cookies.session] else { return nil }
        let hash = Secrets.sha256(cookie)
        let (idle, lifetime) = (settings.sessionIdle, settings.sessionLifetime)
        return try await access.run { store -> Principal? in
            guard let session = try await store.session(idHash: hash, now: now) else { return nil }
            // Idle sessions end; each request pushes the end back (a write every few minutes at most).
            let end = min(now.addingTimeInterval(idle), session.createdAt.addingTimeInterval(lifetime))
            if end.timeIntervalSince(session.expiresAt) > 120 { try await store.extendSession(idHash: hash, until: end) }
            switch SessionKind(rawValue: session.kind) {
            case .admin:
                guard try await store.departmentAdmin(login: session.login) != nil else { return nil }
                return Principal(requester: Requester(name: "admin:\(session.login)", global: [.department]), source: .session(session))
            case .person:
                guard let uai = session.uai else { return nil }
                let school = try await SchoolAccounts.load(store, uai: uai)
                // The login's holder now, not whoever held it when the session was opened.
                guard let account = try? school.account(session.login, uai: uai), session.personID == account.personID else { return nil }
                return Principal(requester: .person(school.holder(account), at: uai), source: .session(session))
            case nil:
                return nil
            }
        }
    }
}

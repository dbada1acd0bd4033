import BasculeApp
import BasculeDomain
import BasculeImport
import BasculeStore
import Foundation
import Hummingbird
import NIOCore

/// Every refusal and failure the API answers, as JSON with a French message (and the English):
/// `{"erreur": "…", "message": "…", "english": "…"}`. Never a stack, never a secret.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable word for programs: `non-authentifie`, `interdit`, `trop-d-essais`…
    public var code: String
    public var french: String
    public var english: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ french: String, _ english: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.french = french
        self.english = english
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = try JSON.encode(["erreur": code, "message": french, "english": english])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static let unauthenticated = APIError(.unauthorized, "non-authentifie",
                                          "Authentification requise : connectez-vous (POST /api/connexion) ou présentez un jeton (Authorization: Bearer).",
                                          "Authentication required.", headers: [.wwwAuthenticate: "Bearer realm=\"bascule\""])

    static func forbidden(_ reason: Reason) -> APIError {
        APIError(.forbidden, "interdit", "Refusé : \(reason.french).", reason.english)
    }

    static func badRequest(_ french: String, _ english: String = "bad request") -> APIError {
        APIError(.badRequest, "requete-invalide", french, english)
    }

    static func notFound(_ french: String, _ english: String = "not found") -> APIError {
        APIError(.notFound, "introuvable", french, english)
    }

    /// Bascule's typed errors, as the CLI maps them to exit codes, mapped to HTTP statuses.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as AccountsError:
            switch e {
            case .unknownAccount: return APIError(.notFound, "compte-inconnu", e.french, "\(e)")
            case .refused(let why): return .forbidden(why)
            default: return APIError(.conflict, "refuse", e.french, "\(e)")
            }
        case let e as DepartureApprovalService.Refusal:
            switch e {
            case .notDeparted(let login, let uai):
                return APIError(.conflict, "pas-parti", "\(login) n'est pas un personnel partant ou désactivé de \(uai) : rien n'a été validé.", "\(e)")
            }
        case let e as ApplyRefusal:
            switch e {
            case .stale: return APIError(.conflict, "plan-perime", e.french, "\(e)")
            case .needsConfirmation: return APIError(.conflict, "confirmation-requise", e.french, "\(e)")
            case .deferred: return APIError(.conflict, "differe", e.french, "\(e)")
            case .noImports: return APIError(.notFound, "aucun-import", e.french, "\(e)")
            }
        case let e as ImportError:
            return APIError(.unprocessableContent, "import-refuse", "Import refusé : \(e.french) Rien n'a été enregistré.", "\(e)")
        case let e as VerificationError:
            return APIError(.notFound, "verification", e.french, "\(e)")
        case let e as SyncRefusal:
            return APIError(.conflict, "synchronisation-refusee", e.french, "\(e)")
        case let e as ToDoError:
            switch e {
            case .unknownToDo: return APIError(.notFound, "tache-inconnue", e.french, "\(e)")
            case .invalidReason, .invalidAddress: return APIError(.unprocessableContent, "refuse", e.french, "\(e)")
            case .notConfirmable, .closed, .alreadyConfirmed: return APIError(.conflict, "refuse", e.french, "\(e)")
            }
        case let e as StoreError:
            if case .changedMeanwhile = e { return APIError(.conflict, "modifie-entre-temps", e.french, "changed meanwhile") }
            return APIError(.internalServerError, "erreur-interne", "Erreur interne du service : voir le journal du serveur.", "internal error")
        case let e as ConfigurationError:
            return APIError(.internalServerError, "configuration", e.french, "\(e)")
        default:
            // The detail goes to the log (logins only), not to the client.
            return APIError(.internalServerError, "erreur-interne", "Erreur interne du service : voir le journal du serveur.", "internal error")
        }
    }
}

/// JSON as the API writes it: sorted keys, ISO dates, no escaped slashes.
enum JSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }
}

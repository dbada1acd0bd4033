import BasculeDomain
import Foundation

/// `/openapi.json`: OpenAPI 3.1, written from the route table (``ServiceCore/routes``), so that the
/// document and the router cannot disagree. Each operation says which roles the access table
/// lets through (`x-bascule-roles`).
public enum OpenAPIDocument {
    static func document(_ routes: [Route]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            var operation: [String: Any] = [
                "summary": route.summary,
                "operationId": "\(route.method.rawValue.lowercased())\(route.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))",
            ]
            var parameters: [[String: Any]] = []
            for name in pathParameters(route.path) {
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"],
                                   "description": name == "uai" ? "UAI de l'établissement (0860001X)" : name == "id" ? "numéro de la tâche, ou identifiant du jeton" : "identifiant du compte"])
            }
            for q in route.query {
                parameters.append(["name": q.name, "in": "query", "required": q.required, "schema": ["type": "string"], "description": q.description])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            switch route.body {
            case .fields(let schema):
                operation["requestBody"] = ["required": true, "content": [
                    "application/json": ["schema": schema.json],
                    "application/x-www-form-urlencoded": ["schema": schema.json],
                ]]
            case .export:
                operation["requestBody"] = ["required": true, "description": "l'export tel que Siècle-BEE ou STS-Web le livre", "content": [
                    "application/xml": ["schema": ["type": "string"]],
                    "application/zip": ["schema": ["type": "string", "contentEncoding": "binary"]],
                    "application/octet-stream": ["schema": ["type": "string", "contentEncoding": "binary"]],
                ]]
            case nil:
                break
            }
            var responses: [String: Any] = [
                route.method == .post && route.path.hasSuffix("/imports") ? "201" : "200":
                    ["description": "succès", "content": [route.responseType: ["schema": route.response.json]]],
            ]
            let error: [String: Any] = ["content": ["application/json": ["schema": Schema.error.json]]]
            responses["400"] = error.merging(["description": "requête invalide"]) { a, _ in a }
            if let op = route.operation {
                responses["401"] = error.merging(["description": "non authentifié"]) { a, _ in a }
                responses["403"] = error.merging(["description": "refusé par la table d'accès (ou jeton CSRF absent)"]) { a, _ in a }
                operation["security"] = [["session": [String]()], ["jeton": [String]()]]
                operation["x-bascule-operation"] = op.rawValue
                operation["x-bascule-roles"] = (AccessRules.table[op] ?? []).sorted().map(\.rawValue)
            } else {
                operation["security"] = [[String: [String]]()]
            }
            if route.path == "/api/connexion", route.method == .post {
                responses["429"] = error.merging(["description": "trop d'essais : Retry-After dit dans combien de secondes"]) { a, _ in a }
            }
            operation["responses"] = responses
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Bascule",
                "version": "1",
                "description": "L'API de bascule serve : chaque route passe par la table d'accès (AccessRules) ; erreurs en JSON avec un message en français.",
            ],
            "paths": paths,
            "components": ["securitySchemes": [
                "jeton": ["type": "http", "scheme": "bearer", "description": "jeton créé par bascule token create (rôle, établissements)"],
                "session": ["type": "apiKey", "in": "cookie", "name": Cookies.session,
                            "description": "session ouverte par POST /api/connexion ; jeton CSRF (X-CSRF-Token ou champ csrf) sur chaque requête qui modifie"],
            ]],
        ]
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func data(_ routes: [Route]) throws -> Data {
        try JSONSerialization.data(withJSONObject: document(routes), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The document the service serves.
    public static var json: Data { get throws { try data(ServiceCore.routes) } }
}

/// The route table as others read it (tests, docs): `GET /api/acces` and its operation.
public enum ServiceRoutes {
    /// Every route, `METHOD /path`.
    public static var all: [String] { ServiceCore.routes.map { "\($0.method) \($0.path)" } }

    /// The operation the access table decides for a route; nil for the routes open to all.
    public static func operation(_ route: String) -> AccessOperation? {
        ServiceCore.routes.first { "\($0.method) \($0.path)" == route }?.operation
    }
}

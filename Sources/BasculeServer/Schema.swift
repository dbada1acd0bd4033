import Foundation

/// A JSON Schema fragment, as the OpenAPI document describes a request or a response.
indirect enum Schema: Sendable {
    case string(String)
    case integer(String)
    case boolean(String)
    case array(Schema, String)
    case object([(String, Schema)], required: [String], String)
    /// Any JSON value (a plan, a report: described where they are documented).
    case free(String)
    case enumeration([String], String)

    var json: [String: Any] {
        switch self {
        case .string(let d): ["type": "string", "description": d]
        case .integer(let d): ["type": "integer", "description": d]
        case .boolean(let d): ["type": "boolean", "description": d]
        case .array(let items, let d): ["type": "array", "items": items.json, "description": d]
        case .object(let properties, let required, let d):
            ["type": "object", "description": d,
             "properties": Dictionary(properties.map { ($0.0, $0.1.json) }, uniquingKeysWith: { a, _ in a }),
             "required": required]
        case .free(let d): ["description": d]
        case .enumeration(let values, let d): ["type": "string", "enum": values, "description": d]
        }
    }

    static func object(_ d: String, required: [String] = [], _ properties: (String, Schema)...) -> Schema {
        .object(properties, required: required, d)
    }

    static let error = Schema.object("Erreur : un mot pour les programmes, le message en français, en anglais.",
                                     required: ["erreur", "message"],
                                     ("erreur", .string("non-authentifie, interdit, trop-d-essais, requete-invalide, introuvable…")),
                                     ("message", .string("en français")), ("english", .string("in English")))
}

/// A query parameter of a route.
struct QueryParameter: Sendable {
    var name: String
    var required: Bool
    var description: String
}

/// What a route reads in its body.
enum BodyKind: Sendable {
    /// JSON, or the same fields as an HTML form (`application/x-www-form-urlencoded`).
    case fields(Schema)
    /// An export's bytes as they are (XML or ZIP), up to the upload limit.
    case export
}

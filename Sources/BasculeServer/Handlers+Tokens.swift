import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import Hummingbird

/// API tokens through the API (the department's administrators): as `bascule token create`, `list`
/// and `revoke`, the audit naming the administrator.
extension ServiceCore {
    struct TokenLine: Encodable {
        var id: String
        var nom: String
        var role: String
        var etablissements: [String]
        var creeLe: String
        var creePar: String
        var revoqueLe: String?
    }

    static func line(_ t: TokenRow) -> TokenLine {
        TokenLine(id: t.id, nom: t.name, role: t.role, etablissements: t.schools, creeLe: t.createdAt, creePar: t.createdBy, revoqueLe: t.revokedAt)
    }

    func tokensList(_ call: Call) async throws -> Response {
        let all = call.query["tous"] == "oui"
        let rows = try await access.run { try await $0.tokens() }.filter { all || $0.revokedAt == nil }
        return try JSON.response(rows.map(Self.line))
    }

    struct TokenFields: Decodable {
        var nom: String
        var role: String
        var etablissements: [String]?
    }

    struct NewToken: Encodable {
        var jeton: String
        var id: String
        var message: String
    }

    func createToken(_ call: Call) async throws -> Response {
        let who = try call.who
        let fields = try call.decode(TokenFields.self)
        guard let role = AccessRole(rawValue: fields.role), APITokens.roles.contains(role) else {
            throw APIError.badRequest("role : \(APITokens.roles.map(\.rawValue).joined(separator: ", ")).", "role: one of the token roles")
        }
        var schools: [UAI] = []
        for text in fields.etablissements ?? [] {
            guard let uai = UAI(text) else { throw APIError.badRequest("etablissements : « \(text.prefix(20)) » n'est pas un UAI.", "invalid UAI") }
            schools.append(uai)
        }
        if (role == .direction || role == .rupn) && schools.isEmpty {
            throw APIError.badRequest("role \(role.rawValue) : au moins un établissement.", "schools required for this role")
        }
        if APITokens.globalRoles.contains(role) && !schools.isEmpty {
            throw APIError.badRequest("role \(role.rawValue) vaut pour tous les établissements : pas d'etablissements.", "no schools for a \(role.rawValue) token")
        }
        let name = fields.nom.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(name.count), !name.contains(where: { $0.isNewline || $0 == "," || $0.isASCII && $0.asciiValue! < 32 }) else {
            throw APIError.badRequest("nom : de 1 à 64 caractères, sur une ligne.", "name: 1 to 64 characters, one line")
        }
        let (secret, hash) = APITokens.make()
        let named = schools.map(\.code)
        let now = self.now
        let id = String(UUID().uuidString.lowercased().prefix(8))
        let row = TokenRow(id: id, name: name, role: role.rawValue, schools: named, tokenHash: hash, createdAt: Store.timestamp(now),
                           createdBy: who.name)
        try await access.run { store in
            try await store.createToken(row, audit: [AuditEntry(
                at: Store.timestamp(now), actor: who.name, uai: Store.departmentAuditUAI, event: "token-create", target: id,
                french: "jeton d'API « \(name) » créé par le service : rôle \(role.rawValue)\(named.isEmpty ? "" : ", établissements \(named.joined(separator: " "))")",
                english: "API token created through the service: role \(role.rawValue)", planHash: nil)])
        }
        logger.info("jeton créé", metadata: ["par": "\(who.name)", "jeton": "\(id)"])
        return try JSON.response(NewToken(jeton: secret, id: id, message: "Jeton « \(name) » créé : il n'est montré que cette fois."), status: .created)
    }

    func revokeToken(_ call: Call) async throws -> Response {
        let who = try call.who
        guard let id = call.parameters["id"], (1...64).contains(id.count) else { throw APIError.badRequest("Identifiant de jeton manquant.") }
        let now = self.now
        let revoked = try await access.run { store in
            // By its identifier only: a name may be shared, and an address is no place to guess.
            guard try await store.tokens().contains(where: { $0.id == id && $0.revokedAt == nil }) else { return nil as TokenRow? }
            return try await store.revokeToken(id, at: now) { t in
                [AuditEntry(at: Store.timestamp(now), actor: who.name, uai: Store.departmentAuditUAI, event: "token-revoke", target: t.id,
                            french: "jeton d'API « \(t.name) » révoqué par le service", english: "API token revoked through the service", planHash: nil)]
            }
        }
        guard let revoked else { throw APIError.notFound("Aucun jeton actif d'identifiant « \(id) ».", "no such live token") }
        // Refused from the next request on, not when the cache's entry ages out.
        await tokens.forget()
        logger.info("jeton révoqué", metadata: ["par": "\(who.name)", "jeton": "\(revoked.id)"])
        return try JSON.response(Self.line(revoked))
    }
}

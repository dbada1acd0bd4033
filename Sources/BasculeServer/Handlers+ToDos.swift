import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Held plans confirmed, contacts, credential sheets: through the services `bascule todos
/// confirm`, `bascule contacts` and `bascule sheets` use, the actor being who is authenticated.
extension ServiceCore {
    // MARK: - Held plans

    struct ConfirmFields: Decodable {
        var raison: String
        var date: String?
    }

    struct ConfirmAnswer: Encodable {
        var tache: Int
        var etablissement: String
        var empreinte: String
        var confirmePar: String
        var raison: String
        var message: String
    }

    func confirmHeldPlan(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        guard let text = call.parameters["id"], text.count <= 12, let id = Int(text), id > 0 else {
            throw APIError.badRequest("Numéro de tâche invalide dans l'adresse.", "invalid to-do number")
        }
        // Only `raison` (and the day) is read: who confirms is the session's person or the token, never a field.
        let fields = try call.decode(ConfirmFields.self)
        let day = try call.day(fields.date, today: today)
        let (acting, now) = (who.acting(at: uai), self.now)
        let confirmation = try await access.run { store -> PlanConfirmation in
            // The table allowed the requester for the school in the address: the to-do must be that school's.
            guard let row = try await store.todo(id: id), row.todo.uai == uai else {
                throw APIError.notFound("Aucune tâche n° \(id) pour l'établissement \(uai).", "no such to-do for this school")
            }
            return try await HeldPlanConfirmationService(store: store)
                .confirm(todoID: id, by: acting, reason: fields.raison, on: day, systemUser: "service (\(who.name))", now: now)
        }
        logger.info("plan retenu confirmé", metadata: ["par": "\(confirmation.confirmedBy)", "uai": "\(uai)", "tache": "\(id)"])
        return try JSON.response(ConfirmAnswer(
            tache: id, etablissement: uai.code, empreinte: confirmation.planHash, confirmePar: confirmation.confirmedBy,
            raison: confirmation.reason,
            message: "Plan \(confirmation.planHash.prefix(12)) confirmé : la prochaine exécution quotidienne l'applique s'il n'a pas changé."))
    }

    // MARK: - Contacts

    struct ContactLine: Encodable {
        var identifiant: String
        var adresse: String
        var roles: [String]
        var enregistrePar: String
        var enregistreLe: String
    }

    func contacts(_ call: Call) async throws -> Response {
        let uai = try call.school
        let entries = try await access.run { try await ContactService(store: $0).list(uai: uai) }
        return try JSON.response(entries.map {
            ContactLine(identifiant: $0.login, adresse: $0.address, roles: $0.roles, enregistrePar: $0.setBy, enregistreLe: $0.setOn.description)
        })
    }

    struct ContactFields: Decodable {
        /// Whose address; by default the person logged in.
        var identifiant: String?
        /// Absent or empty: the address is removed.
        var adresse: String?
        var date: String?
    }

    func changeContact(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = try call.decode(ContactFields.self)
        let day = try call.day(fields.date, today: today)
        let acting = who.acting(at: uai)
        let login: String
        if let given = fields.identifiant?.trimmingCharacters(in: .whitespaces).lowercased(), !given.isEmpty {
            login = given
        } else if case .account(let own) = acting {
            login = own
        } else {
            throw APIError.badRequest("identifiant : exigé pour un jeton ou un administrateur du département.", "identifiant required")
        }
        guard login.count <= 64 else { throw APIError.badRequest("identifiant trop long.", "login too long") }
        let address = fields.adresse.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        let now = self.now
        try await access.run { store in
            try await ContactService(store: store).set(uai: uai, login: login, address: address, by: acting, on: day,
                                                       systemUser: "service (\(who.name))", now: now)
        }
        return try JSON.response(["identifiant": login,
                                  "message": address == nil ? "Adresse retirée." : "Adresse enregistrée : les tâches de cette personne y seront envoyées."])
    }

    // MARK: - Credential sheets

    func sheets(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let chosen = [call.query["classe"].map { SheetSelection.division($0) }, call.query["groupe"].map { SheetSelection.group($0) },
                      call.query["personnels"].map { _ in SheetSelection.staff }].compactMap { $0 }
        guard chosen.count == 1, let selection = chosen.first else {
            throw APIError.badRequest("Une seule sélection : classe=…, groupe=… ou personnels=oui.", "one of classe, groupe, personnels")
        }
        let structure: String?
        switch selection {
        case .division(let d): structure = d
        case .group(let g): structure = g
        case .staff: structure = nil
        }
        if let structure, structure.isEmpty || structure.count > 64 { throw APIError.badRequest("Classe ou groupe invalide.", "invalid class or group") }
        let format = call.query["format"] ?? "html"
        guard format == "html" || format == "csv" else { throw APIError.badRequest("format : html ou csv.", "format: html or csv") }
        var given: CivilDate?
        if let text = call.query["depuis"] {
            guard let d = CivilDate(parsing: text) else { throw APIError.badRequest("depuis : AAAA-MM-JJ.", "depuis: YYYY-MM-DD") }
            given = d
        }
        let since = given
        let roles = who.requester.roles(at: uai)
        let acting = who.acting(at: uai)
        let vault = try SheetVault(dataDirectory: settings.dataDirectory)
        let data = settings.dataDirectory
        let lines = try await access.run { store -> [SheetsService.Line] in
            // The department and the RUPN print any sheet; anyone else as the per-action rule says (a teacher: their classes).
            if roles.isDisjoint(with: [.department, .rupn]) {
                let school = try await SchoolAccounts.load(store, uai: uai)
                let decision = AccessRules.sheets(of: structure, by: try school.actor(acting, uai: uai))
                guard decision.isAllowed else { throw APIError.forbidden(decision.reason) }
            }
            return try await SheetsService(store: store, vault: vault, dataDirectory: data).lines(uai: uai, selection: selection, since: since)
        }
        logger.info("fiches de connexion", metadata: ["par": "\(who.name)", "uai": "\(uai)", "fiches": "\(lines.count)"])
        let name = "fiches-\(uai.code)-\(SheetsService.fileSafe(structure ?? "personnels")).\(format)"
        let body = format == "csv" ? SheetsService.csv(lines) : SheetsService.html(lines, uai: uai, selection: selection)
        // Temporary passwords: kept by no cache, and the CSV downloaded rather than shown.
        var headers: HTTPFields = [.contentType: format == "csv" ? "text/csv; charset=utf-8" : "text/html; charset=utf-8",
                                   .cacheControl: "no-store"]
        headers[.contentDisposition] = "\(format == "csv" ? "attachment" : "inline"); filename=\"\(name)\""
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird

/// An account's page: what it is, its history from the audit, and what the school decides on it.
extension ServiceCore {
    func consoleAccount(_ call: Call, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        guard let login = call.parameters["login"] else { throw APIError.badRequest("Identifiant manquant.") }
        // Only an account the list shows this person (a teacher: a student they teach).
        let visible = try await accounts(call).jsonArray().contains { $0["identifiant"] as? String == login }
        guard visible else { throw APIError.notFound("Compte \(login) introuvable, ou hors de ce que vous pouvez voir.") }
        let (day, policy) = (today, self.policy)
        let planning = PlanningService(store: access.store, policy: policy, gate: gate)
        let found = try await access.run { store -> (Account, [String], [String], [AuditEntry], PlanAction?) in
            let school = try await SchoolAccounts.load(store, uai: uai)
            let a = try school.account(login, uai: uai)
            let groups = school.directory.groups.filter { $0.members.contains(login) }.map(\.name).sorted()
            let history = try await store.auditEntries(AuditFilter(uai: uai, target: login))
            let rename = try? await RenameService(planning: planning).proposal(uai: uai, login: login, date: day).1
            return (a, school.holder(a).structures.sorted(), groups, history, rename)
        }
        let (a, structures, groups, history, rename) = found
        // The forms for those the rules may let decide (the services check again): the school's
        // direction and RUPN, a department administrator.
        let roles = who.requester.roles(at: uai)
        let decides = who.session != nil && !roles.isDisjoint(with: [.direction, .rupn, .department])
        var data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "", "identifiant": a.login, "identifiantENT": a.entLogin,
            "prenom": a.name.firstName, "nom": a.name.displayFamilyName, "profil": a.kind.french, "statut": Self.statusLabel(a.status.rawValue),
            "depuis": a.statusSince.french, "protege": a.protected, "structures": structures.joined(separator: ", "),
            "groupes": groups.joined(separator: ", "),
            "peutReinitialiser": AccessRules.route(.passwordReset, by: who.requester, at: uai).isAllowed && who.session != nil,
            "peutProteger": decides,
            "historique": history.reversed().prefix(100).map { e -> [String: Any] in ["le": e.at, "par": e.actor, "quoi": e.french] },
        ]
        if decides, let rename, let newLogin = rename.newLogin {
            data["renommage"] = ["raison": rename.reason.french, "nouveau": newLogin] as [String: Any]
        }
        // Mustache sections on an empty string are shown; these two are lists for it.
        if structures.isEmpty { data.removeValue(forKey: "structures") } else { data["avecStructures"] = true }
        if groups.isEmpty { data.removeValue(forKey: "groupes") } else { data["avecGroupes"] = true }
        return Console.page("compte", title: "Compte \(a.login) — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/comptes", message: message, error: error, status: status)
    }

    /// An account's status as a person reads it.
    static func statusLabel(_ raw: String) -> String {
        switch AccountStatus(rawValue: raw) {
        case .active: "actif"
        case .leaving: "partant"
        case .disabled: "désactivé"
        case .deleted: "supprimé"
        case nil: raw
        }
    }

    /// Who acts on an account, as the API's handlers pass it: a person of the school by their
    /// login, or a department administrator as an authority under their name (they hold no
    /// account of the school). The services' rules decide; a form needs a session (its CSRF token).
    func deciding(_ call: Call) throws -> (uai: UAI, acting: Acting, name: String, login: String) {
        let uai = try call.school
        let who = try call.who
        guard who.session != nil else {
            throw APIError.forbidden(Reason("une décision de la console se prend dans une session", "a console decision needs a session"))
        }
        guard let login = call.parameters["login"] else { throw APIError.badRequest("Identifiant manquant.") }
        return (uai, who.acting(at: uai), who.name, login)
    }

    func consoleProtect(_ call: Call) async throws -> Response {
        let (uai, acting, name, login) = try deciding(call)
        let fields = Console.form(call)
        let reason = (fields["raison"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else {
            return try await consoleAccount(call, error: "Donnez la raison de cette décision.", status: .badRequest)
        }
        let protect = fields["proteger"] != "non"
        let now = self.now
        do {
            _ = try await access.run { store in
                try await ProtectionService(store: store).set(uai: uai, login: login, protected: protect, as: acting, reason: reason,
                                                              systemUser: "service (\(name))", now: now)
            }
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleAccount(call, error: api.french, status: api.status)
        }
        try? await refreshIndex()
        return try await consoleAccount(call, message: protect ? "Compte protégé." : "Protection levée.")
    }

    func consoleRename(_ call: Call) async throws -> Response {
        let (uai, acting, name, login) = try deciding(call)
        let answer = Console.form(call)["reponse"]
        guard answer == "accepter" || answer == "refuser" else { throw APIError.badRequest("reponse : accepter ou refuser.") }
        let (day, now) = (today, self.now)
        let service = RenameService(planning: PlanningService(store: access.store, policy: policy, gate: gate))
        let outcome: RenameService.Outcome
        do {
            outcome = try await access.run { _ in
                answer == "accepter"
                    ? try await service.accept(uai: uai, login: login, date: day, as: acting, systemUser: "service (\(name))", now: now)
                    : try await service.decline(uai: uai, login: login, date: day, as: acting, systemUser: "service (\(name))", now: now)
            }
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleAccount(call, error: api.french, status: api.status)
        }
        // As applying does: the directory and the spaces follow the new login at once when configured.
        var followed: [String] = []
        if answer == "accepter" { followed = (try? await syncTargets(uai: uai, day: day, actor: "\(acting.name) (service)")) ?? [] }
        try? await refreshIndex()
        var shown = call
        shown.parameters["login"] = answer == "accepter" ? outcome.newLogin : login
        return try await consoleAccount(shown, message: answer == "accepter"
            ? "Renommage accepté : \(outcome.oldLogin) → \(outcome.newLogin)." + (followed.isEmpty ? "" : " " + followed.joined(separator: " ; ") + ".")
            : "Renommage refusé : \(login) garde son identifiant.")
    }
}

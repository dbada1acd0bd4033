import BasculeApp
import BasculeDomain
import BasculeSpaces
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Fiches, Départs, Vérification, Espaces.
extension ServiceCore {
    // MARK: - Fiches

    /// `classe:6A`, `groupe:6A-LATIN`, `personnels`.
    /// The sheets page of one class or group. Its code may hold what a query reads otherwise (`&`
    /// ends the value, `#` the address, `+` is a space): everything but letters, digits and
    /// `-._~:` is percent-encoded.
    static func sheetsLink(uai: UAI, selection: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~:")
        return "/console/etablissements/\(uai.code)/fiches?selection=" + (selection.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    static func selection(_ text: String?) -> SheetSelection? {
        guard let text else { return nil }
        if text == "personnels" { return .staff }
        if text.hasPrefix("classe:"), text.count > 7 { return .division(String(text.dropFirst(7))) }
        if text.hasPrefix("groupe:"), text.count > 7 { return .group(String(text.dropFirst(7))) }
        return nil
    }

    /// The selections this person may print: a teacher alone, the classes and groups they teach;
    /// the RUPN and the department, every class and group and the staff.
    func sheetChoices(uai: UAI, who: Principal) async throws -> (choices: [(String, String)], teacherOnly: Bool) {
        let teacherOnly = who.requester.roles(at: uai).isDisjoint(with: [.department, .rupn])
        let acting = who.acting(at: uai)
        let (divisions, groups, taught) = try await access.run { store -> (Set<String>, Set<String>, Set<String>?) in
            let students = try await PeopleQuery(store: store).people(uai: uai, kind: .student)
            let taught = teacherOnly ? try await SchoolAccounts.load(store, uai: uai).actor(acting, uai: uai).teaches ?? [] : nil
            return (Set(students.compactMap(\.division)), Set(students.flatMap(\.groups)), taught)
        }
        var out: [(String, String)] = []
        for d in divisions.sorted() where taught?.contains(d) ?? true { out.append(("classe:\(d)", "la classe \(d)")) }
        for g in groups.sorted() where taught?.contains(g) ?? true { out.append(("groupe:\(g)", "le groupe \(g)")) }
        if !teacherOnly { out.append(("personnels", "les personnels")) }
        return (out, teacherOnly)
    }

    func consoleSheets(_ call: Call, fields: [String: String]? = nil, message: String? = nil) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let given = fields ?? call.query
        let (choices, _) = try await sheetChoices(uai: uai, who: who)
        let chosen = given["selection"].flatMap { s in choices.contains { $0.0 == s } ? s : nil }
        if let asked = given["selection"], !asked.isEmpty, chosen == nil {
            throw APIError.forbidden(Reason("\(who.name) ne peut pas imprimer les fiches de cette sélection (un·e enseignant·e : ses classes et groupes seulement)",
                                            "may not print this selection"))
        }
        var since: CivilDate?
        if let text = given["depuis"], !text.isEmpty {
            guard let d = CivilDate(parsing: text) else { throw APIError.badRequest("depuis : une date AAAA-MM-JJ est attendue.") }
            since = d
        }
        var data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "", "depuis": since?.description ?? "",
            "choix": choices.map { ["valeur": $0.0, "libelle": $0.1, "choisi": $0.0 == chosen] as [String: Any] },
        ]
        if let chosen, let selection = Self.selection(chosen) {
            let (vault, folder, from) = (try issuer().vault, settings.dataDirectory, since)
            let lines = try await access.run { store in
                try await SheetsService(store: store, vault: vault, dataDirectory: folder).lines(uai: uai, selection: selection, since: from)
            }
            data["choisie"] = true
            data["selection"] = chosen
            data["nombre"] = lines.count
            data["aRemettre"] = lines.contains { $0.temporaryPassword != nil } && who.session != nil
            data["fiches"] = lines.map { l -> [String: Any] in
                var row: [String: Any] = ["prenom": l.firstName, "nom": l.familyName, "classe": l.division, "identifiant": l.login,
                                          "identifiantENT": l.entLogin, "ent": SheetsService.defaultENTAddress]
                if let p = l.temporaryPassword { row["provisoire"] = p }
                if let d = l.handedOutOn { row["remise"] = d.french }
                return row
            }
        }
        return Console.page("fiches", title: "Fiches de connexion — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/fiches", message: message)
    }

    /// As `bascule sheets --handed-out`: the copies of the temporary passwords are destroyed, and
    /// the sheet files that still show them.
    func consoleHandOut(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = Console.form(call)
        let (choices, _) = try await sheetChoices(uai: uai, who: who)
        guard let chosen = fields["selection"], choices.contains(where: { $0.0 == chosen }), let selection = Self.selection(chosen) else {
            throw APIError.forbidden(Reason("\(who.name) ne peut pas marquer les fiches de cette sélection", "may not mark this selection"))
        }
        let since = fields["depuis"].flatMap { $0.isEmpty ? nil : CivilDate(parsing: $0) }
        let vault = try issuer().vault
        let (day, data, configuration) = (today, settings.dataDirectory, settings.configuration)
        let spaces = try configuration.flatMap { try $0.spacesSettings(dataDirectory: data) }
        let count = try await access.run { store -> Int in
            let sheets = SheetsService(store: store, vault: vault, dataDirectory: data)
            let pending = try await sheets.lines(uai: uai, selection: selection, since: since).filter { $0.temporaryPassword != nil }
            try await store.markHandedOut(pending.map(\.personID), on: day)
            var folders = [sheets.dataFolder(uai: uai)]
            if let spaces, let configuration {
                folders.append(URL(fileURLWithPath: SpacesService(store: store, settings: spaces, firstPosixNumber: configuration.firstPosixNumber)
                    .referentsFolder(uai: uai)))
            }
            _ = try sheets.destroySheets(uai: uai, selection: selection, handedOut: Set(pending.map(\.login)), in: folders)
            return pending.count
        }
        logger.info("fiches remises", metadata: ["par": "\(who.name)", "nombre": "\(count)"])
        return try await consoleSheets(call, fields: fields,
                                       message: "\(count) fiche(s) marquée(s) remise(s) : copies des mots de passe provisoires détruites.")
    }

    // MARK: - Départs

    func consoleDepartures(_ call: Call, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = today
        let gate = try? self.gate(uai, day)
        let (leaving, approved) = try await access.run { store -> ([Account], Set<String>) in
            (try await store.directoryState(uai: uai).accounts.filter { $0.kind != .student && $0.kind != .parent && ($0.status == .leaving || $0.status == .disabled) },
             try await store.approvedDepartures(uai: uai))
        }
        let asks = !(gate?.approvalRequired.isEmpty ?? true)
        let data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "",
            "calendrier": asks ? "Le calendrier demande à l'établissement de valider le départ des personnels avant la suppression de leur compte."
                               : "Le calendrier ne demande pas aujourd'hui de validation de l'établissement : la suppression suit ses dates.",
            "partants": leaving.sorted { $0.login < $1.login }.map { a -> [String: Any] in
                ["identifiant": a.login, "nom": a.name.full, "statut": a.status == .leaving ? "partant" : "désactivé", "depuis": a.statusSince.french,
                 "valide": approved.contains(a.personID)]
            },
        ]
        return Console.page("departs", title: "Départs — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/departs", message: message, error: error, status: status)
    }

    func consoleApproveDepartures(_ call: Call) async throws -> Response {
        do {
            let json = try await approveDepartures(call).jsonObject()
            let done = json["identifiants"] as? [String] ?? []
            return try await consoleDepartures(call, message: "Départ validé : \(done.joined(separator: ", ")).")
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleDepartures(call, error: api.status == .badRequest ? "Cochez au moins un personnel." : api.french, status: api.status)
        }
    }

    // MARK: - Vérification

    /// What a sync of the directory and the spaces puts right (the rest needs a plan or a person).
    static let fixedBySync: Set<VerificationFinding.Kind> = [
        .accountMissing, .groupMissing, .teacherMissingAccess, .studentMissingGroup, .missingMember, .teacherFormerTeam,
        .studentFormerGroup, .formerMember,
    ]

    func consoleVerification(_ call: Call, message: String? = nil, error: String? = nil) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = try call.day(nil, today: today)
        let report = try await verificationReport(uai: uai, day: day)
        let configured = settings.configuration.map { $0.annuaire != nil || (try? $0.spacesSettings(dataDirectory: settings.dataDirectory)) != nil } ?? false
        let fixable = report.findings.filter { Self.fixedBySync.contains($0.kind) }.count
        let data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "", "date": day.french, "annuaire": report.directory,
            "verifie": report.checked.french, "notes": report.notes.map(\.french), "nombre": report.findings.count,
            "ecarts": report.findings.map { f -> [String: Any] in
                var row: [String: Any] = ["gravite": f.severity.french, "titre": f.kind.title.french, "qui": f.who, "constat": f.what.french,
                                          "correction": f.fix.french, "corrigeable": configured && Self.fixedBySync.contains(f.kind)]
                if f.since != nil || f.sinceUnknown != nil { row["depuis"] = f.sinceFrench }
                return row
            },
            "corrigeables": fixable,
            "peutCorriger": configured && fixable > 0 && AccessRules.route(.planApply, by: who.requester, at: uai).isAllowed && who.session != nil,
        ]
        return Console.page("verification", title: "Vérification de rentrée — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/verification", message: message, error: error)
    }

    func consoleFix(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let said = try await syncTargets(uai: uai, day: today, actor: "\(who.name) (service)")
        try? await refreshIndex()
        return try await consoleVerification(call, message: said.isEmpty ? "Rien à synchroniser : ni annuaire ni espaces configurés."
                                                                      : "Synchronisé : " + said.joined(separator: " ; ") + ".")
    }

    // MARK: - Espaces

    static func spaceState(_ s: String) -> String {
        switch s {
        case "absent": "pas encore créé"
        case "conflict": "place prise par un dossier étranger"
        case "to-remove": "à archiver puis supprimer"
        default: s
        }
    }

    func consoleSpaces(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = today
        var data: [String: Any] = ["uai": uai.code]
        if let configuration = settings.configuration, let spaces = try configuration.spacesSettings(dataDirectory: settings.dataDirectory) {
            let report = try await access.run { store in
                try await SpacesService(store: store, settings: spaces, firstPosixNumber: configuration.firstPosixNumber).report(uai: uai)
            }
            data["configure"] = true
            data["resume"] = "\(report.spaces.count) espace(s) sous \(report.root), \(report.spaces.filter(\.overQuota).count) au-dessus de leur quota ; quotas : \(report.quotas.reason.french)."
            data["espaces"] = report.spaces.map { s -> [String: Any] in
                var row: [String: Any] = ["chemin": s.path, "nature": s.kind.rawValue, "occupe": s.used.map { SpaceQuotas.format($0) } ?? "—",
                                          "quota": s.quota.map { SpaceQuotas.format($0) + (s.quotaEnforced ? " (appliqué)" : " (mesuré)") } ?? "—",
                                          "etat": s.state == "present" ? "" : Self.spaceState(s.state)]
                if s.overQuota { row["depasse"] = true }
                return row
            }
            data["remarques"] = report.findings.map(\.french)
        }
        if let calendar = try? calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar {
            data["nettoyages"] = calendar.entries.filter { $0.kind == .cleanup || $0.kind == .deletion }.map { e -> [String: Any] in
                ["quand": [e.from.map { "du \($0.french)" }, e.until.map { "au \($0.french)" }].compactMap { $0 }.joined(separator: " "),
                 "libelle": e.labelFrench]
            }
        }
        return Console.page("espaces", title: "Espaces — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/espaces")
    }
}

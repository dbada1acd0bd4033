import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The console's pages: each reads through the store and the services the API uses, with the
/// session's person as the actor.
extension ServiceCore {
    /// The to-dos meant for whoever holds `roles` (the department sees all), as `GET …/taches`.
    static func todoRoles(_ roles: Set<AccessRole>) -> Set<ToDo.Role> {
        var wanted: Set<ToDo.Role> = []
        if roles.contains(.department) { wanted = [.department, .direction, .rupn] }
        if roles.contains(.direction) { wanted.insert(.direction) }
        if roles.contains(.rupn) { wanted.insert(.rupn) }
        return wanted
    }

    static func todoLabel(_ kind: ToDo.Kind) -> String {
        switch kind {
        case .planHeld: "Plan retenu"
        case .renamesProposed: "Changements de nom proposés"
        case .approvalNeeded: "Départs à valider"
        case .importRefused: "Export refusé"
        case .directoryFailed: "Annuaire en échec"
        case .spacesFailed: "Espaces en échec"
        case .verificationFindings: "Vérification : écarts"
        case .runFailed: "Exécution quotidienne en échec"
        }
    }

    // MARK: - Tableau de bord

    func consoleDashboard(_ call: Call, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = today
        let requester = who.requester
        let seesTodos = AccessRules.route(.todosList, by: requester, at: uai).isAllowed
        let seesRuns = AccessRules.route(.schoolState, by: requester, at: uai).isAllowed
        let wanted = Self.todoRoles(requester.roles(at: uai))
        let calendar = try? calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
        let (todos, runs, liftings) = try await access.run { store -> ([ToDoRow], [DailyRunRow], [AccessLifting]) in
            (seesTodos ? try await store.todos(uai: uai).filter { wanted.contains($0.todo.role) } : [],
             seesRuns ? Array(try await store.dailyRuns(uai: uai).suffix(7).reversed()) : [],
             try await store.accessLiftings(uai: uai))
        }
        var data: [String: Any] = [
            "annee": calendar.map { "\($0.year.startYear)-\($0.year.startYear + 1)" } ?? "",
            "voitTaches": seesTodos, "voitExecutions": seesRuns,
            "taches": todos.map { t -> [String: Any] in
                ["id": t.id, "genre": Self.todoLabel(t.todo.kind), "depuis": t.openedOn.french, "motif": t.todo.reason.french,
                 "confirmable": t.todo.isConfirmable && who.session != nil]
            },
            "executions": runs.map { r -> [String: Any] in
                ["jour": r.day.french, "etat": r.state == "done" ? "terminée" : r.state == "started" ? "commencée, non terminée" : r.state,
                 "fin": r.finishedAt ?? "—"]
            },
        ]
        if let calendar {
            data.merge(Self.timeline(calendar, today: day)) { a, _ in a }
            data["acces"] = calendar.accessNotices(on: day, liftings: liftings).filter { $0.target == .ent }.map { n -> [String: Any] in
                ["profil": n.role.label, "ouvert": n.isOpen, "motif": n.reason.french]
            }
        }
        data["uai"] = uai.code
        data["csrf"] = who.session?.csrf ?? ""
        return Console.page("tableau", title: "Tableau de bord — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)", message: message, error: error, status: status)
    }

    /// As `bascule todos confirm`: the held plan of that to-do, confirmed with a reason.
    func consoleConfirm(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        guard let id = call.parameters["id"].flatMap({ Int($0) }) else { throw APIError.badRequest("Tâche invalide.") }
        let reason = Console.form(call)["raison"] ?? ""
        let (acting, day, now) = (who.acting(at: uai), today, self.now)
        do {
            try await access.run { store in
                guard let row = try await store.todo(id: id), row.todo.uai == uai else { throw APIError.notFound("Tâche \(id) inconnue pour \(uai).") }
                try await HeldPlanConfirmationService(store: store).confirm(todoID: id, by: acting, reason: reason, on: day,
                                                                            systemUser: "service (\(who.name))", now: now)
            }
        } catch let error as ToDoError {
            return try await consoleDashboard(call, error: error.french, status: .conflict)
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleDashboard(call, error: api.french, status: api.status)
        }
        return try await consoleDashboard(call, message: "Plan retenu confirmé : la prochaine exécution quotidienne l'applique s'il n'a pas changé.")
    }

    /// The calendar as a bar (each dated window placed between the first and the last day, today
    /// marked) and as an ordered list with today's place in it.
    static func timeline(_ calendar: SchoolCalendar, today: CivilDate) -> [String: Any] {
        let spans = calendar.entries.compactMap { e -> (CalendarEntry, CivilDate, CivilDate)? in
            guard let start = e.from ?? e.until, let end = e.until ?? e.from else { return nil }
            return (e, start, end)
        }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
        guard let first = spans.map(\.1).min(), let last = spans.map(\.2).max() else { return ["etapes": [Any]()] }
        let low = min(first, today), high = max(last, today)
        // Days, the last one included: a period ending on the last day stays inside the timeline.
        let length = Double(high.dayNumber - low.dayNumber + 1)
        func percent(_ d: CivilDate) -> String { String(format: "%.1f", Double(d.dayNumber - low.dayNumber) / length * 100) }
        var steps: [[String: Any]] = []
        var placed = false
        // Each period's number in the list, drawn on its bar: the bars say which line they are.
        for (number, (e, start, _)) in zip(1..., spans) {
            if !placed, start > today {
                steps.append(["aujourdhui": true, "jour": today.french, "classe": "en-cours"])
                placed = true
            }
            let when: String
            switch (e.from, e.until) {
            case (let f?, let u?) where f == u: when = "le \(f.french)"
            case (let f?, let u?): when = "du \(f.french) au \(u.french)"
            case (let f?, nil): when = "à partir du \(f.french)"
            case (nil, let u?): when = "jusqu'au \(u.french)"
            default: when = ""
            }
            // An open end is never past; an open start never to come.
            let over = e.until.map { $0 < today } ?? false, ahead = e.from.map { $0 > today } ?? false
            let state = over ? ("passée", "passee") : ahead ? ("à venir", "a-venir") : ("en cours", "en-cours")
            steps.append(["aujourdhui": false, "numero": number, "quand": when, "libelle": e.labelFrench, "etat": state.0, "classe": state.1])
        }
        if !placed { steps.append(["aujourdhui": true, "jour": today.french, "classe": "en-cours"]) }
        let dated = zip(1..., spans).filter { $0.1.0.from != nil && $0.1.0.until != nil }.map { number, span in
            let (e, start, end) = span
            return (entry: e, number: number, left: Double(start.dayNumber - low.dayNumber) / length * 100,
             width: min(max(Double(end.dayNumber - start.dayNumber + 1) / length * 100, 0.6),
                        100 - Double(start.dayNumber - low.dayNumber) / length * 100))
        }
        let lanes = Self.lanes(dated.map { ($0.left, $0.width) })
        let bars = zip(dated, lanes.lane).map { bar, lane -> [String: Any] in
            ["gauche": String(format: "%.1f", bar.left), "largeur": String(format: "%.1f", bar.width), "libelle": bar.entry.labelFrench,
             "numero": bar.number,
             "haut": String(format: "%.2f", Self.laneTop + Double(lane) * Self.laneStep)]
        }
        return ["etapes": steps,
                "frise": ["debut": low.french, "fin": high.french, "aujourdhui": today.french, "position": percent(today), "periodes": bars,
                          "hauteur": String(format: "%.2f", Self.laneTop * 2 + Double(max(lanes.count, 1)) * Self.laneStep - (Self.laneStep - Self.barHeight))]
                    as [String: Any]]
    }

    /// The timeline's geometry, in rem: a bar's height, the step from one row to the next, the first row's top.
    static let barHeight = 1.7, laneStep = 2.0, laneTop = 0.4

    /// A row for each bar (`left` and `width` in percent, sorted by `left`), the first one where it
    /// touches no other, so that overlapping periods (a closure within a deletion window) are all
    /// seen; and how many rows that takes.
    static func lanes(_ bars: [(left: Double, width: Double)]) -> (lane: [Int], count: Int) {
        var ends: [Double] = []
        var lane: [Int] = []
        for bar in bars {
            // A hair of space between two bars of a row, so that touching ones stay two.
            if let free = ends.firstIndex(where: { $0 + 0.2 <= bar.left }) {
                ends[free] = bar.left + bar.width
                lane.append(free)
            } else {
                ends.append(bar.left + bar.width)
                lane.append(ends.count - 1)
            }
        }
        return (lane, ends.count)
    }

    // MARK: - Département

    func consoleDepartment(_ call: Call) async throws -> Response {
        let who = try call.who
        guard who.requester.isDepartment else {
            throw APIError.forbidden(Reason("la vue du département est réservée à ses administrateurs", "department administrators only"))
        }
        let filter = call.query["etat"] ?? "tous"
        struct Line { var uai: UAI; var held: String?; var open: Int; var last: DailyRunRow? }
        let lines = try await access.run { store -> [Line] in
            let todos = try await store.todos()
            var out: [Line] = []
            for uai in try await store.schools() {
                let mine = todos.filter { $0.todo.uai == uai }
                out.append(Line(uai: uai, held: mine.first { $0.todo.kind == .planHeld }?.todo.reason.french, open: mine.count,
                                last: try await store.dailyRuns(uai: uai).last))
            }
            return out
        }
        let shown = lines.filter { l in
            switch filter {
            case "plan-retenu": l.held != nil
            case "taches": l.open > 0
            case "ras": l.open == 0
            default: true
            }
        }
        let filters = [("tous", "Tous"), ("plan-retenu", "Avec un plan retenu"), ("taches", "Avec des tâches ouvertes"), ("ras", "Sans tâche ouverte")]
        let data: [String: Any] = [
            "nombre": shown.count,
            "filtres": filters.map { ["valeur": $0.0, "libelle": $0.1, "choisi": $0.0 == filter] as [String: Any] },
            "ecoles": shown.map { l -> [String: Any] in
                var row: [String: Any] = ["uai": l.uai.code, "taches": l.open, "etat": l.open == 0 ? "Rien à signaler" : "Tâches ouvertes",
                                          "derniere": l.last.map { "\($0.day.french) (\($0.state == "done" ? "terminée" : $0.state))" } ?? "aucune"]
                if let held = l.held { row["retenu"] = held }
                return row
            },
        ]
        return Console.page("departement", title: "Les établissements du département", data: data, who: who, school: nil,
                            active: "/console/departement")
    }

    // MARK: - Mon mot de passe

    func consolePasswordPage(_ call: Call, error: String? = nil, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let who = try call.who
        guard let session = who.session else {
            throw APIError.forbidden(Reason("un jeton n'a pas de mot de passe", "a token has no password"))
        }
        var data: [String: Any] = ["csrf": session.csrf, "identifiant": session.login, "etatInconnu": "à vérifier"]
        if let uai = session.uai {
            let account = try await access.run { store in try? await SchoolAccounts.load(store, uai: uai).account(session.login, uai: uai) }
            if let account {
                data["prenom"] = account.name.firstName
                data["nom"] = account.name.familyName
            }
        }
        return Console.page("mot-de-passe", title: "Mon mot de passe", data: data, who: who, school: session.uai,
                            active: "/console/mot-de-passe", message: message, error: error, status: status)
    }

    func consolePassword(_ call: Call) async throws -> Response {
        do {
            _ = try await changeOwnPassword(call)
            return try await consolePasswordPage(call, message: "Mot de passe changé. Il vaut dès maintenant.")
        } catch let error as APIError where error.status != .internalServerError {
            return try await consolePasswordPage(call, error: error.french, status: error.status)
        }
    }

    // MARK: - Imports

    func consoleImports(_ call: Call, result: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let imports = try await access.run { store -> [(ImportInfo, [String])] in
            var rows: [(ImportInfo, [String])] = []
            for i in try await store.imports(uai: uai).reversed().prefix(50) {
                let notices = try await store.notices(importID: i.id).map { n -> String in
                    guard let place = n.location else { return n.french }
                    return "\(n.french) (\(place.file), ligne \(place.line))"
                }
                rows.append((i, notices))
            }
            return rows
        }
        let history = imports.map { i, notices -> [String: Any] in
            ["le": i.importedAt, "nature": i.source.rawValue, "fichier": i.fileName, "dateExport": i.exportDate?.french ?? "—",
             "nombre": i.recordCount, "remarques": notices]
        }
        let limit = settings.maxUploadBytes >= 1 << 20 ? "\(settings.maxUploadBytes >> 20) Mio" : "\(settings.maxUploadBytes >> 10) Kio"
        var data: [String: Any] = ["uai": uai.code, "csrf": who.session?.csrf ?? "", "limite": limit, "historique": history]
        if let result { data["resultat"] = result }
        return Console.page("imports", title: "Imports — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/imports", error: error, status: status)
    }

    /// The form's file goes to the API's upload (the kind read from the content, the school checked),
    /// named as the person's file so that an error names it.
    func consoleUpload(_ call: Call) async throws -> Response {
        guard let body = call.body, let boundary = Multipart.boundary(call.request.headers[.contentType]) else {
            return try await consoleImports(call, error: "Formulaire illisible : choisissez un fichier et envoyez de nouveau.", status: .badRequest)
        }
        let parts = Multipart.parse(Data(buffer: body), boundary: boundary)
        guard let file = parts.first(where: { $0.name == "fichier" }), !file.data.isEmpty else {
            return try await consoleImports(call, error: "Aucun fichier reçu : choisissez un export.", status: .badRequest)
        }
        let mode = parts.first { $0.name == "mode" }.map { String(decoding: $0.data, as: UTF8.self) } == "depot" ? "depot" : "import"
        var upload = call
        upload.body = ByteBuffer(data: file.data)
        upload.query["mode"] = mode
        upload.fileName = file.fileName.map(Self.displayName)
        do {
            let json = try await self.upload(upload).jsonObject()
            let source = json["source"] as? String ?? "?"
            let result = mode == "import" ? "Export \(source) importé." : "Export \(source) déposé : l'exécution quotidienne l'importera."
            return try await consoleImports(call, result: result, status: .created)
        } catch let error as APIError where error.status != .internalServerError {
            return try await consoleImports(call, error: error.french, status: error.status)
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleImports(call, error: api.french, status: api.status)
        }
    }

    /// A file name as a person gave it, for messages only: its last component, printable, short.
    static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        return String(String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }).prefix(100))
    }

    // MARK: - Plan

    static func planLabel(_ kind: PlanAction.Kind) -> String {
        switch kind {
        case .createGroup: "Groupes créés"
        case .createAccount: "Comptes créés"
        case .reactivateAccount: "Comptes réactivés"
        case .updateAccount: "Comptes mis à jour"
        case .proposeRename: "Changements d'identifiant proposés"
        case .addMember: "Entrées dans un groupe"
        case .removeMember: "Sorties d'un groupe"
        case .markLeaving: "Départs annoncés"
        case .disableAccount: "Comptes désactivés"
        case .deleteAccount: "Comptes supprimés"
        case .deleteGroup: "Groupes supprimés"
        }
    }

    static let planRows = 300

    func consolePlan(_ call: Call, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = try call.day(nil, today: today)
        let planning = try planning(issuing: false)
        let hashed = try await access.run { _ in try await planning.plan(uai: uai, date: day) }
        let q = (call.query["q"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let kind = call.query["genre"].flatMap(PlanAction.Kind.init(rawValue:))
        let actions = hashed.plan.actions.filter { a in
            kind.map { $0 == a.kind } ?? true
        }.filter { a in
            q.isEmpty || [a.login, a.entLogin, a.group, a.name?.full, a.newLogin].compactMap { $0?.lowercased() }.contains { $0.contains(q) }
        }
        let groups = Dictionary(grouping: actions, by: \.kind).sorted { $0.key < $1.key }.map { kind, list -> [String: Any] in
            // A first rollover has thousands of lines: the first ones, and a search for the rest.
            ["genre": kind.rawValue, "libelle": Self.planLabel(kind), "nombre": list.count,
             "tronque": list.count > Self.planRows ? "Les \(Self.planRows) premières ; cherchez pour voir les autres." : "",
             "actions": list.prefix(Self.planRows).map { a -> [String: Any] in
                 ["qui": [a.login, a.group ?? a.newLogin].compactMap { $0 }.joined(separator: " → "), "nom": a.name?.full ?? "", "raison": a.reason.french]
             }]
        }
        var data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "", "date": day.description, "empreinte": hashed.hash,
            "nombre": hashed.plan.actions.count, "q": q, "groupes": groups,
            "masse": hashed.plan.safety.reasons.map(\.french),
            "genres": Set(hashed.plan.actions.map(\.kind)).sorted().map { k -> [String: Any] in
                ["valeur": k.rawValue, "libelle": Self.planLabel(k), "choisi": k == kind]
            },
            "peutAppliquer": AccessRules.route(.planApply, by: who.requester, at: uai).isAllowed && who.session != nil,
        ]
        if let deferred = hashed.plan.deferred { data["differe"] = deferred.french }
        return Console.page("plan", title: "Plan du jour — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/plan", error: error, status: status)
    }

    /// Applies as the API does; with `flux=1` (the page's script) the answer is a stream of
    /// server-sent events, one per step, for the progress bar; without, a page.
    func consoleApply(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = Console.form(call)
        let day = try call.day(fields["date"], today: today)
        let confirm = fields["confirmerChangementDeMasse"] == "true"
        let hash = fields["empreinte"] ?? ""
        let reason = fields["raison"]
        guard fields["flux"] == "1" else {
            do {
                let done = try await applyPlan(uai: uai, who: who, day: day, hash: hash, confirm: confirm, reason: reason) { _, _ in }
                let data: [String: Any] = ["uai": uai.code, "empreinte": done.empreinte, "actions": done.actions, "cibles": done.cibles]
                return Console.page("applique", title: "Plan appliqué — \(uai.code)", data: data, who: who, school: uai,
                                    active: "/console/etablissements/\(uai.code)/plan", message: "Le plan est appliqué.")
            } catch {
                let api = APIError.from(error)
                guard api.status != .internalServerError else { throw error }
                return try await consolePlan(call, error: api.french, status: api.status)
            }
        }
        // The work runs by itself (a browser that goes away does not stop an apply half-way); the
        // answer streams its steps as they come.
        let (events, continuation) = AsyncStream<String>.makeStream()
        let core = self
        Task {
            continuation.yield(Self.event("progression", 5, "Vérification de l'empreinte du plan…"))
            do {
                let done = try await core.applyPlan(uai: uai, who: who, day: day, hash: hash, confirm: confirm, reason: reason) { percent, step in
                    continuation.yield(Self.event("progression", percent, step))
                }
                continuation.yield(Self.event("fin", 100, "Plan appliqué : \(done.actions) action(s)." + (done.cibles.isEmpty ? "" : " " + done.cibles.joined(separator: " ; "))))
            } catch {
                let api = APIError.from(error)
                if api.status == .internalServerError { core.logger.error("application en échec", metadata: ["cause": "\(String(reflecting: error).prefix(500))"]) }
                continuation.yield(Self.event("erreur", nil, api.french))
            }
            continuation.finish()
        }
        let body = ResponseBody { writer in
            for await event in events { try await writer.write(ByteBuffer(string: event)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    /// One server-sent event: its type, and JSON data (the step in French, the percentage).
    static func event(_ type: String, _ percent: Int?, _ step: String) -> String {
        var payload: [String: Any] = ["etape": step]
        if let percent { payload["pourcent"] = percent }
        let json = (try? JSONSerialization.data(withJSONObject: payload)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(type)\ndata: \(json)\n\n"
    }

    // MARK: - Fermeture rentrée

    func consoleClosure(_ call: Call, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = today
        let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
        let liftings = try await access.run { try await $0.accessLiftings(uai: uai) }
        let closures = calendar.entries.filter { !$0.liftableBy.isEmpty && !$0.roles.isEmpty }.map { e -> [String: Any] in
            let window = [e.from.map { "du \($0.french)" }, e.until.map { "au \($0.french)" }].compactMap { $0 }.joined(separator: " ")
            return ["id": e.id, "libelle": e.labelFrench, "fenetre": "Fermeture \(window).",
                    "profils": CalendarRole.allCases.filter { e.roles.contains($0) }.map { role -> [String: Any] in
                        var row: [String: Any] = ["valeur": role.rawValue, "libelle": role.label]
                        if let l = liftings.first(where: { $0.entryID == e.id && $0.role == role && $0.year == calendar.year }) {
                            row["leve"] = true
                            row["depuis"] = l.from.french
                            row["par"] = l.by
                        }
                        return row
                    }]
        }
        let data: [String: Any] = ["uai": uai.code, "csrf": who.session?.csrf ?? "", "fermetures": closures]
        return Console.page("fermeture", title: "Fermeture de rentrée — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/fermeture", message: message, error: error, status: status)
    }

    struct ChosenProfiles: Decodable {
        var profils: [String]?
    }

    func consoleLift(_ call: Call) async throws -> Response {
        // No profile ticked is a mistake, never "all of them" (the API's default).
        let chosen = call.body.flatMap { try? URLEncodedFormDecoder().decode(ChosenProfiles.self, from: String(buffer: $0)) }?.profils ?? []
        guard !chosen.isEmpty else {
            return try await consoleClosure(call, error: "Cochez au moins un profil.", status: .badRequest)
        }
        do {
            let json = try await liftClosure(call).jsonObject()
            let done = (json["profils"] as? [String] ?? []).compactMap(CalendarRole.init(rawValue:)).map(\.label)
            return try await consoleClosure(call, message: "Fermeture levée pour : \(done.joined(separator: ", ")).")
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleClosure(call, error: api.french, status: api.status)
        }
    }

    // MARK: - Autorisations

    func consoleRights(_ call: Call, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let day = today
        let (held, staff) = try await access.run { store -> ([RightsService.Held], [Account]) in
            (try await RightsService(store: store).list(uai: uai),
             try await store.directoryState(uai: uai).accounts.filter { ($0.kind == .teacher || $0.kind == .staff) && $0.status == .active })
        }
        // At the rentrée (August to October), last year's holders are to be reviewed, as the memo asks.
        let rentree = (8...10).contains(day.month)
        let yearStart = CivilDate(year: day.year, month: 8, day: 1)!
        var data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "",
            "peutDeleguer": AccessRules.route(.rightsChange, by: who.requester, at: uai).isAllowed && who.session != nil,
            "droits": held.map { h -> [String: Any] in
                ["droit": h.right.rawValue, "identifiant": h.login, "statut": Self.statusLabel(h.status.rawValue), "par": h.grantedBy,
                 "le": h.grantedOn.french, "ancien": rentree && h.grantedOn < yearStart]
            },
            "choix": SchoolRight.allCases.map { ["valeur": $0.rawValue, "libelle": "\($0.rawValue) — \($0.french)"] },
            "personnels": staff.sorted { $0.login < $1.login }.map { ["identifiant": $0.login, "nom": $0.name.full] },
        ]
        if rentree {
            data["rappel"] = "revoyez les titulaires des droits accordés l'an dernier : retirez ceux qui n'en ont plus besoin."
        }
        return Console.page("autorisations", title: "Autorisations — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/autorisations", message: message, error: error, status: status)
    }

    func consoleChangeRight(_ call: Call) async throws -> Response {
        do {
            let json = try await changeRight(call).jsonObject()
            var said = json["motif"] as? String ?? "Fait."
            if let space = json["espace"] as? String { said += " Dossier des référents : \(space)." }
            return try await consoleRights(call, message: said)
        } catch {
            let api = APIError.from(error)
            guard api.status != .internalServerError else { throw error }
            return try await consoleRights(call, error: api.french, status: api.status)
        }
    }

    // MARK: - Mes classes, Comptes, réinitialisation

    func consoleClasses(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let acting = who.acting(at: uai)
        let (byClass, divisions) = try await access.run { store -> ([String: [Account]], Set<String>) in
            let divisions = Set(try await PeopleQuery(store: store).people(uai: uai, kind: .student).compactMap(\.division))
            let school = try await SchoolAccounts.load(store, uai: uai)
            let me = try school.actor(acting, uai: uai)
            let taught = me.teaches ?? []
            var byClass: [String: [Account]] = [:]
            for a in school.directory.accounts where a.kind == .student && a.status != .deleted {
                for code in school.holder(a).structures.intersection(taught) { byClass[code, default: []].append(a) }
            }
            return (byClass, divisions)
        }
        let classes = byClass.sorted { $0.key < $1.key }.map { code, students -> [String: Any] in
            ["code": code, "lienFiches": Self.sheetsLink(uai: uai, selection: (divisions.contains(code) ? "classe:" : "groupe:") + code), "eleves": students.sorted { ($0.name.familyName, $0.name.firstName) < ($1.name.familyName, $1.name.firstName) }.map {
                ["nom": $0.name.familyName, "prenom": $0.name.firstName, "identifiant": $0.login]
            }]
        }
        let data: [String: Any] = ["uai": uai.code, "csrf": who.session?.csrf ?? "", "classes": classes]
        return Console.page("classes", title: "Mes classes — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/classes")
    }

    func consoleAccounts(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let q = (call.query["q"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let all = try await accounts(call).jsonArray()
        let found = all.filter { line in
            q.isEmpty || ["identifiant", "identifiantENT", "nom", "prenom"].contains { (line[$0] as? String)?.lowercased().contains(q) ?? false }
                || (line["classes"] as? [String] ?? []).contains { $0.lowercased().contains(q) }
        }
        let data: [String: Any] = [
            "uai": uai.code, "csrf": who.session?.csrf ?? "", "q": q, "nombre": found.count, "tronque": found.count > 200,
            "peutReinitialiser": AccessRules.route(.passwordReset, by: who.requester, at: uai).isAllowed && who.session != nil,
            "comptes": found.prefix(200).map { line -> [String: Any] in
                ["identifiant": line["identifiant"] as? String ?? "", "nom": line["nom"] as? String ?? "", "prenom": line["prenom"] as? String ?? "",
                 "profil": line["profil"] as? String ?? "", "statut": Self.statusLabel(line["statut"] as? String ?? ""),
                 "classes": (line["classes"] as? [String] ?? []).joined(separator: ", ")]
            },
        ]
        return Console.page("comptes", title: "Comptes — \(uai.code)", data: data, who: who, school: uai,
                            active: "/console/etablissements/\(uai.code)/comptes")
    }

    /// The API's reset (its per-action rule: a teacher for the students they teach), then the
    /// temporary password shown once, on a printable sheet.
    func consoleReset(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let login = (Console.form(call)["identifiant"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.isEmpty, login.count <= 64 else { throw APIError.badRequest("Identifiant manquant.") }
        var reset = call
        reset.parameters["login"] = login
        let json = try await self.reset(reset).jsonObject()
        let done = json["identifiant"] as? String ?? login
        let account = try await access.run { store -> (Account, [String])? in
            let school = try await SchoolAccounts.load(store, uai: uai)
            guard let a = try? school.account(done, uai: uai) else { return nil }
            return (a, school.holder(a).structures.sorted())
        }
        let teacherOnly = who.requester.roles(at: uai).isDisjoint(with: [.department, .direction, .rupn])
        var data: [String: Any] = [
            "identifiant": done, "provisoire": json["motDePasseProvisoire"] as? String ?? "(non disponible)",
            "motif": json["motif"] as? String ?? "",
            "retour": "/console/etablissements/\(uai.code)/\(teacherOnly ? "classes" : "comptes")",
        ]
        if let (a, classes) = account {
            data["nom"] = a.name.familyName
            data["prenom"] = a.name.firstName
            if !classes.isEmpty { data["classes"] = classes.joined(separator: ", ") }
        }
        if let directory = json["annuaire"] as? String { data["annuaire"] = directory }
        return Console.page("reinitialise", title: "Mot de passe réinitialisé", data: data, who: who, school: uai,
                            message: "Nouveau mot de passe provisoire pour \(done).")
    }
}

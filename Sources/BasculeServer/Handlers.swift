import BasculeApp
import BasculeDomain
import BasculeImport
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// The routes' work: each goes through the services the CLI uses, with the authenticated actor.
extension ServiceCore {
    // MARK: - Open to all

    func health() throws -> Response {
        try JSON.response(["etat": "ok"])
    }

    func metricsText() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.text)))
    }

    func openAPIResponse() throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.data(Self.routes))))
    }

    // MARK: - Logging in

    func loginForm(_ call: Call) throws -> Response {
        let token = Secrets.random()
        return try JSON.response(["csrf": token], headers: [
            .setCookie: Cookies.header(Cookies.login, token, secure: settings.secureCookies, maxAge: 3600),
        ])
    }

    struct LoginFields: Decodable {
        var identifiant: String
        var motDePasse: String
        var etablissement: String?
        var csrf: String?
    }

    struct LoginAnswer: Encodable {
        var identifiant: String
        var etablissement: String?
        var roles: [String]
        var csrf: String
        var aChanger: Bool
    }

    func login(_ call: Call) async throws -> Response {
        // The login form carries the token its cookie holds: another site cannot post it.
        let formToken = Cookies.parse(call.request.headers[.cookie])[Cookies.login]
        guard let formToken, let given = call.request.headers[Self.csrfHeader] ?? call.csrfField, Secrets.equal(formToken, given) else {
            throw APIError(.forbidden, "csrf", "Jeton CSRF du formulaire de connexion absent ou invalide (GET /api/connexion le donne).",
                           "missing or invalid login form CSRF token")
        }
        let fields = try call.decode(LoginFields.self)
        let login = fields.identifiant.trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.isEmpty, login.count <= 64, !fields.motDePasse.isEmpty, fields.motDePasse.count <= 256 else {
            throw APIError.badRequest("Identifiant et mot de passe sont exigés.", "login and password required")
        }
        var uai: UAI?
        if let text = fields.etablissement, !text.isEmpty {
            guard let u = UAI(text) else { throw APIError.badRequest("Établissement invalide : un UAI est attendu.", "invalid UAI") }
            uai = u
        }
        let key = Self.throttleKey(uai: uai, login: login)
        let now = self.now
        // Counted as a failure from here on: attempts sent together each find the others counted.
        if let wait = await throttle.admit(account: key, address: call.address, now: now) {
            throw throttled(login: login, wait: wait)
        }
        let session: SessionRow
        var roles: [String] = []
        var mustChange = false
        let csrf = Secrets.random()
        let secret = Secrets.random()
        let expires = now.addingTimeInterval(min(settings.sessionIdle, settings.sessionLifetime))
        if let uai {
            guard let signIn = try await passwords.person(uai: uai, login: login, password: fields.motDePasse) else {
                return try await refuse(login: login, key: key, call: call, now: now)
            }
            let account = signIn.account
            mustChange = signIn.temporary
            session = SessionRow(kind: SessionKind.person.rawValue, login: account.login, uai: uai, idHash: Secrets.sha256(secret),
                                 csrf: csrf, createdAt: now, expiresAt: expires, personID: account.personID, mustChange: mustChange)
            roles = try await access.run { store in
                let school = try await SchoolAccounts.load(store, uai: uai)
                let requester = Requester.person(school.holder(account), at: uai)
                try await store.createSession(session)
                return requester.roles(at: uai).sorted().map(\.rawValue)
            }
        } else {
            guard try await passwords.admin(login: login, password: fields.motDePasse) else {
                return try await refuse(login: login, key: key, call: call, now: now)
            }
            session = SessionRow(kind: SessionKind.admin.rawValue, login: login, uai: nil, idHash: Secrets.sha256(secret), csrf: csrf,
                                 createdAt: now, expiresAt: expires)
            try await access.run { store in
                try await store.deleteExpiredSessions(now: now)
                try await store.createSession(session)
            }
            roles = [AccessRole.department.rawValue]
        }
        await throttle.succeeded(account: key, address: call.address)
        metrics.login("reussie")
        logger.info("connexion", metadata: ["identifiant": "\(Self.loggable(login))", "etablissement": "\(uai?.code ?? "département")"])
        return try JSON.response(LoginAnswer(identifiant: session.login, etablissement: uai?.code, roles: roles, csrf: csrf, aChanger: mustChange),
                                 headers: [.setCookie: Cookies.header(Cookies.session, secret, secure: settings.secureCookies, maxAge: nil)])
    }

    /// A login as typed, for the log: anyone may type one, and a line break in it would write a
    /// line of their own into the journal. Logins are letters, digits, `.`, `_` and `-`; anything
    /// else shows as `?`.
    static func loggable(_ login: String) -> String {
        String(login.prefix(64).unicodeScalars.map { s -> Character in
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-" ? Character(s) : "?"
        })
    }

    /// The throttle's count for an account: a person's at their school, or a department administrator's.
    static func throttleKey(uai: UAI?, login: String) -> String { "\(uai?.code ?? "departement")|\(login)" }

    func throttled(login: String, wait: TimeInterval) -> APIError {
        metrics.login("retardee")
        logger.notice("connexion retardée", metadata: ["identifiant": "\(Self.loggable(login))", "attente_s": "\(Int(wait.rounded(.up)))"])
        return APIError(.tooManyRequests, "trop-d-essais",
                        "Trop d'essais infructueux : réessayez dans \(Int(wait.rounded(.up))) s.", "too many failed attempts",
                        headers: [.retryAfter: "\(Int(wait.rounded(.up)))"])
    }

    private func refuse(login: String, key: String, call: Call, now: Date) async throws -> Response {
        metrics.login("refusee")
        logger.notice("connexion refusée", metadata: ["identifiant": "\(Self.loggable(login))"])
        throw APIError(.unauthorized, "identifiants-incorrects", "Identifiant ou mot de passe incorrect.", "wrong login or password")
    }

    func logout(_ call: Call) async throws -> Response {
        if let session = try call.who.session {
            try await access.run { try await $0.deleteSession(idHash: session.idHash) }
        }
        return try JSON.response(["message": "Session fermée."], headers: [
            .setCookie: Cookies.header(Cookies.session, "", secure: settings.secureCookies, maxAge: 0),
        ])
    }

    // MARK: - Me

    struct MeAnswer: Encodable {
        var nom: String
        var roles: [String]
        var etablissements: [String: [String]]
        var aChanger: Bool
    }

    func me(_ call: Call) async throws -> Response {
        let r = try call.who.requester
        return try JSON.response(MeAnswer(nom: r.name, roles: r.global.sorted().map(\.rawValue),
                                          etablissements: Dictionary(r.bySchool.map { ($0.key.code, $0.value.sorted().map(\.rawValue)) },
                                                                     uniquingKeysWith: { a, _ in a }),
                                          aChanger: call.principal?.session?.mustChange ?? false))
    }

    struct PasswordFields: Decodable {
        var ancien: String
        var nouveau: String
    }

    func changeOwnPassword(_ call: Call) async throws -> Response {
        let who = try call.who
        guard let session = who.session else {
            throw APIError.forbidden(Reason("un jeton n'a pas de mot de passe", "a token has no password"))
        }
        let fields = try call.decode(PasswordFields.self)
        // The same password again would clear a temporary password's flag and keep the password
        // printed on a sheet that went through other hands.
        guard fields.nouveau != fields.ancien else {
            throw APIError(.unprocessableContent, "mot-de-passe-refuse", "Mot de passe refusé : le nouveau doit différer de l'ancien.",
                           "the new password must differ from the current one")
        }
        let now = self.now, today = self.today
        let hasher = PasswordHasher(rounds: settings.passwordRounds)
        // The old password is a guess as a login's is (a session left open on a shared computer
        // would otherwise try it unthrottled): the login's throttle, on the same count.
        let key = Self.throttleKey(uai: session.kind == SessionKind.admin.rawValue ? nil : session.uai, login: session.login)
        if let wait = await throttle.admit(account: key, address: call.address, now: now) {
            throw throttled(login: session.login, wait: wait)
        }
        if session.kind == SessionKind.admin.rawValue {
            guard try await passwords.admin(login: session.login, password: fields.ancien) else {
                throw APIError(.unprocessableContent, "ancien-incorrect", "Ancien mot de passe incorrect.", "wrong current password")
            }
            await throttle.succeeded(account: key, address: call.address)
            let refusals = PasswordRule().check(fields.nouveau, context: PasswordContext(login: session.login))
            guard refusals.isEmpty else { throw refused(refusals) }
            let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(fields.nouveau) }
            try await access.run { store in
                guard let old = try await store.departmentAdmin(login: session.login) else { return }
                try await store.saveDepartmentAdmin(DepartmentAdmin(login: old.login, passwordHash: hash, createdAt: old.createdAt, createdBy: old.createdBy),
                                                    replacing: true, audit: [AuditEntry(at: Store.timestamp(now), day: today, actor: "admin:\(session.login)",
                                                                                        uai: Store.departmentAuditUAI, event: "admin-password", target: session.login,
                                                                                        french: "mot de passe d'administrateur changé par son titulaire (service)",
                                                                                        english: "administrator password changed by its holder", planHash: nil)])
                try await store.deleteSessions(kind: SessionKind.admin.rawValue, login: session.login, uai: nil, except: session.idHash)
            }
            return try JSON.response(["message": "Mot de passe changé."])
        }
        guard let uai = session.uai else { throw APIError.unauthenticated }
        guard let account = try await passwords.person(uai: uai, login: session.login, password: fields.ancien)?.account,
              account.personID == session.personID else {
            throw APIError(.unprocessableContent, "ancien-incorrect", "Ancien mot de passe incorrect.", "wrong current password")
        }
        await throttle.succeeded(account: key, address: call.address)
        let refusals = PasswordRule().check(fields.nouveau, context: PasswordContext(login: account.login, firstName: account.name.firstName,
                                                                                      familyName: account.name.familyName))
        guard refusals.isEmpty else { throw refused(refusals) }
        var target = "annuaire intégré"
        if settings.configuration?.annuaire != nil {
            // The person's own bind changes their entry (ppolicy clears pwdReset on a change by its owner).
            try await changeInDirectory(uai: uai, login: account.login, old: fields.ancien, new: fields.nouveau)
            target = "annuaire"
        }
        let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(fields.nouveau) }
        let audit = AuditEntry(at: Store.timestamp(now), day: today, actor: account.login, uai: uai, event: "own-password", target: account.login,
                               french: "mot de passe choisi par son titulaire (service, \(target))", english: "password chosen by its holder",
                               planHash: nil)
        try await access.run { store in
            try await store.replaceOwnPassword(uai: uai, personID: account.personID, hash: hash, directoryHash: nil, on: today, audit: [audit])
            try await store.deleteSessions(kind: SessionKind.person.rawValue, login: account.login, uai: uai, except: session.idHash)
            try await store.clearSessionMustChange(idHash: session.idHash)
        }
        return try JSON.response(["message": "Mot de passe changé."])
    }

    func refused(_ refusals: [PasswordRefusal]) -> APIError {
        APIError(.unprocessableContent, "mot-de-passe-refuse", "Mot de passe refusé : " + refusals.map(\.french).joined(separator: " "),
                 refusals.map(\.english).joined(separator: " "))
    }

    func changeInDirectory(uai: UAI, login: String, old: String, new: String) async throws {
        guard let configuration = settings.configuration else { return }
        let secret = settings.directoryPassword
        let log = logger
        try await NIOThreadPool.singleton.runIfActive {
            guard let connector = try configuration.connector(password: secret, warn: { log.warning("\($0)") }) else { return }
            let found = try connector.connection.search(base: connector.layout.school(uai),
                                                        filter: "(&(objectClass=posixAccount)(uid=\(LDAPEscape.filterValue(login))))",
                                                        attributes: ["uid"])
            guard found.count == 1 else { throw APIError.notFound("Compte introuvable dans l'annuaire.") }
            let own = try connector.connect()
            try own.bind(dn: found[0].dn, password: old)
            try own.modify(found[0].dn, [.replace("userPassword", [try DirectoryPasswordHash.make(new)])])
        }
    }

    // MARK: - Schools

    struct SchoolLine: Encodable {
        var uai: String
        var tachesOuvertes: Int
    }

    func schools(_ call: Call) async throws -> Response {
        let visible = try call.who.requester.schools
        let lines = try await access.run { store -> [SchoolLine] in
            let todos = try await store.todos()
            return try await store.schools().filter { visible?.contains($0) ?? true }.map { uai in
                SchoolLine(uai: uai.code, tachesOuvertes: todos.filter { $0.todo.uai == uai }.count)
            }
        }
        return try JSON.response(lines)
    }

    struct SchoolState: Encodable {
        struct ImportLine: Encodable {
            var source: String
            var fichier: String
            var dateExport: String?
            var importeLe: String
        }
        struct RunLine: Encodable {
            var jour: String
            var etat: String
        }
        struct Access: Encodable {
            var profil: String
            var ouvert: Bool
            var motif: String
        }

        var uai: String
        var date: String
        var imports: [ImportLine]
        var executions: [RunLine]
        var tachesOuvertes: Int
        var acces: [Access]
    }

    func schoolState(_ call: Call) async throws -> Response {
        let uai = try call.school
        let day = try call.day(nil, today: today)
        let calendars = self.calendars
        let state = try await access.run { store -> SchoolState in
            var latest: [SchoolState.ImportLine] = []
            for source in SourceKind.allCases {
                if let i = try await store.latestImport(uai: uai, source: source) {
                    latest.append(.init(source: source.rawValue, fichier: i.fileName, dateExport: i.exportDate?.description, importeLe: i.importedAt))
                }
            }
            let runs = try await store.dailyRuns(uai: uai).suffix(7).map { SchoolState.RunLine(jour: $0.day.description, etat: $0.state) }
            let calendar = try? calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
            let notices = calendar?.accessNotices(on: day, liftings: try await store.accessLiftings(uai: uai)) ?? []
            return SchoolState(uai: uai.code, date: day.description, imports: latest, executions: Array(runs),
                               tachesOuvertes: try await store.todos(uai: uai).count,
                               acces: notices.filter { $0.target == .ent }.map { .init(profil: $0.role.rawValue, ouvert: $0.isOpen, motif: $0.reason.french) })
        }
        guard !state.imports.isEmpty || !state.executions.isEmpty else {
            throw APIError.notFound("Établissement \(uai) inconnu de Bascule : aucun import.")
        }
        return try JSON.response(state)
    }

    // MARK: - Imports

    struct UploadAnswer: Encodable {
        var source: String
        var mode: String
        var fichier: String?
        var resume: ImportSummary?
    }

    /// The upload is written to a private file in the school's drop folder (hidden, so the daily
    /// run never takes a half-written one), read by the export readers (the kind from its root
    /// element, the school from its header), then dropped under its kind's name or imported.
    func upload(_ call: Call) async throws -> Response {
        let uai = try call.school
        let mode = call.query["mode"] ?? "depot"
        guard mode == "depot" || mode == "import" else { throw APIError.badRequest("mode : depot ou import.", "mode: depot or import") }
        guard let body = call.body, body.readableBytes > 0 else { throw APIError.badRequest("Corps vide : l'export (XML ou ZIP) est attendu.", "empty body") }
        let day = try call.day(nil, today: today)
        let folder = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("depot").appendingPathComponent(uai.code)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let scratch = folder.appendingPathComponent(".televersement-\(UUID().uuidString.lowercased())")
        guard FileManager.default.createFile(atPath: scratch.path, contents: Data(buffer: body), attributes: [.posixPermissions: 0o600]) else {
            throw APIError(.internalServerError, "ecriture", "Impossible d'écrire l'export reçu dans le dépôt.", "cannot write the upload")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let header: ExportHeader
        do {
            let shown = call.fileName ?? "export déposé"
            header = try await NIOThreadPool.singleton.runIfActive { try ExportReader().read(scratch, displayName: shown).header }
        } catch let error as ImportError {
            throw APIError.from(error)
        }
        guard header.uai == uai else {
            throw APIError(.unprocessableContent, "autre-etablissement",
                           "Cet export est celui de l'établissement \(header.uai), pas de \(uai) : rien n'a été déposé.", "export of another school")
        }
        if mode == "import" {
            let issuerDirectory = settings.dataDirectory
            let now = self.now
            let summary = try await access.run { store in
                var service = ImportService(store: store, today: day, now: now)
                service.archive = ImportFileArchive(dataDirectory: issuerDirectory)
                return try await service.importFiles([scratch], school: uai)
            }
            try? await refreshIndex()
            return try JSON.response(UploadAnswer(source: header.source.rawValue, mode: mode, fichier: nil, resume: summary), status: .created)
        }
        let stamp = Store.timestamp(now).replacingOccurrences(of: ":", with: "")
        let isZip = Data(buffer: body).prefix(2) == Data("PK".utf8)
        let name = "\(header.source.rawValue)-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).\(isZip ? "zip" : "xml")"
        try FileManager.default.moveItem(at: scratch, to: folder.appendingPathComponent(name))
        logger.info("export déposé", metadata: ["etablissement": "\(uai)", "source": "\(header.source.rawValue)"])
        return try JSON.response(UploadAnswer(source: header.source.rawValue, mode: mode, fichier: name, resume: nil), status: .created)
    }

    // MARK: - Plans

    func planning(issuing: Bool) throws -> PlanningService {
        PlanningService(store: access.store, policy: policy, credentials: issuing ? try issuer() : nil, gate: gate)
    }

    func plan(_ call: Call) async throws -> Response {
        let uai = try call.school
        let day = try call.day(nil, today: today)
        let planning = try planning(issuing: false)
        let hashed = try await access.run { _ in try await planning.plan(uai: uai, date: day) }
        // The plan's own JSON, as `bascule plan --json` writes it, inside the answer.
        let text = "{\"date\":\"\(day)\",\"empreinte\":\"\(hashed.hash)\",\"plan\":\(hashed.json)}"
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    struct ApplyFields: Decodable {
        var empreinte: String
        var date: String?
        var confirmerChangementDeMasse: Bool?
        var raison: String?
    }

    struct ApplyAnswer: Encodable {
        var empreinte: String
        var actions: Int
        var cibles: [String]
    }

    func apply(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = try call.decode(ApplyFields.self)
        let day = try call.day(fields.date, today: today)
        let done = try await applyPlan(uai: uai, who: who, day: day, hash: fields.empreinte, confirm: fields.confirmerChangementDeMasse ?? false,
                                       reason: fields.raison) { _, _ in }
        return try JSON.response(done)
    }

    /// The API's and the console's apply: the plan of that hash, then the directory and the
    /// spaces, then the access index; `progress` hears each step (the console's progress bar).
    func applyPlan(uai: UAI, who: Principal, day: CivilDate, hash: String, confirm: Bool, reason: String?,
                   progress: @Sendable (Int, String) async -> Void) async throws -> ApplyAnswer {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if confirm, (reason ?? "").isEmpty {
            throw APIError.badRequest("Une confirmation de changement de masse exige sa raison (champ raison).", "a mass change needs a reason")
        }
        guard hash.count >= 8 else { throw APIError.badRequest("empreinte : au moins 8 caractères du plan montré.", "hash too short") }
        let planning = try planning(issuing: true)
        let actor = "\(who.name) (service)"
        let now = self.now
        await progress(15, "Application du plan au magasin de Bascule…")
        let hashed = try await access.run { _ in
            try await planning.apply(uai: uai, date: day, expectedHash: hash, allowMassChange: confirm, reason: reason,
                                     actor: actor, now: now)
        }
        await progress(60, "Magasin à jour (\(hashed.plan.actions.count) action(s)) ; annuaire et espaces…")
        var targets: [String] = []
        if hashed.plan.changesDirectory { targets = try await syncTargets(uai: uai, day: day, actor: actor) }
        await progress(90, "Mise à jour de la décision d'accès à l'ENT…")
        try? await refreshIndex()
        return ApplyAnswer(empreinte: hashed.hash, actions: hashed.plan.actions.count, cibles: targets)
    }

    /// The directory and the spaces follow, when configured (as `bascule apply` does); what they
    /// could not do is said, the plan stays applied.
    func syncTargets(uai: UAI, day: CivilDate, actor: String) async throws -> [String] {
        guard let configuration = settings.configuration else { return [] }
        var directory: (@Sendable () throws -> OpenLDAPConnector)?
        if configuration.annuaire != nil {
            let secret = settings.directoryPassword
            let log = logger
            directory = { @Sendable () throws -> OpenLDAPConnector in
                guard let c = try configuration.connector(password: secret, warn: { log.warning("\($0)") }) else {
                    throw ConfigurationError.invalid("annuaire")
                }
                return c
            }
        }
        let spaces = try configuration.spacesSettings(dataDirectory: settings.dataDirectory)
        guard directory != nil || spaces != nil else { return [] }
        let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
        let following = try? calendars.calendar(for: SchoolYear(startYear: calendar.year.startYear + 1), school: uai).calendar
        let connect = directory
        let outcome = try await access.run { store in
            try await TargetsSync(store: store, directory: connect, spaces: spaces, firstPosixNumber: configuration.firstPosixNumber)
                .sync(uai: uai, day: day, removals: SharedSpaceRemovals(calendar: calendar, following: following, on: day), actor: actor)
        }
        var out: [String] = []
        if let d = outcome.directory { out.append("annuaire : \(d.operations.count) opération(s), \(d.failures.count) échec(s)") }
        if let e = outcome.directoryError {
            out.append("annuaire non synchronisé : \((e as? LDAPError)?.french ?? (e as? SyncRefusal)?.french ?? unexpected(e, "annuaire"))")
        }
        if let s = outcome.spaces { out.append("espaces : \(s.operations.count) opération(s), \(s.failures.count) échec(s)") }
        if let e = outcome.spacesError {
            out.append("espaces non synchronisés : \((e as? SpacesError)?.french ?? (e as? SyncRefusal)?.french ?? unexpected(e, "espaces"))")
        }
        return out
    }

    /// An error no message was written for: its detail (paths, a library's text) goes to the
    /// server's log, the person reads that there is one.
    private func unexpected(_ error: any Error, _ target: String) -> String {
        logger.error("synchronisation en échec", metadata: ["cible": "\(target)", "cause": "\(String(reflecting: error).prefix(500))"])
        return "erreur inattendue, détaillée dans le journal du serveur"
    }

    // MARK: - To-dos, accounts

    func todos(_ call: Call) async throws -> Response {
        let uai = try call.school
        let roles = try call.who.requester.roles(at: uai)
        var wanted: Set<ToDo.Role> = []
        if roles.contains(.department) { wanted = [.department, .direction, .rupn] }
        if roles.contains(.direction) { wanted.insert(.direction) }
        if roles.contains(.rupn) { wanted.insert(.rupn) }
        let rows = try await access.run { try await $0.todos(uai: uai) }.filter { wanted.contains($0.todo.role) }
        return try JSON.response(rows)
    }

    struct AccountLine: Encodable {
        var identifiant: String
        var identifiantENT: String
        var nom: String
        var prenom: String
        var profil: String
        var statut: String
        var depuis: String
        var protege: Bool
        var classes: [String]
    }

    func accounts(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let roles = who.requester.roles(at: uai)
        // A teacher alone sees the students they teach; the direction, the RUPN, the department see all.
        let teacherOnly = roles.isDisjoint(with: [.department, .direction, .rupn])
        let acting = who.acting(at: uai)
        let lines = try await access.run { store -> [AccountLine] in
            let school = try await SchoolAccounts.load(store, uai: uai)
            let me = try school.actor(acting, uai: uai)
            return school.directory.accounts.filter { $0.status != .deleted }.compactMap { a -> AccountLine? in
                let holder = school.holder(a)
                if teacherOnly, a.kind != .student || (me.teaches ?? []).isDisjoint(with: holder.structures) { return nil }
                return AccountLine(identifiant: a.login, identifiantENT: a.entLogin, nom: a.name.familyName, prenom: a.name.firstName,
                                   profil: a.kind.rawValue, statut: a.status.rawValue, depuis: a.statusSince.description,
                                   protege: a.protected, classes: holder.structures.sorted())
            }.sorted { $0.identifiant < $1.identifiant }
        }
        return try JSON.response(lines)
    }

    struct DateFields: Decodable {
        var date: String?
    }

    struct ResetAnswer: Encodable {
        var identifiant: String
        var motDePasseProvisoire: String?
        var motif: String
        var annuaire: String?
    }

    func reset(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        guard let login = call.parameters["login"] else { throw APIError.badRequest("Identifiant manquant.") }
        let fields = (try? call.decode(DateFields.self)) ?? DateFields()
        let day = try call.day(fields.date, today: today)
        let issuer = try issuer()
        let now = self.now
        let acting = who.acting(at: uai)
        let (outcome, temporary) = try await access.run { store -> (PasswordResetService.Outcome, String?) in
            let done = try await PasswordResetService(store: store, issuer: issuer)
                .reset(uai: uai, login: login, as: acting, on: day, systemUser: "service (\(who.name))", now: now,
                       keepingSession: who.session?.idHash)
            let sealed = try await store.credential(personID: done.account.personID)?.sealedTemporary
            return (done, try sealed.map { try issuer.vault.open($0) })
        }
        var directory: String?
        if let configuration = settings.configuration, configuration.annuaire != nil {
            let secret = settings.directoryPassword
            let log = logger
            do {
                let report = try await access.run { store in
                    guard let connector = try configuration.connector(password: secret, warn: { log.warning("\($0)") }) else {
                        throw ConfigurationError.invalid("annuaire")
                    }
                    return try await DirectorySyncService(store: store, connector: connector, layout: connector.layout)
                        .syncAccount(uai: uai, personID: outcome.account.personID, actor: "service (\(who.name))")
                }
                directory = report.failures.isEmpty ? "ok" : "refusé : \(report.failures[0].error)"
            } catch {
                directory = "injoignable : le mot de passe y arrivera à la prochaine synchronisation"
            }
        }
        logger.info("mot de passe réinitialisé", metadata: ["par": "\(who.name)", "compte": "\(outcome.account.login)"])
        return try JSON.response(ResetAnswer(identifiant: outcome.account.login, motDePasseProvisoire: temporary,
                                             motif: outcome.allowedBecause.french, annuaire: directory))
    }

    // MARK: - Rights, closure, departures, verification

    struct RightLine: Encodable {
        var droit: String
        var identifiant: String
        var statut: String
        var accordePar: String
        var accordeLe: String
    }

    func rights(_ call: Call) async throws -> Response {
        let uai = try call.school
        let held = try await access.run { try await RightsService(store: $0).list(uai: uai) }
        return try JSON.response(held.map { RightLine(droit: $0.right.rawValue, identifiant: $0.login, statut: $0.status.rawValue,
                                                      accordePar: $0.grantedBy, accordeLe: $0.grantedOn.description) })
    }

    struct RightFields: Decodable {
        var droit: String
        var identifiant: String
        var action: String
        var date: String?
    }

    func changeRight(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = try call.decode(RightFields.self)
        guard let right = SchoolRight(rawValue: fields.droit) else {
            throw APIError.badRequest("droit « \(fields.droit) » inconnu : \(SchoolRight.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard fields.action == "accorder" || fields.action == "retirer" else { throw APIError.badRequest("action : accorder ou retirer.") }
        let day = try call.day(fields.date, today: today)
        let (acting, now) = (who.acting(at: uai), self.now)
        let reason = try await access.run { store in
            try await RightsService(store: store).change(uai: uai, right: right, login: fields.identifiant, acting: acting, date: day,
                                                          systemUser: "service (\(who.name))", now: now, granting: fields.action == "accorder")
        }
        var answer = ["motif": reason.french]
        // As `bascule rights`: the RUPNs' folder (ReferentsInformatique) follows the right at once.
        if right == .rupn, let configuration = settings.configuration,
           let spaces = try configuration.spacesSettings(dataDirectory: settings.dataDirectory) {
            do {
                let report = try await access.run { store in
                    try await SpacesService(store: store, settings: spaces, firstPosixNumber: configuration.firstPosixNumber)
                        .syncReferents(uai: uai, date: day)
                }
                answer["espace"] = report.failures.isEmpty ? "à jour" : "pas à jour : bascule spaces sync le finira"
            } catch let error as SpacesError {
                answer["espace"] = "pas à jour (\(error.french)) : bascule spaces sync le finira"
            }
        }
        return try JSON.response(answer)
    }

    struct ClosureFields: Decodable {
        var profils: [String]?
        var entree: String?
        var date: String?
        var annuler: Bool?
    }

    func liftClosure(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        // No body: every profile of the closure. A body that does not read is an error, never that
        // default (`"annuler": "true"` must not lift the closure for everyone).
        let fields = (call.body?.readableBytes ?? 0) > 0 ? try call.decode(ClosureFields.self) : ClosureFields()
        let day = try call.day(fields.date, today: today)
        var roles: [CalendarRole] = []
        for p in fields.profils ?? [] {
            guard let role = CalendarRole(rawValue: p) else {
                throw APIError.badRequest("profil « \(p) » : \(CalendarRole.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            roles.append(role)
        }
        let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: uai).calendar
        let entry = try ClosureLiftService.closure(fields.entree, in: calendar)
        let (acting, now, chosen) = (who.acting(at: uai), self.now, roles)
        let done: [String] = try await access.run { store in
            let service = ClosureLiftService(store: store)
            if fields.annuler ?? false {
                return try await service.cancel(uai: uai, calendar: calendar, entry: entry, roles: chosen, as: acting,
                                                systemUser: "service (\(who.name))", now: now).map(\.rawValue)
            }
            return try await service.lift(uai: uai, calendar: calendar, entry: entry, roles: chosen, as: acting, on: day,
                                          systemUser: "service (\(who.name))", now: now).map(\.role.rawValue)
        }
        try? await refreshIndex()
        return try JSON.response(["profils": done])
    }

    struct DepartureFields: Decodable {
        var identifiants: [String]
        var date: String?
    }

    func approveDepartures(_ call: Call) async throws -> Response {
        let uai = try call.school
        let who = try call.who
        let fields = try call.decode(DepartureFields.self)
        guard !fields.identifiants.isEmpty else { throw APIError.badRequest("identifiants : au moins un.") }
        let day = try call.day(fields.date, today: today)
        let acting = who.acting(at: uai)
        let approved = try await access.run { store in
            try await DepartureApprovalService(store: store).approve(uai: uai, logins: fields.identifiants, as: acting, on: day,
                                                                      systemUser: "service (\(who.name))")
        }
        return try JSON.response(["identifiants": approved.map(\.login)])
    }

    func verification(_ call: Call) async throws -> Response {
        let uai = try call.school
        let day = try call.day(nil, today: today)
        return try JSON.response(try await verificationReport(uai: uai, day: day))
    }

    /// `bascule verify` for one school: against the real directory when configured.
    func verificationReport(uai: UAI, day: CivilDate) async throws -> VerificationReport {
        let gate = try self.gate(uai, day)
        let (policy, configuration, secret, log, data) = (self.policy, settings.configuration, settings.directoryPassword, logger, settings.dataDirectory)
        let report = try await access.run { store in
            let connector = try await NIOThreadPool.singleton.runIfActive {
                try configuration?.connector(password: secret, warn: { log.warning("\($0)") })
            }
            return try await VerificationService(store: store, policy: policy, connector: connector, gate: { _, _ in gate })
                .verify(uai: uai, date: day, deletionWindows: gate.deletionWindows, approvalRequired: gate.approvalRequired,
                        dataOption: "--data \(data)")
        }
        return report
    }

    // MARK: - Single sign-on

    func accessDecision(_ call: Call) throws -> Response {
        guard let login = call.query["login"], !login.isEmpty, login.count <= 64 else {
            throw APIError.badRequest("login : l'identifiant à décider est exigé (?login=…).", "login required")
        }
        let day = try call.day(nil, today: today)
        let answer = index.current.decide(login: login, on: day, schools: try call.who.requester.schools)
        metrics.accessDecision(allowed: answer.autorise)
        return try JSON.response(answer)
    }
}

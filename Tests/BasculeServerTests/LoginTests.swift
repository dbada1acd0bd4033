import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("People log in: sessions in cookies, CSRF, throttling, no secret in an address or a log", .serialized)
struct LoginTests {
    @Test("Without a directory, against the store's hashes; the cookie is HttpOnly, SameSite=Strict, Secure behind a TLS proxy; sessions expire")
    func storeLogin() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai

        let ok = try await server.login(school.taught.login, School.password, school: u)
        #expect(ok.status == 200, "\(ok.text)")
        let cookie = try #require(ok.cookies.first { $0.hasPrefix("bascule_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"), "plain HTTP on loopback, no proxy declared")
        #expect(ok.json["roles"] as? [String] == ["personne"])

        #expect(try await server.login(school.taught.login, "Pas-le-bon-2026", school: u).status == 401)
        #expect(try await server.login("inconnu", School.password, school: u).status == 401)
        // A person the store has no usable hash for cannot log in (not with an empty password either).
        #expect(try await server.login(school.otherStaff.login, School.password, school: u).status == 401)
        #expect(try await server.login(school.taught.login, "", school: u).status == 400)

        // The session works, then ends after 30 idle minutes.
        let session = try await server.session(school.principal.login, school: u)
        #expect(try await server.send(.GET, "/api/moi", headers: session.headers).status == 200)
        clock.advance(20 * 60)
        #expect(try await server.send(.GET, "/api/moi", headers: session.headers).status == 200, "a request pushes the end back")
        clock.advance(31 * 60)
        #expect(try await server.send(.GET, "/api/moi", headers: session.headers).status == 401)

        // Logging out ends it at once.
        let again = try await server.session(school.principal.login, school: u)
        #expect(try await server.json(.POST, "/api/deconnexion", [:], headers: again.headers).status == 200)
        #expect(try await server.send(.GET, "/api/moi", headers: again.headers).status == 401)

        // Behind a TLS proxy, the cookie is Secure.
        var proxied = settings(school, clock: clock)
        proxied.behindProxy = true
        let behind = try await Running.start(proxied, store: school.store)
        defer { Task { await behind.stop() } }
        let secure = try await behind.login(school.taught.login, School.password, school: u)
        #expect(secure.cookies.first { $0.hasPrefix("bascule_session=") }?.contains("Secure") == true)
        #expect(try await behind.send(.GET, "/api/connexion").cookies.first?.contains("Secure") == true)
    }

    @Test("CSRF: the login form and every form a session posts carry the token; without it, refused and nothing changes")
    func csrf() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai

        // The login form without its cookie, or with another token: refused before the password is looked at.
        let noCookie = try await server.json(.POST, "/api/connexion", ["identifiant": school.principal.login, "motDePasse": School.password,
                                                                       "etablissement": u.code, "csrf": "x"])
        #expect(noCookie.status == 403 && noCookie.json["erreur"] as? String == "csrf")
        let (cookie, _) = try await server.loginForm()
        let wrong = try await server.json(.POST, "/api/connexion", ["identifiant": school.principal.login, "motDePasse": School.password,
                                                                    "etablissement": u.code, "csrf": "autre"], headers: [("Cookie", cookie)])
        #expect(wrong.status == 403)

        // A session's state-changing request without the token (a forged form): refused, the right not granted.
        let principal = try await server.session(school.principal.login, school: u)
        let grant: [String: Any] = ["droit": "ent-manager", "identifiant": school.otherStaff.login, "action": "accorder"]
        let forged = try await server.json(.POST, "/api/etablissements/\(u.code)/droits", grant, headers: principal.cookieOnly)
        #expect(forged.status == 403 && forged.json["erreur"] as? String == "csrf")
        #expect(try await school.store.rights(uai: u).filter { $0.right == .entManager }.isEmpty)
        // Another session's token does not do either.
        let other = try await server.session(school.rupn.login, school: u)
        #expect(try await server.json(.POST, "/api/etablissements/\(u.code)/droits", grant,
                                      headers: [("Cookie", principal.cookie), ("X-CSRF-Token", other.csrf)]).status == 403)
        // With its own token, in the header or as a form's field: done.
        let done = try await server.json(.POST, "/api/etablissements/\(u.code)/droits", grant, headers: principal.headers)
        #expect(done.status == 200, "\(done.text)")
        let form = "droit=gar-assignment&identifiant=\(school.otherStaff.login)&action=accorder&csrf=\(principal.csrf)"
        let byForm = try await server.send(.POST, "/api/etablissements/\(u.code)/droits", headers: principal.cookieOnly, body: Data(form.utf8),
                                           contentType: "application/x-www-form-urlencoded")
        #expect(byForm.status == 200, "\(byForm.text)")
        #expect(try await school.store.rights(uai: u).filter { $0.right != .rupn }.count == 2)
        // Reading needs no token.
        #expect(try await server.send(.GET, "/api/etablissements/\(u.code)/droits", headers: principal.cookieOnly).status == 200)
    }

    @Test("Throttling: 5 failures on an account, then exponential delays (even the right password waits); 20 from one address")
    func throttling() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        let login = school.teacher.login

        for i in 1...5 {
            #expect(try await server.login(login, "Mauvais-essai-\(i)", school: u).status == 401)
        }
        let held = try await server.login(login, School.password, school: u)
        #expect(held.status == 429, "the right password waits too: \(held.status)")
        #expect(held.headers["Retry-After"].first == "30")
        #expect((held.json["message"] as? String ?? "").contains("réessayez dans 30 s"))
        clock.advance(31)
        #expect(try await server.login(login, "Mauvais-essai-6", school: u).status == 401)
        let doubled = try await server.login(login, School.password, school: u)
        #expect(doubled.status == 429 && doubled.headers["Retry-After"].first == "60", "\(doubled.headers)")
        clock.advance(61)
        #expect(try await server.login(login, School.password, school: u).status == 200, "after the delay, the right password works")
        // Success clears the account's count.
        #expect(try await server.login(login, "Mauvais-essai-7", school: u).status == 401)
        #expect(try await server.login(login, School.password, school: u).status == 200)

        // From one address, 20 failures across accounts: the 21st account waits too. (A day later,
        // the counts above are forgotten.)
        clock.advance(25 * 3600)
        for i in 0..<20 {
            #expect(try await server.login("personne\(i)", "Mauvais-essai-\(i)", school: u).status == 401)
        }
        #expect(try await server.login(school.rupn.login, School.password, school: u).status == 429)
    }

    @Test("No secret in an address or a log: the service's log after logins holds logins, never a password")
    func noSecretInLogs() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let logs = LogCapture()
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning), logs: logs), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        let wrong = "Faux-Secret-Tres-Long-2026"
        #expect(try await server.login(school.rupn.login, wrong, school: u).status == 401)
        let session = try await server.session(school.rupn.login, school: u)
        let reset = try await server.json(.POST, "/api/etablissements/\(u.code)/comptes/\(school.taught.login)/reinitialisation", [:],
                                          headers: session.headers)
        #expect(reset.status == 200, "\(reset.text)")
        let temporary = try #require(reset.json["motDePasseProvisoire"] as? String)
        #expect(temporary.count == 12)
        #expect(try await server.login(school.taught.login, temporary, school: u).status == 200, "the temporary password logs in")
        // A password in the address is refused, whatever the route.
        #expect(try await server.send(.POST, "/api/connexion?motDePasse=\(School.password)").status == 400)

        let text = logs.text
        #expect(text.contains(school.rupn.login), "logins are logged")
        #expect(text.contains("connexion refusée"))
        for secret in [School.password, wrong, temporary, session.csrf, String(session.cookie.dropFirst("bascule_session=".count))] {
            #expect(!text.contains(secret), "a secret reached the log")
        }
        // The audit keeps the reset, without the password.
        let audit = try await school.store.auditEntries(AuditFilter(uai: u)).filter { $0.event == "password-reset" }
        #expect(audit.count == 1 && audit[0].actor == school.rupn.login)
        #expect(!audit[0].french.contains(temporary))
    }

    @Test("Own password: under the rule, the old one checked; the new one logs in, the old one no more")
    func ownPassword() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        let me = try await server.session(school.untaught.login, school: u)
        let weak = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": School.password, "nouveau": "court"], headers: me.headers)
        #expect(weak.status == 422 && (weak.json["message"] as? String ?? "").contains("Trop court"), "\(weak.text)")
        let withLogin = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": School.password, "nouveau": "X-\(school.untaught.login)-2026!"],
                                              headers: me.headers)
        #expect(withLogin.status == 422)
        #expect(try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": "Pas-le-bon-2026", "nouveau": "Mon-Choix-Solide-26!"],
                                      headers: me.headers).status == 422)
        let done = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": School.password, "nouveau": "Mon-Choix-Solide-26!"],
                                         headers: me.headers)
        #expect(done.status == 200, "\(done.text)")
        #expect(try await server.login(school.untaught.login, "Mon-Choix-Solide-26!", school: u).status == 200)
        #expect(try await server.login(school.untaught.login, School.password, school: u).status == 401)
    }

    @Test("A session opened with a temporary password may only see who it is, change it and log out: the API answers 403 mot-de-passe-provisoire, the console sends to the password page; changed, the session does the rest")
    func temporaryPasswordFirst() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store, client: client)
        defer { Task { await server.stop() } }
        let u = school.uai
        // The RUPN's password reset: a temporary one, as on a sheet.
        let temporary = "Provisoire42x"
        try await school.store.resetCredential(uai: u, CredentialRow(personID: school.rupn.personID,
                                                                     passwordHash: try PasswordHasher(rounds: 1_000).hash(temporary),
                                                                     mustChange: true, issuedOn: School.day, sealedTemporary: nil), audit: [])
        let login = try await server.login(school.rupn.login, temporary, school: u)
        #expect(login.status == 200 && login.json["aChanger"] as? Bool == true, "\(login.text)")
        let session = try await server.session(school.rupn.login, temporary, school: u)
        let me = try await server.send(.GET, "/api/moi", headers: session.headers)
        #expect(me.status == 200 && me.json["aChanger"] as? Bool == true, "\(me.text)")
        for path in ["/api/etablissements/\(u.code)/comptes", "/api/etablissements/\(u.code)/plan", "/api/etablissements"] {
            let refused = try await server.send(.GET, path, headers: session.headers)
            #expect(refused.status == 403 && refused.json["erreur"] as? String == "mot-de-passe-provisoire", "\(path): \(refused.status) \(refused.text)")
        }
        // What a RUPN may do, refused on the temporary password: a student's reset.
        let before = try await school.store.credential(personID: school.taught.personID)?.passwordHash
        let reset = try await server.json(.POST, "/api/etablissements/\(u.code)/comptes/\(school.taught.login)/reinitialisation", [:],
                                          headers: session.headers)
        #expect(reset.status == 403 && reset.json["erreur"] as? String == "mot-de-passe-provisoire", "\(reset.text)")
        #expect(try await school.store.credential(personID: school.taught.personID)?.passwordHash == before, "nothing done on a temporary password")
        // The console's pages send to the password page.
        let page = try await server.send(.GET, "/console/etablissements/\(u.code)/comptes", headers: session.headers)
        #expect(page.status == 303 || page.status == 302, "\(page.status)")
        #expect(page.headers["Location"].first == "/console/mot-de-passe")
        #expect(try await server.send(.GET, "/console/mot-de-passe", headers: session.headers).status == 200)

        // "Changed" to itself: refused, the session still held.
        let same = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": temporary, "nouveau": temporary], headers: session.headers)
        #expect(same.status == 422 && same.json["erreur"] as? String == "mot-de-passe-refuse", "\(same.text)")
        #expect(try await server.send(.GET, "/api/etablissements/\(u.code)/comptes", headers: session.headers).status == 403)
        // Changed: the same session does the rest, and a new login is not asked to change again.
        let changed = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": temporary, "nouveau": "Referent-Choisi-2026!"],
                                            headers: session.headers)
        #expect(changed.status == 200, "\(changed.text)")
        #expect(try await server.send(.GET, "/api/etablissements/\(u.code)/comptes", headers: session.headers).status == 200)
        #expect(try await server.send(.GET, "/api/moi", headers: session.headers).json["aChanger"] as? Bool == false)
        let again = try await server.login(school.rupn.login, "Referent-Choisi-2026!", school: u)
        #expect(again.status == 200 && again.json["aChanger"] as? Bool == false, "\(again.text)")
    }

    @Test("A session names its person: one whose login now belongs to someone else, or one opened before the store kept the person, opens nothing")
    func sessionOfItsPerson() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let student = school.taught
        for (secret, person) in [("session-de-la-personne", Optional(student.personID)), ("session-d-un-ancien-titulaire", "autre-personne"),
                                 ("session-d-avant-la-migration", nil)] {
            try await school.store.createSession(SessionRow(kind: SessionRow.personKind, login: student.login, uai: school.uai,
                                                            idHash: APITokens.hash(secret), csrf: "csrf", createdAt: rentreeMorning,
                                                            expiresAt: rentreeMorning.addingTimeInterval(1800), personID: person))
        }
        let own = try await server.send(.GET, "/api/moi", headers: [("Cookie", "bascule_session=session-de-la-personne")])
        #expect(own.status == 200 && own.json["nom"] as? String == student.login, "\(own.text)")
        for secret in ["session-d-un-ancien-titulaire", "session-d-avant-la-migration"] {
            #expect(try await server.send(.GET, "/api/moi", headers: [("Cookie", "bascule_session=\(secret)")]).status == 401, "\(secret)")
        }
        // A login through the service writes the person.
        let session = try await server.session(student.login, school: school.uai)
        let hash = APITokens.hash(String(session.cookie.dropFirst("bascule_session=".count)))
        #expect(try await school.store.session(idHash: hash, now: rentreeMorning)?.personID == student.personID)
    }
}

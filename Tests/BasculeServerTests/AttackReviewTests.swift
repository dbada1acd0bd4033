import AsyncHTTPClient
import BasculeApp
import BasculeDomain
@testable import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import NIOHTTP1
import Testing

/// The holes the attack review of 1 December found (docs/security.md, « Revue d'attaque »): each
/// test failed before its fix.
@Suite("Attack review: throttle under concurrent guesses, sessions after a reset, login timing", .serialized)
struct AttackReviewTests {
    @Test("Guesses sent together: no more than the threshold reach the password check, the rest wait")
    func concurrentGuessesAreThrottled() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let (cookie, csrf) = try await server.loginForm()
        let fields = try JSONSerialization.data(withJSONObject: ["identifiant": school.teacher.login, "motDePasse": "Mauvais-essai-2026",
                                                                 "csrf": csrf, "etablissement": school.uai.code])
        // Twelve guesses at once on one account (below the address's threshold of 20).
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask { try await server.send(.POST, "/api/connexion", headers: [("Cookie", cookie)], body: fields).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count == 5, "checked: \(statuses.sorted())")
        #expect(statuses.filter { $0 == 429 }.count == 7, "held: \(statuses.sorted())")
        // A right password after that waits as well, and a success gives the address back its count.
        #expect(try await server.login(school.teacher.login, School.password, school: school.uai).status == 429)
        clock.advance(31)
        #expect(try await server.login(school.teacher.login, School.password, school: school.uai).status == 200)
    }

    @Test("A login typed with a line break (or other characters no login has) writes no line of its own into the journal")
    func loginNeverForgesALogLine() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let logs = LogCapture()
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock, logs: logs), store: school.store)
        defer { Task { await server.stop() } }
        // What a forged line would look like in the journal: a success for the principal.
        let forged = "x\ninfo connexion identifiant=\(school.principal.login)"
        for _ in 0..<6 { #expect(try await server.login(forged, "Mauvais-essai-2026", school: school.uai).status != 200) }
        let lines = logs.text.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("info connexion identifiant=") }, "\(logs.text)")
        #expect(logs.text.contains("identifiant=x?info?connexion?identifiant?\(school.principal.login)"), "the login shown with ? for what no login holds: \(logs.text)")
    }

    @Test("The service's session kinds are the ones the use cases end")
    func sessionKindsAgree() {
        #expect(SessionKind.person.rawValue == SessionRow.personKind && SessionKind.admin.rawValue == SessionRow.adminKind)
    }

    @Test("A password reset logs out whoever was logged in with the old password; the one resetting stays")
    func resetEndsTheTargetsSessions() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        // Someone who got hold of the student's password is logged in as them.
        let intruder = try await server.session(school.taught.login, school: u)
        #expect(try await server.send(.GET, "/api/moi", headers: intruder.headers).status == 200)
        let rupn = try await server.session(school.rupn.login, school: u)
        let reset = try await server.json(.POST, "/api/etablissements/\(u.code)/comptes/\(school.taught.login)/reinitialisation", [:],
                                          headers: rupn.headers)
        #expect(reset.status == 200, "\(reset.text)")
        #expect(try await server.send(.GET, "/api/moi", headers: intruder.headers).status == 401, "the old password's session ended")
        #expect(try await server.send(.GET, "/api/moi", headers: rupn.headers).status == 200)

        // The RUPN resetting their own password keeps the session they asked from.
        let own = try await server.json(.POST, "/api/etablissements/\(u.code)/comptes/\(school.rupn.login)/reinitialisation", [:],
                                        headers: rupn.headers)
        #expect(own.status == 200, "\(own.text)")
        #expect(try await server.send(.GET, "/api/moi", headers: rupn.headers).status == 200)
    }

    @Test("An upload's body is read only once the caller is known and allowed: no one unknown makes the service hold it")
    func uploadBodyAfterAuthentication() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        var small = settings(school, clock: clock)
        small.maxUploadBytes = 1 << 20
        let server = try await Running.start(small, store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        // Past the limit: had the body been read first, the answer would be 413 (and the service
        // would have held up to the limit for anyone).
        let big = Data(repeating: 0x41, count: 2 << 20)
        let anonymous = try await server.send(.POST, "/api/etablissements/\(u.code)/imports", body: big, contentType: "application/octet-stream")
        #expect(anonymous.status == 401, "\(anonymous.status) \(anonymous.text.prefix(200))")
        let console = try await server.send(.POST, "/console/etablissements/\(u.code)/imports", body: big,
                                            contentType: "multipart/form-data; boundary=x")
        #expect(console.status != 413, "to the login page, the body unread: \(console.status)")
        let student = try await server.session(school.taught.login, school: u)
        let refused = try await server.send(.POST, "/api/etablissements/\(u.code)/imports", headers: student.headers, body: big,
                                            contentType: "application/octet-stream")
        #expect(refused.status == 403, "\(refused.status) \(refused.text.prefix(200))")
        // The RUPN still gets the limit's answer.
        let rupn = try await server.session(school.rupn.login, school: u)
        let tooBig = try await server.send(.POST, "/api/etablissements/\(u.code)/imports", headers: rupn.headers, body: big,
                                           contentType: "application/octet-stream")
        #expect(tooBig.status == 413, "\(tooBig.status) \(tooBig.text.prefix(200))")
    }

    @Test("The old password of a password change is throttled as a login is: a session left open is no guessing machine")
    func ownPasswordChangeIsThrottled() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let clock = TestClock(rentreeMorning)
        let server = try await Running.start(settings(school, clock: clock), store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        let open = try await server.session(school.untaught.login, school: u)
        for i in 1...5 {
            let guess = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": "Devine-2026-\(i)", "nouveau": "Mon-Choix-Solide-26!"],
                                              headers: open.headers)
            #expect(guess.status == 422, "\(guess.text)")
        }
        let held = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": School.password, "nouveau": "Mon-Choix-Solide-26!"],
                                         headers: open.headers)
        #expect(held.status == 429, "even the right old password waits: \(held.status) \(held.text)")
        // One count with the login's: the account's login waits as well.
        #expect(try await server.login(school.untaught.login, School.password, school: u).status == 429)
        clock.advance(31)
        let done = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": School.password, "nouveau": "Mon-Choix-Solide-26!"],
                                         headers: open.headers)
        #expect(done.status == 200, "\(done.text)")
    }

    @Test("A closure body that does not read is refused, never taken for « every profile »")
    func unreadableClosureBodyLiftsNothing() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        // 27 August, during the ENT's rentrée closure: a body taken for « nothing given » would lift it.
        var during = settings(school, clock: TestClock(rentreeMorning))
        during.today = { CivilDate(year: 2026, month: 8, day: 27)! }
        let server = try await Running.start(during, store: school.store)
        defer { Task { await server.stop() } }
        let u = school.uai
        let principal = try await server.session(school.principal.login, school: u)
        // A cancellation with a string for a boolean, a profile given as a string: both unreadable.
        for fields: [String: Any] in [["date": "2026-08-27", "profils": ["students"], "annuler": "true"],
                                      ["date": "2026-08-27", "profils": "students"]] {
            let reply = try await server.json(.POST, "/api/etablissements/\(u.code)/fermeture", fields, headers: principal.headers)
            #expect(reply.status == 400, "\(reply.status) \(reply.text)")
        }
        #expect(try await school.store.accessLiftings(uai: u).isEmpty, "nothing lifted")
    }

    @Test("Every login answer costs at least a chosen password's hash: a temporary password's or none (unknown, directory) is padded")
    func loginCostDoesNotTellWhoExists() throws {
        func cost(_ hash: String?) -> Int {
            (hash.flatMap(PasswordCheck.rounds(of:)) ?? 0) + PasswordCheck.padding(after: hash).compactMap(PasswordCheck.rounds(of:)).reduce(0, +)
        }
        let production = PasswordHasher.productionRounds
        #expect(PasswordCheck.rounds(of: PasswordCheck.decoy) == production)
        #expect(cost(nil) >= production, "an unknown login, or an answer from the directory")
        #expect(cost(try PasswordHasher.temporary.hash("Provisoire-2026")) >= production, "a temporary password's hash (1 000 rounds)")
        let chosen = try PasswordHasher.chosen.hash("Choisi-par-moi-2026")
        #expect(cost(chosen) == production, "a chosen password's hash is not paid twice")
    }
}

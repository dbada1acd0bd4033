import AsyncHTTPClient
import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeLDAP
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Issue 12's "done when": `bascule serve` itself (the HTTP service and the daily run beside it,
/// one service group) on a generated department of three collèges, from June to October on a
/// clock the test moves, slapd and the file spaces real; people act through the HTTP API.
@Suite("The service through a school year, over HTTP: three collèges, June to October, the clock the test's", .serialized)
struct ServiceYearTests {
    @Test("Summer pause holds; the rentrée applies by itself on 28 August; a truncated export is held until the RUPN confirms through the API with a reason; former users go in September; the check runs on 7 September; a skipped day is caught up once; /api/acces follows each day")
    func schoolYear() async throws {
        let asRoot = getuid() == 0
        let slapd = try SlapdServer()
        let dir = try TemporaryDirectory(prefix: "bascule-serve-annee")
        defer { dir.remove() }
        let data = dir.path
        let spaces = dir.file("espaces").path
        let exports = dir.url.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        let files = try AcademyGenerator(options: GeneratorOptions(schools: 3, studentsPerSchool: 30, seed: 31, firstYear: 2025, years: 2))
            .write(to: exports)
        let schools = Set(files.map(\.uai)).sorted { $0.code < $1.code }
        #expect(schools.count == 3)
        func drop(_ uai: UAI, year: Int) throws {
            let chosen = files.filter { $0.uai == uai && $0.year.startYear == year }
            #expect(chosen.count >= 3)
            try drop(uai, chosen.map(\.url))
        }
        func drop(_ uai: UAI, _ urls: [URL]) throws {
            let depot = data + "/depot/" + uai.code
            try FileManager.default.createDirectory(atPath: depot, withIntermediateDirectories: true)
            for url in urls {
                let target = depot + "/" + url.lastPathComponent
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: url.path, toPath: target)
            }
        }
        try """
            annuaire:
              url: \(slapd.url)
              base: \(slapd.base)
              compte: \(slapd.adminDN)
            \(asRoot ? "espaces:\n  racine: \(spaces)\n" : "")
            service:
              heure: "06:30"
              fuseau: Europe/Paris
              rattrapage: 4
            """.write(toFile: data + "/bascule.yml", atomically: true, encoding: .utf8)
        let configuration = try #require(try Configuration.load(data + "/bascule.yml"))
        let schedule = try configuration.schedule()

        // June: last year's exports already dropped when the service starts at 07:00; it runs the day at once.
        for uai in schools { try drop(uai, year: 2025) }
        let clock = SchedulerClock("2026-06-15T07:00:00+02:00")
        let store = try await Store.open(.embedded(dataDirectory: data), creating: true)
        try await store.saveDepartmentAdmin(DepartmentAdmin(login: "dsi", passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                            createdAt: "2026-06-01T00:00:00Z", createdBy: "test"), replacing: false, audit: [])
        let (ssoSecret, ssoHash) = APITokens.make()
        try await store.createToken(TokenRow(id: UUID().uuidString, name: "ent", role: "acces", schools: [], tokenHash: ssoHash,
                                             createdAt: "2026-06-01T00:00:00Z", createdBy: "test"), audit: [])
        // The department's supervision reads through a token: a session would end while the clock jumps weeks.
        let (watchSecret, watchHash) = APITokens.make()
        try await store.createToken(TokenRow(id: UUID().uuidString, name: "supervision", role: "departement", schools: [], tokenHash: watchHash,
                                             createdAt: "2026-06-01T00:00:00Z", createdBy: "test"), audit: [])
        let watch = [("Authorization", "Bearer \(watchSecret)")]
        let settings = ServerSettings(port: 0, dataDirectory: data, configuration: configuration, directoryPassword: slapd.adminPassword, passwordRounds: 10_000,
                                      accessIndexRefresh: 0, now: { clock.now }, today: { schedule.day(of: clock.now) }, logger: LogCapture().logger)
        let service = try BasculeService(settings: settings, store: store)
        let scheduler = try #require(try service.dailyScheduler(location: .embedded(dataDirectory: data),
                                                                variables: { $0 == Configuration.passwordVariable ? slapd.adminPassword : nil },
                                                                clock: { clock.now }, warn: { _ in }))
        let server = try await Running.start(service: service, alongside: [
            SchedulerService(scheduler: scheduler, refreshing: service, sleep: { try await clock.sleep($0) }, heard: { clock.hear($0) }),
        ])
        await clock.started()
        let june = clock.days
        #expect(june.count == 1 && june[0].schools.count == 3 && june[0].schools.allSatisfy { $0.failure == nil })
        #expect(schools.allSatisfy { uai in steps(june, uai.code, "2026-06-15").contains { $0.contains("appliqué") } })

        let ldap = try slapd.adminConnection()
        func inDirectory(_ uai: UAI) throws -> Set<String> {
            Set(try ldap.search(base: "ou=\(uai.code),\(slapd.base)", filter: "(objectClass=posixAccount)", attributes: ["uid"]).compactMap { $0.first("uid") })
        }
        func accounts(_ uai: UAI) async throws -> [[String: Any]] {
            let reply = try await server.send(.GET, "/api/etablissements/\(uai.code)/comptes", headers: watch)
            #expect(reply.status == 200)
            return reply.array
        }
        func access(_ login: String, _ day: String) async throws -> [String: Any] {
            let reply = try await server.send(.GET, "/api/acces?login=\(login)&date=\(day)", headers: [("Authorization", "Bearer \(ssoSecret)")])
            #expect(reply.status == 200)
            return reply.json
        }
        func tick(_ at: String) async -> [DepartmentDay] {
            let ran = await clock.move(to: at)
            #expect(!ran.isEmpty, "\(at): the scheduler woke")
            #expect(ran.flatMap(\.schools).allSatisfy { $0.failure == nil }, "\(at): \(ran.flatMap(\.schools).compactMap { $0.failure?.french })")
            return ran
        }
        var year1: [UAI: [[String: Any]]] = [:]
        for uai in schools {
            year1[uai] = try await accounts(uai)
            let logins = Set(year1[uai]!.compactMap { $0["identifiant"] as? String })
            let seen = try inDirectory(uai)
            #expect(!logins.isEmpty && seen == logins, "slapd holds every account")
            if asRoot { #expect(logins.allSatisfy { FileManager.default.fileExists(atPath: "\(spaces)/\(uai.code)/perso/\($0)") }) }
        }
        let aStudent = try #require(year1[schools[0]]!.first { $0["profil"] as? String == "student" }?["identifiant"] as? String)
        #expect(try await access(aStudent, "2026-06-15")["autorise"] as? Bool == true, "the index was built after the day's run")

        // 24 August: the new exports arrive; the summer pause holds the plans.
        for uai in schools { try drop(uai, year: 2026) }
        let arrived = await tick("2026-08-24T07:00:00+02:00")
        let paused = await tick("2026-08-25T07:00:00+02:00")
        for uai in schools {
            #expect(steps(arrived, uai.code, "2026-08-24").contains { $0.contains("importé(s)") })
            #expect(steps(paused, uai.code, "2026-08-25").contains { $0.contains("gardé") }, "\(steps(paused, uai.code, "2026-08-25"))")
            #expect(try await accounts(uai).map { "\($0["identifiant"]!) \($0["statut"]!)" } == year1[uai]!.map { "\($0["identifiant"]!) \($0["statut"]!)" },
                    "the summer pause holds the plans")
        }

        // 28 August, the service's clock jumping the 26th and 27th: caught up, the rentrée applied by itself on the 28th.
        let rentree = await tick("2026-08-28T07:00:00+02:00")
        var leaving: [UAI: Set<String>] = [:]
        for uai in schools {
            let days = rentree.flatMap(\.schools).filter { $0.uai == uai }.flatMap(\.reports).filter { !$0.skipped }.map(\.day.description)
            #expect(days == ["2026-08-26", "2026-08-27", "2026-08-28"])
            #expect(steps(rentree, uai.code, "2026-08-27").contains { $0.contains("gardé") })
            #expect(steps(rentree, uai.code, "2026-08-28").contains { $0.contains("appliqué") }, "\(steps(rentree, uai.code, "2026-08-28"))")
            let now = try await accounts(uai)
            leaving[uai] = Set(now.filter { $0["statut"] as? String == "leaving" }.compactMap { $0["identifiant"] as? String })
            #expect(now.contains { a in !year1[uai]!.contains { $0["identifiant"] as? String == a["identifiant"] as? String } }, "newcomers")
            #expect(try inDirectory(uai) == Set(now.compactMap { $0["identifiant"] as? String }), "slapd follows the rentrée")
        }
        #expect(!leaving.values.joined().isEmpty)

        // September: the former users deleted in the window, on the 1st, and /api/acces says so at once.
        let september = await tick("2026-09-02T07:00:00+02:00")
        for uai in schools {
            let deleting = september.flatMap(\.schools).filter { $0.uai == uai }.flatMap(\.reports)
                .filter { r in r.steps.contains { $0.contains("appliqué") && !$0.contains(" 0 supprimé(s)") } }.map(\.day.description)
            #expect(deleting == ["2026-09-01"], "\(uai): \(deleting)")
            let live = Set(try await accounts(uai).compactMap { $0["identifiant"] as? String })
            let gone = leaving[uai]!.subtracting(live)
            #expect(!gone.isEmpty, "former users of \(uai) deleted")
            #expect(try inDirectory(uai).isDisjoint(with: gone), "deleted from slapd")
            if asRoot { #expect(gone.allSatisfy { !FileManager.default.fileExists(atPath: "\(spaces)/\(uai.code)/perso/\($0)") }) }
            if let one = gone.sorted().first {
                let answer = try await access(one, "2026-09-02")
                #expect(answer["autorise"] as? Bool == false && (answer["motif"] as? String ?? "").contains("supprimé"), "\(answer)")
            }
        }

        // The clock jumps 3, 4 and 5 September: the 6th catches them up, each once; the same day again runs nothing.
        let skipped = await tick("2026-09-06T07:00:00+02:00")
        for uai in schools {
            #expect(skipped.flatMap(\.schools).filter { $0.uai == uai }.flatMap(\.reports).filter { !$0.skipped }.map(\.day.description)
                    == ["2026-09-03", "2026-09-04", "2026-09-05", "2026-09-06"])
            #expect(!steps(skipped, uai.code, "2026-09-06").contains { $0.hasPrefix("vérification") })
        }
        #expect(await clock.move(to: "2026-09-06T09:00:00+02:00").isEmpty, "not before the next day's hour")

        // 7 September: the rentrée check, and not before.
        let check = await tick("2026-09-07T07:00:00+02:00")
        for uai in schools {
            #expect(steps(check, uai.code, "2026-09-07").contains("vérification de rentrée : 0 écart(s)"), "\(steps(check, uai.code, "2026-09-07"))")
        }

        // 15 September: the first school's students export arrives cut short; its plan is held.
        let first = schools[0]
        let cut = try Self.truncatedStudents(first, year: 2026, in: dir.file("cut").path)
        try drop(first, [URL(fileURLWithPath: cut)])
        let beforeCut = try inDirectory(first)
        let held = await tick("2026-09-15T07:00:00+02:00")
        #expect(steps(held, first.code, "2026-09-15").contains { $0.contains("retenu : hors de l'ordinaire") }, "\(steps(held, first.code, "2026-09-15"))")

        let stillHeld = await tick("2026-09-16T07:00:00+02:00")
        #expect(steps(stillHeld, first.code, "2026-09-16").contains { $0.contains("retenu") }, "held every day until a person decides")
        #expect(try inDirectory(first) == beforeCut)

        // On the 16th, a department administrator logs in, delegates the RUPN right and resets the
        // documentalist's password; the documentalist logs in with it (a bind to slapd) and finds the to-do.
        let documentalist = try await server.service.storeAccess.run { store -> String in
            let sts = try #require(try await store.latestImport(uai: first, source: .sts))
            let doc = try #require(try await store.snapshotPeople(importID: sts.id).first { $0.function == "DOC" })
            return try #require(try await store.directoryState(uai: first).accounts.first { $0.personID == doc.personID && $0.status == .active }).login
        }
        let base = "/api/etablissements/\(first.code)"
        let admin = try await server.session("dsi", school: nil)
        let granted = try await server.json(.POST, "\(base)/droits", ["droit": "rupn", "identifiant": documentalist, "action": "accorder", "date": "2026-09-16"],
                                            headers: admin.headers)
        #expect(granted.status == 200, "\(granted.text)")
        let reset = try await server.json(.POST, "\(base)/comptes/\(documentalist)/reinitialisation", ["date": "2026-09-16"], headers: admin.headers)
        #expect(reset.status == 200 && reset.json["annuaire"] as? String == "ok", "\(reset.text)")
        let temporary = try #require(reset.json["motDePasseProvisoire"] as? String)
        let rupn = try await server.session(documentalist, temporary, school: first)
        // On the temporary password, nothing but choosing one's own.
        let first403 = try await server.send(.GET, "\(base)/taches", headers: rupn.headers)
        #expect(first403.status == 403 && first403.json["erreur"] as? String == "mot-de-passe-provisoire", "\(first403.text)")
        let chosen = try await server.json(.POST, "/api/moi/mot-de-passe", ["ancien": temporary, "nouveau": "Referent-Choisi-2026!"],
                                           headers: rupn.headers)
        #expect(chosen.status == 200, "\(chosen.text)")
        let todos = try await server.send(.GET, "\(base)/taches", headers: rupn.headers)
        let todo = try #require(todos.array.first { ($0["todo"] as? [String: Any])?["kind"] as? String == "plan-held" }, "\(todos.text)")
        let id = try #require(todo["id"] as? Int)

        // The RUPN confirms through the API with a reason; the next day's run applies that plan.
        let confirmation = "\(base)/taches/\(id)/confirmation"
        #expect(try await server.json(.POST, confirmation, [:], headers: rupn.headers).status == 400, "a reason is required")
        let confirmed = try await server.json(.POST, confirmation, ["raison": "Départ massif voulu (test)"], headers: rupn.headers)
        #expect(confirmed.status == 200 && confirmed.json["confirmePar"] as? String == documentalist, "\(confirmed.text)")
        let applied = await tick("2026-09-17T07:00:00+02:00")
        #expect(steps(applied, first.code, "2026-09-17").contains { $0.contains("appliqué sur confirmation de \(documentalist)") },
                "\(steps(applied, first.code, "2026-09-17"))")
        #expect(try inDirectory(first) != beforeCut)
        #expect(try await server.send(.GET, "\(base)/taches", headers: watch).array
            .allSatisfy { ($0["todo"] as? [String: Any])?["kind"] as? String != "plan-held" })

        // October: the days caught up, no school failed all year; each day was run once.
        _ = await tick("2026-10-01T07:00:00+02:00")
        let all = clock.days.flatMap(\.schools)
        #expect(all.allSatisfy { $0.failure == nil })
        for uai in schools {
            let days = all.filter { $0.uai == uai }.flatMap(\.reports).filter { !$0.skipped }.map(\.day)
            #expect(Set(days).count == days.count, "\(uai): a day run twice")
        }
        await server.stop()
        await store.close()
    }

    /// A students export of one student: what a truncated SIECLE extraction looks like to Bascule.
    static func truncatedStudents(_ uai: UAI, year: Int, in folder: String) throws -> String {
        let path = folder + "/ElevesSansAdresses-999001.xml"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <BEE_ELEVES><PARAMETRES><UAJ>\(uai.code)</UAJ><ANNEE_SCOLAIRE>\(year)</ANNEE_SCOLAIRE><DATE_EXPORT>20/09/\(year)</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
        <ELEVE ELEVE_ID="999001"><NOM_DE_FAMILLE>SEUL</NOM_DE_FAMILLE><PRENOM>Élève</PRENOM><DATE_NAISS>01/02/2013</DATE_NAISS></ELEVE>
        </ELEVES></DONNEES></BEE_ELEVES>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

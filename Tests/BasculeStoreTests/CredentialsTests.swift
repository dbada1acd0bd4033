import BasculeApp
import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Temporary passwords, their storage, and the credential sheets")
struct CredentialsTests {
    let day = CivilDate(year: 2025, month: 9, day: 3)!

    func files(_ uai: UAI) -> [URL] {
        IdentityAcrossYearsTests.academy.files.filter { $0.uai == uai && $0.year.startYear == 2025 }.map(\.url)
    }

    /// Imports and applies a generated collège with credentials; returns the sheets service.
    func rollout(_ store: Store, _ dir: TemporaryDirectory, uai: UAI) async throws -> (SheetsService, PasswordHasher) {
        let hasher = PasswordHasher(rounds: 1_000)
        let vault = try SheetVault(dataDirectory: dir.path)
        _ = try await ImportService(store: store, today: day).importFiles(files(uai))
        _ = try await PlanningService(store: store, credentials: CredentialIssuer(hasher: hasher, vault: vault))
            .apply(uai: uai, date: day, expectedHash: nil, allowMassChange: false)
        return (SheetsService(store: store, vault: vault, dataDirectory: dir.path), hasher)
    }

    @Test("Every new account gets a temporary password that follows the rule, stored only hashed and sealed", arguments: Backend.allCases)
    func issued(backend: Backend) async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        try await withStore(backend) { store, dir in
            let (sheets, hasher) = try await rollout(store, dir, uai: uai)
            let accounts = try await store.directoryState(uai: uai).accounts
            let credentials = try await store.credentials(uai: uai)
            #expect(credentials.count == accounts.count)
            #expect(credentials.values.allSatisfy { $0.mustChange && $0.passwordHash.hasPrefix("$pbkdf2-sha256$1000$") })
            let division = try #require(try await PeopleQuery(store: store).people(uai: uai, kind: .student).compactMap(\.division).first)
            let lines = try await sheets.lines(uai: uai, selection: .division(division), since: nil)
            #expect(lines.count > 10)
            for l in lines {
                let password = try #require(l.temporaryPassword)
                #expect(password.count == 12)
                #expect(PasswordRule().check(password).isEmpty)
                #expect(hasher.verify(password, against: credentials[l.personID]!.passwordHash))
                #expect(!credentials[l.personID]!.passwordHash.contains(password))
                #expect(credentials[l.personID]!.sealedTemporary?.contains(password) == false)
            }
        }
    }

    @Test("Sheets: printable HTML and a French CSV in the referents folder; no clear password in the database files")
    func sheetsAndNoClearPassword() async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        try await withStore(.sqlite) { store, dir in
            let (sheets, _) = try await rollout(store, dir, uai: uai)
            let division = try #require(try await PeopleQuery(store: store).people(uai: uai, kind: .student).compactMap(\.division).first)
            let written = try await sheets.write(uai: uai, selection: .division(division), since: nil)
            #expect(written.html.path.hasSuffix("schools/\(uai.code)/ReferentsInformatique/fiches-classe-\(SheetsService.fileSafe(division)).html"))
            let html = try String(contentsOf: written.html, encoding: .utf8)
            let csv = try Data(contentsOf: written.csv)
            #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with BOM, for a French spreadsheet")
            let csvText = String(decoding: csv.dropFirst(3), as: UTF8.self)
            #expect(csvText.hasPrefix("Nom;Prénom;Classe;Identifiant réseau;Identifiant EduConnect prévu (attribué par EduConnect);Mot de passe provisoire\r\n"))
            #expect(html.contains("Identifiant EduConnect prévu (attribué par EduConnect) : <b>") && !html.contains("/ EduConnect :"), "the ENT login is EduConnect's expected one, not an issued one")
            let attributes = try FileManager.default.attributesOfItem(atPath: written.csv.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(html.contains("@media print"))
            let passwords = written.lines.compactMap(\.temporaryPassword)
            #expect(passwords.count == written.lines.count)
            for p in passwords { #expect(html.contains(p) && csvText.contains(p)) }

            // The database and its journal hold no clear password; neither does anything else Bascule
            // wrote outside the referents folder.
            await store.close()
            let everything = FileManager.default.enumerator(atPath: dir.path)!.compactMap { $0 as? String }
                .filter { !$0.contains("ReferentsInformatique") }
            var scanned = 0
            for name in everything {
                guard let data = FileManager.default.contents(atPath: dir.file(name).path) else { continue }
                scanned += 1
                for p in passwords { #expect(data.range(of: Data(p.utf8)) == nil, "\(name) holds a clear password") }
            }
            #expect(scanned >= 2)
        }
    }

    @Test("Once handed out, the sealed copy is destroyed; --since selects the newcomers", arguments: Backend.allCases)
    func handedOut(backend: Backend) async throws {
        let uai = IdentityAcrossYearsTests.academy.files[0].uai
        try await withStore(backend) { store, dir in
            let (sheets, _) = try await rollout(store, dir, uai: uai)
            let lines = try await sheets.lines(uai: uai, selection: .staff, since: nil)
            #expect(!lines.isEmpty)
            try await store.markHandedOut(lines.map(\.personID), on: day.adding(days: 1))
            let after = try await sheets.lines(uai: uai, selection: .staff, since: nil)
            #expect(after.allSatisfy { $0.temporaryPassword == nil && $0.handedOutOn == day.adding(days: 1) })
            #expect(try await store.credentials(uai: uai).values.filter { $0.sealedTemporary == nil }.count == lines.count)
            let html = SheetsService.html(after, uai: uai, selection: .staff)
            #expect(html.contains("déjà remis"))
            #expect(try await sheets.lines(uai: uai, selection: .staff, since: day.adding(days: 1)).isEmpty)
            #expect(try await sheets.lines(uai: uai, selection: .staff, since: day).count == lines.count)
        }
    }
}

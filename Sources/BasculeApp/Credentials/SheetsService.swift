import BasculeDomain
import BasculeStore
import Foundation

/// Which accounts a credential sheet is for.
public enum SheetSelection: Sendable, Equatable {
    case division(String)
    case group(String)
    case staff

    var label: String {
        switch self {
        case .division(let d): "classe-\(d)"
        case .group(let g): "groupe-\(g)"
        case .staff: "personnels"
        }
    }
}

/// The credential sheets ("fiches de connexion") the RUPN hands out: a printable HTML page (one
/// card per person) and a CSV for a French spreadsheet, written to the school's referents
/// folder, which only RUPNs may read.
public struct SheetsService: Sendable {
    public let store: Store
    public let vault: SheetVault
    public let dataDirectory: String
    /// Where the ENT is, printed on every card (the 2026 memo's ENEJ86 by default).
    public let entAddress: String

    public static let defaultENTAddress = "https://enej.lavienne86.fr/"

    public init(store: Store, vault: SheetVault, dataDirectory: String, entAddress: String = SheetsService.defaultENTAddress) {
        self.store = store
        self.vault = vault
        self.dataDirectory = dataDirectory
        self.entAddress = entAddress
    }

    public struct Line: Sendable, Equatable {
        public var personID: String
        public var familyName: String
        public var firstName: String
        public var division: String
        public var login: String
        public var entLogin: String
        /// The temporary password, or nil once its sheet was handed out (the copy is destroyed).
        public var temporaryPassword: String?
        public var handedOutOn: CivilDate?
    }

    public struct Written: Sendable {
        public var html: URL
        public var csv: URL
        public var lines: [Line]
    }

    public func lines(uai: UAI, selection: SheetSelection, since: CivilDate?) async throws -> [Line] {
        let accounts = try await store.directoryState(uai: uai).accounts.filter { $0.status == .active }
        let people = Dictionary(try await PeopleQuery(store: store).people(uai: uai).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let credentials = try await store.credentials(uai: uai)
        return try accounts.compactMap { a -> Line? in
            let p = people[a.personID]
            switch selection {
            case .division(let d): guard a.kind == .student, p?.division == d else { return nil }
            case .group(let g): guard a.kind == .student, p?.groups.contains(g) == true else { return nil }
            case .staff: guard a.kind != .student else { return nil }
            }
            let c = credentials[a.personID]
            if let since { guard let issued = c?.issuedOn, issued >= since else { return nil } }
            return Line(personID: a.personID, familyName: a.name.displayFamilyName, firstName: a.name.firstName,
                        division: p?.division ?? (a.kind == .student ? "" : a.kind.french), login: a.login, entLogin: a.entLogin,
                        temporaryPassword: try c?.sealedTemporary.map(vault.open), handedOutOn: c?.handedOutOn)
        }.sorted { ($0.division, NameFolding.key($0.familyName), NameFolding.key($0.firstName)) < ($1.division, NameFolding.key($1.familyName), NameFolding.key($1.firstName)) }
    }

    /// Writes `<data>/schools/<UAI>/ReferentsInformatique/fiches-<selection>.{html,csv}`.
    public func write(uai: UAI, selection: SheetSelection, since: CivilDate?, schoolName: String? = nil) async throws -> Written {
        let lines = try await lines(uai: uai, selection: selection, since: since)
        let dir = URL(fileURLWithPath: dataDirectory).appendingPathComponent("schools/\(uai.code)/ReferentsInformatique")
        // Owner only: the folder holds temporary passwords.
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = "fiches-\(SheetsService.fileSafe(selection.label))" + (since.map { "-depuis-\($0)" } ?? "")
        let html = dir.appendingPathComponent(base + ".html"), csv = dir.appendingPathComponent(base + ".csv")
        try write(Data(SheetsService.html(lines, uai: uai, selection: selection, entAddress: entAddress).utf8), to: html)
        try write(Data([0xEF, 0xBB, 0xBF]) + Data(SheetsService.csv(lines).utf8), to: csv)
        return Written(html: html, csv: csv, lines: lines)
    }

    private func write(_ data: Data, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    public static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// EduConnect gives its own `p.nom` identifiers (a homonym's number is its own), so the ENT
    /// login Bascule computes is what EduConnect should give, not what it gave: every sheet says so.
    public static let expectedEduConnectLabel = "Identifiant EduConnect prévu (attribué par EduConnect)"

    public static func html(_ lines: [Line], uai: UAI, selection: SheetSelection,
                            entAddress: String = SheetsService.defaultENTAddress) -> String {
        let title = "Fiches de connexion — \(uai) — \(selection.label)"
        var out = """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 1cm; }
            h1 { font-size: 14pt; }
            .cards { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5cm; }
            .card { border: 1px dashed #555; padding: 0.4cm; break-inside: avoid; }
            .name { font-weight: bold; font-size: 13pt; }
            .secret { font-family: monospace; font-size: 14pt; letter-spacing: 0.08em; }
            .where { font-size: 9pt; color: #333; }
            @media print { h1 { display: none; } body { margin: 0.5cm; } }
            </style></head><body>
            <h1>\(escape(title)) — \(lines.count) fiche(s)</h1>
            <div class="cards">

            """
        for l in lines {
            let secret = l.temporaryPassword.map { "<span class=\"secret\">\(escape($0))</span>" }
                ?? "<em>déjà remis\(l.handedOutOn.map { " le \($0.french)" } ?? "") : réinitialiser si perdu</em>"
            out += """
                <div class="card">
                <div class="name">\(escape(l.firstName)) \(escape(l.familyName.uppercased()))</div>
                <div>\(escape(l.division))</div>
                <div>Réseau pédagogique (postes du collège) : <b>\(escape(l.login))</b></div>
                <div>\(expectedEduConnectLabel) : <b>\(escape(l.entLogin))</b></div>
                <div class="where">ENT (\(escape(entAddress))) : EduConnect attribue lui-même l'identifiant à l'activation du compte ; celui-ci est une prévision, à vérifier.</div>
                <div>Mot de passe provisoire (réseau pédagogique) : \(secret)</div>
                <div class="where">À changer à la première connexion (12 caractères au moins, 3 types parmi majuscules, minuscules, chiffres, caractères spéciaux).</div>
                </div>

                """
        }
        return out + "</div></body></html>\n"
    }

    public static func csv(_ lines: [Line]) -> String {
        var out = "Nom;Prénom;Classe;Identifiant réseau;\(expectedEduConnectLabel);Mot de passe provisoire\r\n"
        for l in lines {
            out += [l.familyName, l.firstName, l.division, l.login, l.entLogin, l.temporaryPassword ?? "(déjà remis)"]
                .map(csvField).joined(separator: ";") + "\r\n"
        }
        return out
    }

    /// Characters that make a spreadsheet read a cell as a formula when they come first (OWASP's
    /// list for CSV injection): a name from an export is text, and `=HYPERLINK(…)` in a family
    /// name must not become a link on the RUPN's screen.
    static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// One CSV cell: a leading `'` (the cell then reads as text, never as a formula) before a formula
    /// trigger, and quotes around a cell holding `;`, `"`, CR or LF, so that a line break inside a
    /// name never starts a new row. Scalars, not Characters: `\r\n` is one Character in Swift.
    static func csvField(_ s: String) -> String {
        let value = s.unicodeScalars.first.map(formulaTriggers.contains) == true ? "'" + s : s
        let quoted = value.unicodeScalars.contains { $0 == ";" || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        return quoted ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}

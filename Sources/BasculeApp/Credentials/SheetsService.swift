import BasculeDomain
import BasculeSpaces
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

    /// The school's referents space (`<racine>/<UAI>/ReferentsInformatique`, see docs/espaces.md),
    /// made by ``SpacesService/referentsSpace(uai:date:actor:now:)``, and the ACL each sheet
    /// written there gets: readable by the RUPNs of the day, no one else.
    public struct SpaceFolder: Sendable {
        public var path: String
        public var fileACL: ACL

        public init(path: String, fileACL: ACL) {
            self.path = path
            self.fileACL = fileACL
        }
    }

    /// Without spaces: `<data>/schools/<UAI>/ReferentsInformatique`, its owner's alone.
    public func dataFolder(uai: UAI) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("schools/\(uai.code)/\(SpaceTree.referents)")
    }

    /// Writes `fiches-<selection>.{html,csv}` to the school's referents space when given (files
    /// readable by the RUPNs), else to `<data>/schools/<UAI>/ReferentsInformatique/` (owner only).
    public func write(uai: UAI, selection: SheetSelection, since: CivilDate?, schoolName: String? = nil,
                      into space: SpaceFolder? = nil) async throws -> Written {
        let lines = try await lines(uai: uai, selection: selection, since: since)
        let dir = space.map { URL(fileURLWithPath: $0.path) } ?? dataFolder(uai: uai)
        if space == nil {
            // Owner only: the folder holds temporary passwords.
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let base = Self.baseName(selection) + (since.map { "-depuis-\($0)" } ?? "")
        let html = dir.appendingPathComponent(base + ".html"), csv = dir.appendingPathComponent(base + ".csv")
        try write(Data(SheetsService.html(lines, uai: uai, selection: selection, entAddress: entAddress).utf8), to: html, acl: space?.fileACL)
        try write(Data([0xEF, 0xBB, 0xBF]) + Data(SheetsService.csv(lines).utf8), to: csv, acl: space?.fileACL)
        return Written(html: html, csv: csv, lines: lines)
    }

    /// `fiches-classe-6A`: the name of a selection's sheets, before `-depuis-<day>` and the extension.
    static func baseName(_ selection: SheetSelection) -> String { "fiches-\(fileSafe(selection.label))" }

    /// Written owner-only first; in the referents space, the RUPNs' ACL is set after, never before
    /// the whole content is there.
    private func write(_ data: Data, to url: URL, acl: ACL?) throws {
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        if let acl {
            try ACLTool.set(acl, on: url.path)
            try FileTree.setFileMode(url.path, acl.modeBits)
        }
    }

    /// Once sheets are handed out, their files go with the sealed copies: the selection's sheets
    /// (with or without `--since`), and any other sheet that still shows the password of someone
    /// in `handedOut` (logins), in each folder given. Returns the files removed.
    public func destroySheets(uai: UAI, selection: SheetSelection, handedOut: Set<String>, in folders: [URL]) throws -> [URL] {
        let base = Self.baseName(selection)
        var removed: [URL] = []
        for folder in folders {
            let names = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            var doomed: Set<String> = []
            for name in names where name.hasPrefix("fiches-") && (name.hasSuffix(".html") || name.hasSuffix(".csv")) {
                let stem = String(name.prefix(upTo: name.lastIndex(of: ".")!))
                if stem == base || stem.hasPrefix(base + "-depuis-") {
                    doomed.insert(name)
                } else if name.hasSuffix(".csv"), !handedOut.isEmpty,
                          let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                          Self.csvRows(String(decoding: data, as: UTF8.self)).dropFirst()
                              .contains(where: { $0.count > 5 && handedOut.contains($0[3]) && $0[5] != Self.handedOutCell }) {
                    doomed.formUnion([name, stem + ".html"])
                }
            }
            for name in doomed.intersection(names).sorted() {
                let url = folder.appendingPathComponent(name)
                try FileManager.default.removeItem(at: url)
                removed.append(url)
            }
        }
        return removed
    }

    /// What a handed-out password's cell says.
    static let handedOutCell = "(déjà remis)"

    /// The rows of a sheet's CSV as ``csv(_:)`` writes it (BOM, `;`, quoted cells, CRLF).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = ""
        var quoted = false, atStart = true
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var it = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { cell.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where atStart: quoted = true; atStart = false
            case ";": row.append(cell); cell = ""; atStart = true
            case "\r": continue
            case "\n": row.append(cell); rows.append(row); row = []; cell = ""; atStart = true
            default: cell.unicodeScalars.append(c); atStart = false
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
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
            out += [l.familyName, l.firstName, l.division, l.login, l.entLogin, l.temporaryPassword ?? handedOutCell]
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

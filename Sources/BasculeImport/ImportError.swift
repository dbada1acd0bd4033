import BasculeDomain

/// Why an export was refused. Each case names the file and, where there is one, the line and the
/// record, so that the person importing can open the file at the right place. Messages are French
/// first (`french`), English in `description`.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case notAnArchive(file: String, reason: String)
    case noXMLInArchive(file: String)
    /// A ZIP whose XML inflates past the limit (``ExportReader/maxExtractedBytes``, and
    /// ``ExportReader/maxExpansion`` times the archive): a ZIP bomb, or a broken archive.
    case tooLarge(file: String, limit: Int64, archiveBytes: Int64)
    case unsupportedEncoding(file: String, declared: String)
    case doctypeForbidden(file: String, line: Int)
    /// A reference to an entity other than the five XML predefines (`&e;`): never resolved, never
    /// dropped, refused.
    case entityForbidden(file: String, line: Int, name: String)
    case malformed(file: String, line: Int, column: Int, reason: String)
    case truncated(file: String, line: Int)
    case unknownRoot(file: String, element: String)
    case missingField(file: String, line: Int, record: String, field: String)
    case invalidValue(file: String, line: Int, record: String, field: String, value: String)
    /// A class or group code that cannot name a group, a folder or a directory entry
    /// (``StructureCodes``): refused before anything is planned.
    case unusableCode(file: String, line: Int, record: String, field: String, value: String, problem: StructureCodeProblem)
    case duplicateID(file: String, line: Int, record: String, field: String, firstLine: Int)
    case danglingReference(file: String, line: Int, record: String, reference: String)
    case schoolMismatch(file: String, expected: String, found: String)
    /// Older than the newest import of the same school and source: importing it would turn the
    /// school back in time.
    case staleExport(file: String, exported: String, newest: String, newestFile: String)

    public var file: String {
        switch self {
        case .unreadable(let f, _), .notAnArchive(let f, _), .noXMLInArchive(let f), .tooLarge(let f, _, _), .unsupportedEncoding(let f, _),
             .doctypeForbidden(let f, _), .entityForbidden(let f, _, _), .malformed(let f, _, _, _), .truncated(let f, _), .unknownRoot(let f, _),
             .missingField(let f, _, _, _), .invalidValue(let f, _, _, _, _), .unusableCode(let f, _, _, _, _, _),
             .duplicateID(let f, _, _, _, _),
             .danglingReference(let f, _, _, _), .schoolMismatch(let f, _, _), .staleExport(let f, _, _, _):
            f
        }
    }

    public var line: Int? {
        switch self {
        case .doctypeForbidden(_, let l), .entityForbidden(_, let l, _), .malformed(_, let l, _, _), .truncated(_, let l),
             .missingField(_, let l, _, _), .invalidValue(_, let l, _, _, _), .unusableCode(_, let l, _, _, _, _),
             .duplicateID(_, let l, _, _, _),
             .danglingReference(_, let l, _, _):
            l
        default: nil
        }
    }

    public var french: String {
        switch self {
        case .unreadable(let f, let r): "\(f) : fichier illisible (\(r))."
        case .notAnArchive(let f, let r): "\(f) : archive ZIP illisible (\(r))."
        case .noXMLInArchive(let f): "\(f) : l'archive ne contient aucun fichier XML."
        case .tooLarge(let f, let limit, let archive):
            "\(f) : une fois décompressé, ce fichier dépasserait \(Self.bytes(limit)) (au plus 2 Gio, et 200 fois l'archive, qui fait \(Self.bytes(archive))) : archive piégée (« bombe ZIP ») ou abîmée ? La décompression a été arrêtée et rien n'est importé."
        case .unsupportedEncoding(let f, let e):
            "\(f) : encodage « \(e) » non pris en charge (attendus : ISO-8859-15, ISO-8859-1 ou UTF-8)."
        case .doctypeForbidden(let f, let l):
            "\(f), ligne \(l) : déclaration DOCTYPE refusée (les exports SIECLE et STS-Web n'en ont pas ; les entités externes ne sont jamais résolues)."
        case .entityForbidden(let f, let l, let n):
            "\(f), ligne \(l) : référence à l'entité « &\(Self.visible(n)); » refusée (seules &amp; &lt; &gt; &quot; &apos; et les références de caractère comme &#233; sont lues) : elle ne sera ni remplacée ni effacée."
        case .malformed(let f, let l, let c, let r): "\(f), ligne \(l), colonne \(c) : XML mal formé (\(r))."
        case .truncated(let f, let l): "\(f), ligne \(l) : le fichier s'arrête avant la fin du document (export tronqué ?)."
        case .unknownRoot(let f, let e):
            "\(f) : élément racine <\(e)> inconnu (attendus : BEE_ELEVES, BEE_RESPONSABLES ou STS_EDT)."
        case .missingField(let f, let l, let rec, let field): "\(f), ligne \(l), \(rec) : champ obligatoire \(field) absent ou vide."
        case .invalidValue(let f, let l, let rec, let field, let v): "\(f), ligne \(l), \(rec) : valeur « \(v) » invalide pour \(field)."
        case .unusableCode(let f, let l, let rec, let field, let v, let problem):
            "\(f), ligne \(l), \(rec) : le code « \(Self.visible(v)) » (\(field)) ne peut pas nommer une classe ou un groupe : \(problem.french). Corrigez-le dans Siècle-BEE ou STS-Web puis refaites l'export."
        case .duplicateID(let f, let l, let rec, let field, let first):
            "\(f), ligne \(l), \(rec) : \(field) déjà présent ligne \(first) (identifiant en double)."
        case .danglingReference(let f, let l, let rec, let ref): "\(f), ligne \(l), \(rec) : \(ref) absent du fichier."
        case .schoolMismatch(let f, let expected, let found):
            "\(f) : cet export est celui de l'établissement \(found), pas de \(expected) demandé par --school."
        case .staleExport(let f, let exported, let newest, let newestFile):
            "\(f) : export du \(exported), plus ancien que le dernier importé (\(newestFile), du \(newest)) ; il ne peut pas remplacer l'état actuel."
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): cannot read the file (\(r))"
        case .notAnArchive(let f, let r): "\(f): unreadable ZIP archive (\(r))"
        case .noXMLInArchive(let f): "\(f): the archive holds no XML file"
        case .tooLarge(let f, let limit, let archive):
            "\(f): inflates past \(limit) bytes (at most 2 GiB, and 200 times the \(archive)-byte archive): ZIP bomb or broken archive; extraction stopped"
        case .unsupportedEncoding(let f, let e): "\(f): unsupported encoding \(e)"
        case .doctypeForbidden(let f, let l): "\(f):\(l): DOCTYPE refused"
        case .entityForbidden(let f, let l, let n): "\(f):\(l): reference to entity &\(Self.visible(n)); refused (only the five predefined entities and character references are read)"
        case .malformed(let f, let l, let c, let r): "\(f):\(l):\(c): malformed XML (\(r))"
        case .truncated(let f, let l): "\(f):\(l): truncated document"
        case .unknownRoot(let f, let e): "\(f): unknown root element <\(e)>"
        case .missingField(let f, let l, let rec, let field): "\(f):\(l): \(rec): missing mandatory \(field)"
        case .invalidValue(let f, let l, let rec, let field, let v): "\(f):\(l): \(rec): invalid \(field) '\(v)'"
        case .unusableCode(let f, let l, let rec, let field, let v, let problem):
            "\(f):\(l): \(rec): code '\(Self.visible(v))' (\(field)) cannot name a class or group: \(problem.english)"
        case .duplicateID(let f, let l, let rec, let field, let first): "\(f):\(l): \(rec): duplicate \(field), first at line \(first)"
        case .danglingReference(let f, let l, let rec, let ref): "\(f):\(l): \(rec): \(ref) not in the file"
        case .schoolMismatch(let f, let expected, let found): "\(f): export of school \(found), expected \(expected)"
        case .staleExport(let f, let exported, let newest, let newestFile):
            "\(f): exported \(exported), older than the newest import \(newestFile) of \(newest)"
        }
    }

    /// A value as a message can show it: control characters written out (`\n`, `\u{0}`), so that
    /// a code holding a line break cannot forge a second line of the message.
    static func visible(_ value: String) -> String {
        var out = ""
        for s in value.unicodeScalars {
            switch s.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: out += s.escaped(asASCII: true)
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// A size as people read it: `3,1 Mio`, `2 Gio` (powers of 1,024, French decimal comma).
    static func bytes(_ n: Int64) -> String {
        let units = ["octets", "Kio", "Mio", "Gio", "Tio"]
        var value = Double(n), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(n) octets" }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded).replacingOccurrences(of: ".", with: ",")
        return "\(text) \(units[unit])"
    }
}

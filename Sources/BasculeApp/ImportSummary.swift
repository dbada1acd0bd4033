import BasculeDomain

/// What an import did, file by file: a value the CLI prints and tests read.
public struct ImportSummary: Sendable, Codable {
    public struct FileResult: Sendable, Codable {
        public var file: String
        public var uai: UAI
        public var source: SourceKind
        public var schoolYear: SchoolYear?
        public var exportDate: CivilDate?
        public var records: Int
        public var newPeople: Int
        public var knownPeople: Int
        /// The same bytes as the newest import of this school and source: nothing was stored.
        public var alreadyImported: Bool
        public var notices: [ImportNotice]
    }

    public var files: [FileResult]
    /// Files imported whose copy could not be kept under `<data>/imports` (see ``ImportFileArchive``).
    public var keptCopyFailures: [String] = []

    public var notices: [ImportNotice] { files.flatMap(\.notices) }

    /// The summary in French, as the CLI prints it.
    public var french: String {
        var out: [String] = []
        for f in files {
            let what = "\(f.source.frenchName), établissement \(f.uai)" + (f.schoolYear.map { ", année \($0)" } ?? "")
                + (f.exportDate.map { ", export du \($0.french)" } ?? "")
            if f.alreadyImported {
                out.append("• \(f.file) : \(what) — déjà importé à l'identique, rien n'a changé.")
                continue
            }
            out.append("• \(f.file) : \(what) — \(f.records) fiche(s), \(f.newPeople) nouvelle(s) personne(s), \(f.knownPeople) déjà connue(s).")
            for n in f.notices { out.append("    ! \(n.description)") }
        }
        for failure in keptCopyFailures {
            out.append("! Import enregistré, mais sa copie n'a pas pu être gardée : \(failure)")
        }
        return out.joined(separator: "\n")
    }
}

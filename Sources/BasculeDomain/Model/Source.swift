/// Which administrative export a snapshot came from.
public enum SourceKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Siècle-BEE students (`BEE_ELEVES`).
    case siecleStudents = "siecle-eleves"
    /// Siècle-BEE parents and other responsables (`BEE_RESPONSABLES`).
    case sieclePersons = "siecle-responsables"
    /// STS-Web timetable export (`STS_EDT`).
    case sts = "sts-edt"

    /// The export's root element, which is how a file's kind is recognised.
    public var rootElement: String {
        switch self {
        case .siecleStudents: "BEE_ELEVES"
        case .sieclePersons: "BEE_RESPONSABLES"
        case .sts: "STS_EDT"
        }
    }

    public init?(rootElement: String) {
        guard let k = SourceKind.allCases.first(where: { $0.rootElement == rootElement }) else { return nil }
        self = k
    }

    public var frenchName: String {
        switch self {
        case .siecleStudents: "Siècle-BEE élèves"
        case .sieclePersons: "Siècle-BEE responsables"
        case .sts: "STS-Web"
        }
    }

    public static func < (a: SourceKind, b: SourceKind) -> Bool { a.rawValue < b.rawValue }
}

/// What every export says about itself in `PARAMETRES`.
public struct ExportHeader: Hashable, Sendable, Codable {
    public var source: SourceKind
    public var uai: UAI
    public var schoolYear: SchoolYear?
    public var exportDate: CivilDate?
    /// The root's `VERSION` attribute (SIECLE changes its fields with it).
    public var formatVersion: String?

    public init(source: SourceKind, uai: UAI, schoolYear: SchoolYear?, exportDate: CivilDate?, formatVersion: String?) {
        self.source = source
        self.uai = uai
        self.schoolYear = schoolYear
        self.exportDate = exportDate
        self.formatVersion = formatVersion
    }
}

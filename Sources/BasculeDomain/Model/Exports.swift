/// Something worth telling the person importing, without refusing the file.
public struct ImportNotice: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case placeholderInName = "placeholder-in-name"
        case noGroups = "no-groups"
        case divisionNotInSTS = "division-not-in-sts"
        case divisionNotInSiecle = "division-not-in-siecle"
        case duplicateINE = "duplicate-ine"
        case ineConflict = "ine-conflict"
        case unknownStudentInLink = "unknown-student-in-link"
        case unknownTeacherInService = "unknown-teacher-in-service"
        case alreadyImported = "already-imported"
        case nonNationalUAI = "non-national-uai"
        case sourceIDChanged = "source-id-changed"
        /// An `ELEVE_ID` the base gave again to another child: a new person, never the old account.
        case sourceIDReused = "source-id-reused"
        case exportShrank = "export-shrank"
    }

    public var code: Code
    public var french: String
    public var english: String
    public var location: SourceLocation?

    public init(_ code: Code, french: String, english: String, location: SourceLocation? = nil) {
        self.code = code
        self.french = french
        self.english = english
        self.location = location
    }

    public var description: String {
        (location.map { "\($0): " } ?? "") + french
    }
}

/// A parsed Siècle-BEE students export.
public struct SiecleStudentsExport: Sendable {
    public var header: ExportHeader
    public var students: [StudentRecord]
    public var notices: [ImportNotice]

    public init(header: ExportHeader, students: [StudentRecord], notices: [ImportNotice]) {
        self.header = header
        self.students = students
        self.notices = notices
    }
}

/// A parsed Siècle-BEE responsables export.
public struct SieclePersonsExport: Sendable {
    public var header: ExportHeader
    public var parents: [ParentRecord]
    public var notices: [ImportNotice]

    public init(header: ExportHeader, parents: [ParentRecord], notices: [ImportNotice]) {
        self.header = header
        self.parents = parents
        self.notices = notices
    }
}

/// A parsed STS-Web export.
public struct STSExport: Sendable {
    public var header: ExportHeader
    public var staff: [StaffRecord]
    public var subjects: [SubjectRecord]
    public var structures: [StructureRecord]
    public var services: [TeachingService]
    public var notices: [ImportNotice]

    public init(header: ExportHeader, staff: [StaffRecord], subjects: [SubjectRecord],
                structures: [StructureRecord], services: [TeachingService], notices: [ImportNotice]) {
        self.header = header
        self.staff = staff
        self.subjects = subjects
        self.structures = structures
        self.services = services
        self.notices = notices
    }

    /// STS ids that appear in at least one service: they teach, whatever their function says.
    public var teachingStaffIDs: Set<String> { Set(services.map(\.teacherSourceID)) }

    public func kind(of staff: StaffRecord) -> PersonKind {
        staff.isTeacherByFunction || teachingStaffIDs.contains(staff.sourceID) ? .teacher : .staff
    }
}

/// Any export, once its kind is known from its root element.
public enum ParsedExport: Sendable {
    case students(SiecleStudentsExport)
    case persons(SieclePersonsExport)
    case sts(STSExport)

    public var header: ExportHeader {
        switch self {
        case .students(let e): e.header
        case .persons(let e): e.header
        case .sts(let e): e.header
        }
    }

    public var notices: [ImportNotice] {
        switch self {
        case .students(let e): e.notices
        case .persons(let e): e.notices
        case .sts(let e): e.notices
        }
    }

    public var recordCount: Int {
        switch self {
        case .students(let e): e.students.count
        case .persons(let e): e.parents.count
        case .sts(let e): e.staff.count
        }
    }
}

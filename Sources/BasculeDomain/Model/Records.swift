/// Where in a file a record was read: every error and warning names it.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// The pseudo-division SIECLE puts departed students in.
public let inactiveDivisionCode = "Inactifs"

/// A student as one Siècle-BEE export describes them. Addresses are never read.
public struct StudentRecord: Hashable, Sendable, Codable {
    /// `ELEVE_ID`: the school base's id, stable year to year unless the student is re-registered.
    public var sourceID: String
    /// `ID_NATIONAL` (INE): national and for life, but missing for some newcomers.
    public var ine: String?
    public var elenoet: String?
    public var name: PersonName
    public var birthDate: CivilDate
    /// `CODE_SEXE`: 1 male, 2 female.
    public var sex: String?
    public var mef: String?
    public var entryDate: CivilDate?
    public var leavingDate: CivilDate?
    /// The class (`TYPE_STRUCTURE` D) the file places the student in, `Inactifs` included as given.
    public var division: String?
    /// Groups (`TYPE_STRUCTURE` G), sorted.
    public var groups: [String]
    public var location: SourceLocation

    public init(sourceID: String, ine: String?, elenoet: String?, name: PersonName, birthDate: CivilDate,
                sex: String?, mef: String?, entryDate: CivilDate?, leavingDate: CivilDate?,
                division: String?, groups: [String], location: SourceLocation) {
        self.sourceID = sourceID
        self.ine = ine
        self.elenoet = elenoet
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.mef = mef
        self.entryDate = entryDate
        self.leavingDate = leavingDate
        self.division = division
        self.groups = groups
        self.location = location
    }

    /// A student who has left as of `date`: a leaving date on or before it, or the `Inactifs`
    /// pseudo-division. They stay in the file but are members of nothing.
    public func hasLeft(asOf date: CivilDate) -> Bool {
        if division == inactiveDivisionCode { return true }
        if let l = leavingDate, l <= date { return true }
        return false
    }
}

/// One student-responsable link from `RESPONSABLE_ELEVE`.
public struct GuardianLink: Hashable, Sendable, Codable {
    public var studentSourceID: String
    /// `CODE_PARENTE` (10 mother, 20 father, ...).
    public var relationCode: String?
    /// `RESP_LEGAL` (old files) or `NIVEAU_RESPONSABILITE` (new files): 1 and 2 are legal guardians.
    public var legalLevel: String?

    public init(studentSourceID: String, relationCode: String?, legalLevel: String?) {
        self.studentSourceID = studentSourceID
        self.relationCode = relationCode
        self.legalLevel = legalLevel
    }
}

/// A parent or other responsable from `BEE_RESPONSABLES`.
public struct ParentRecord: Hashable, Sendable, Codable {
    /// `PERSONNE_ID`: stable in the school's base.
    public var sourceID: String
    public var civility: String?
    public var name: PersonName
    public var email: String?
    public var links: [GuardianLink]
    public var location: SourceLocation

    public init(sourceID: String, civility: String?, name: PersonName, email: String?,
                links: [GuardianLink], location: SourceLocation) {
        self.sourceID = sourceID
        self.civility = civility
        self.name = name
        self.email = email
        self.links = links
        self.location = location
    }
}

/// A teacher or other staff member from STS-Web's `INDIVIDU`.
public struct StaffRecord: Hashable, Sendable, Codable {
    /// `INDIVIDU@ID`: stable.
    public var sourceID: String
    public var name: PersonName
    public var birthDate: CivilDate?
    public var civility: String?
    /// `FONCTION`: `ENS` teaches; `DIR`, `EDU`, `DOC`, `ADF`, ... do not.
    public var function: String?
    public var grade: String?
    /// Divisions the person is main teacher (`PROF_PRINC`) of.
    public var mainTeacherOf: [String]
    public var location: SourceLocation

    public init(sourceID: String, name: PersonName, birthDate: CivilDate?, civility: String?,
                function: String?, grade: String?, mainTeacherOf: [String], location: SourceLocation) {
        self.sourceID = sourceID
        self.name = name
        self.birthDate = birthDate
        self.civility = civility
        self.function = function
        self.grade = grade
        self.mainTeacherOf = mainTeacherOf
        self.location = location
    }

    /// Teachers are those whose function is teaching, or who appear in a service.
    public var isTeacherByFunction: Bool { function?.uppercased() == "ENS" }
}

public enum StructureKind: String, Sendable, Codable, Hashable {
    case division
    case group
}

/// A division (class) or group as STS-Web describes it.
public struct StructureRecord: Hashable, Sendable, Codable {
    public var code: String
    public var kind: StructureKind
    public var label: String?
    /// For a group: the divisions its students come from.
    public var divisions: [String]
    public var mefs: [String]
    public var location: SourceLocation

    public init(code: String, kind: StructureKind, label: String?, divisions: [String], mefs: [String],
                location: SourceLocation) {
        self.code = code
        self.kind = kind
        self.label = label
        self.divisions = divisions
        self.mefs = mefs
        self.location = location
    }
}

/// A subject from STS-Web's nomenclature (`MATIERE`).
public struct SubjectRecord: Hashable, Sendable, Codable {
    public var code: String
    public var managementCode: String?
    public var shortLabel: String?
    public var longLabel: String?

    public init(code: String, managementCode: String?, shortLabel: String?, longLabel: String?) {
        self.code = code
        self.managementCode = managementCode
        self.shortLabel = shortLabel
        self.longLabel = longLabel
    }
}

/// Who teaches which subject to which division or group: one STS-Web `SERVICE` and teacher.
public struct TeachingService: Hashable, Sendable, Codable, Comparable {
    public var structureCode: String
    public var structureKind: StructureKind
    public var subjectCode: String
    public var courseMode: String?
    public var teacherSourceID: String

    public init(structureCode: String, structureKind: StructureKind, subjectCode: String, courseMode: String?,
                teacherSourceID: String) {
        self.structureCode = structureCode
        self.structureKind = structureKind
        self.subjectCode = subjectCode
        self.courseMode = courseMode
        self.teacherSourceID = teacherSourceID
    }

    public static func < (a: TeachingService, b: TeachingService) -> Bool {
        (a.structureCode, a.subjectCode, a.teacherSourceID, a.courseMode ?? "")
            < (b.structureCode, b.subjectCode, b.teacherSourceID, b.courseMode ?? "")
    }
}

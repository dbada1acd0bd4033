import BasculeDomain

/// One import as the store records it: a dated snapshot of one source for one school.
public struct ImportInfo: Sendable, Hashable, Codable {
    public var id: String
    public var seq: Int
    public var uai: UAI
    public var source: SourceKind
    public var schoolYear: SchoolYear?
    public var exportDate: CivilDate?
    public var formatVersion: String?
    public var fileName: String
    public var fileSHA256: String
    /// ISO 8601 timestamp of the import.
    public var importedAt: String
    /// The day the import acted as of (`import --date`): what a departure's settling counts from.
    public var importedOn: CivilDate?
    public var recordCount: Int

    public init(id: String, seq: Int, uai: UAI, source: SourceKind, schoolYear: SchoolYear?, exportDate: CivilDate?,
                formatVersion: String?, fileName: String, fileSHA256: String, importedAt: String, importedOn: CivilDate? = nil,
                recordCount: Int) {
        self.importedOn = importedOn
        self.id = id
        self.seq = seq
        self.uai = uai
        self.source = source
        self.schoolYear = schoolYear
        self.exportDate = exportDate
        self.formatVersion = formatVersion
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.importedAt = importedAt
        self.recordCount = recordCount
    }
}

/// A person row to create or refresh (the latest names and INE win).
public struct PersonWrite: Sendable, Hashable {
    public var person: StoredPerson
    /// True for someone the store has never seen: inserted, not updated.
    public var isNew: Bool

    public init(_ person: StoredPerson, isNew: Bool) {
        self.person = person
        self.isNew = isNew
    }
}

/// A person as one snapshot saw them.
public struct SnapshotPerson: Sendable, Hashable {
    public var personID: String
    public var kind: PersonKind
    public var sourceID: String
    public var name: PersonName
    public var division: String?
    public var groups: [String]
    public var hasLeft: Bool
    public var entryDate: CivilDate?
    public var leavingDate: CivilDate?
    public var mef: String?
    public var function: String?
    public var email: String?
    public var line: Int

    public init(personID: String, kind: PersonKind, sourceID: String, name: PersonName, division: String?,
                groups: [String], hasLeft: Bool, entryDate: CivilDate?, leavingDate: CivilDate?, mef: String?,
                function: String?, email: String?, line: Int) {
        self.personID = personID
        self.kind = kind
        self.sourceID = sourceID
        self.name = name
        self.division = division
        self.groups = groups
        self.hasLeft = hasLeft
        self.entryDate = entryDate
        self.leavingDate = leavingDate
        self.mef = mef
        self.function = function
        self.email = email
        self.line = line
    }
}

/// A service with its teacher resolved to a person.
public struct SnapshotService: Sendable, Hashable {
    public var service: TeachingService
    public var teacherID: String

    public init(service: TeachingService, teacherID: String) {
        self.service = service
        self.teacherID = teacherID
    }
}

/// A responsable's link to a student, by the student's `ELEVE_ID`.
public struct SnapshotGuardian: Sendable, Hashable {
    public var parentID: String
    public var link: GuardianLink

    public init(parentID: String, link: GuardianLink) {
        self.parentID = parentID
        self.link = link
    }
}

/// Everything one import writes: committed together with the other files of the same import.
public struct SnapshotWrite: Sendable {
    public var info: ImportInfo
    public var persons: [PersonWrite]
    public var people: [SnapshotPerson]
    public var structures: [StructureRecord]
    public var subjects: [SubjectRecord]
    public var services: [SnapshotService]
    public var guardians: [SnapshotGuardian]
    public var notices: [ImportNotice]

    public init(info: ImportInfo, persons: [PersonWrite], people: [SnapshotPerson], structures: [StructureRecord] = [],
                subjects: [SubjectRecord] = [], services: [SnapshotService] = [], guardians: [SnapshotGuardian] = [],
                notices: [ImportNotice] = []) {
        self.info = info
        self.persons = persons
        self.people = people
        self.structures = structures
        self.subjects = subjects
        self.services = services
        self.guardians = guardians
        self.notices = notices
    }
}

/// A person as the newest imports show them: what `bascule people` prints.
public struct PersonView: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        /// In the newest export of their source, present at school.
        case active
        /// In the newest export, but departed (`DATE_SORTIE` or `Inactifs`).
        case left
        /// No longer in the newest export of their source.
        case absent
    }

    public var id: String
    public var uai: UAI
    public var kind: PersonKind
    public var sourceId: String
    public var ine: String?
    public var firstName: String
    public var lastName: String
    public var familyName: String
    public var birthDate: CivilDate?
    public var division: String?
    public var groups: [String]
    public var status: Status
    public var function: String?
    /// Parents: the `ELEVE_ID`s of their children. Students: empty.
    public var children: [String]

    public init(id: String, uai: UAI, kind: PersonKind, sourceId: String, ine: String?, firstName: String,
                lastName: String, familyName: String, birthDate: CivilDate?, division: String?, groups: [String],
                status: Status, function: String?, children: [String]) {
        self.id = id
        self.uai = uai
        self.kind = kind
        self.sourceId = sourceId
        self.ine = ine
        self.firstName = firstName
        self.lastName = lastName
        self.familyName = familyName
        self.birthDate = birthDate
        self.division = division
        self.groups = groups
        self.status = status
        self.function = function
        self.children = children
    }
}

/// A person row as stored: identity and latest names.
public struct StoredPerson: Sendable, Hashable {
    public var id: String
    public var uai: UAI
    public var source: SourceKind
    public var sourceID: String
    public var kind: PersonKind
    public var ine: String?
    public var name: PersonName
    public var birthDate: CivilDate?

    public init(id: String, uai: UAI, source: SourceKind, sourceID: String, kind: PersonKind, ine: String?,
                name: PersonName, birthDate: CivilDate?) {
        self.id = id
        self.uai = uai
        self.source = source
        self.sourceID = sourceID
        self.kind = kind
        self.ine = ine
        self.name = name
        self.birthDate = birthDate
    }
}

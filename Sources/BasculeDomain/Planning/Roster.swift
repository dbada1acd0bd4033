/// Someone the newest exports speak of, as the planner needs them.
public struct RosterPerson: Hashable, Sendable {
    public var personID: String
    public var kind: PersonKind
    public var sourceID: String
    public var name: PersonName
    public var birthDate: CivilDate?
    /// Students: their class; nil for staff and for leavers.
    public var division: String?
    public var groups: [String]
    /// In the export but departed (`DATE_SORTIE`, `Inactifs`).
    public var hasLeft: Bool
    public var leavingDate: CivilDate?

    public init(personID: String, kind: PersonKind, sourceID: String, name: PersonName, birthDate: CivilDate?,
                division: String? = nil, groups: [String] = [], hasLeft: Bool = false, leavingDate: CivilDate? = nil) {
        self.personID = personID
        self.kind = kind
        self.sourceID = sourceID
        self.name = name
        self.birthDate = birthDate
        self.division = division
        self.groups = groups
        self.hasLeft = hasLeft
        self.leavingDate = leavingDate
    }
}

/// What the newest exports of one school say: who is there, which classes and groups exist,
/// and who teaches whom (services with the teacher's person id).
public struct SchoolRoster: Sendable {
    public var uai: UAI
    public var students: [RosterPerson]
    public var staff: [RosterPerson]
    public var structures: [StructureRecord]
    /// Services with the teacher resolved to a person id.
    public var services: [(service: TeachingService, teacherID: String)]
    /// The subjects of the newest STS-Web export, to name subject groups.
    public var subjects: [SubjectRecord]
    /// People in the previous export of each source, to tell a shrunken export from a normal year.
    public var previousCounts: [PersonKind: Int]
    /// The school year of the newest students' export and of the newest STS-Web export.
    public var studentsYear: SchoolYear?
    public var staffYear: SchoolYear?
    /// For people with an account who are missing from the newest exports, what the imports kept
    /// say of their departure, by person id.
    public var departures: [String: DepartureFacts]

    /// The school year of the newest export that speaks of people of `kind`.
    public func newestYear(for kind: PersonKind) -> SchoolYear? { kind == .student ? studentsYear : staffYear }

    public init(uai: UAI, students: [RosterPerson], staff: [RosterPerson], structures: [StructureRecord],
                services: [(service: TeachingService, teacherID: String)], subjects: [SubjectRecord] = [],
                previousCounts: [PersonKind: Int] = [:], studentsYear: SchoolYear? = nil, staffYear: SchoolYear? = nil,
                departures: [String: DepartureFacts] = [:]) {
        self.studentsYear = studentsYear
        self.staffYear = staffYear
        self.departures = departures
        self.subjects = subjects
        self.uai = uai
        self.students = students
        self.staff = staff
        self.structures = structures
        self.services = services
        self.previousCounts = previousCounts
    }
}

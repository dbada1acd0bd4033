import BasculeDomain
import Foundation

/// What to generate: how many collèges, how big, from which seed, over which school years.
public struct GeneratorOptions: Sendable, Hashable {
    public var schools: Int
    /// The target size of each school; actual sizes vary by a few students around it.
    public var studentsPerSchool: Int
    public var seed: UInt64
    /// The first school year generated, named by the calendar year it starts in.
    public var firstYear: Int
    /// How many consecutive school years, each derived from the previous one.
    public var years: Int
    /// Students per school who, from the second year on, go by a usage name (a parent's name
    /// joined to theirs: DUPONT → DUPONT MARTIN), which changes their login: the renames a person
    /// accepts or declines. None by default, and then the files are those of earlier versions.
    public var usageNameChanges: Int

    public init(schools: Int = 1, studentsPerSchool: Int = 600, seed: UInt64 = 1, firstYear: Int = 2025, years: Int = 2,
                usageNameChanges: Int = 0) {
        self.usageNameChanges = usageNameChanges
        self.schools = schools
        self.studentsPerSchool = studentsPerSchool
        self.seed = seed
        self.firstYear = firstYear
        self.years = years
    }
}

/// The generated truth: every school, every year, as the files say it. Tests compare what the
/// importers read with this.
public struct GeneratedAcademy: Sendable {
    public var options: GeneratorOptions
    /// In generation order (the order files are written in).
    public var schools: [GeneratedSchool]
    /// Students who changed school inside the academy between two school years.
    public var transfers: [SchoolTransfer]

    /// What the file writers need beyond the records (birth places, previous schools...).
    var details: [[YearDetails]]
    var places: [Place]

    public func school(_ uai: UAI) -> GeneratedSchool? { schools.first { $0.uai == uai } }
}

/// One fictional collège.
public struct GeneratedSchool: Sendable {
    public var uai: UAI
    /// "Collège Jean Moulin"
    public var name: String
    public var city: String
    /// One snapshot per school year, oldest first.
    public var years: [GeneratedYear]

    public func year(_ startYear: Int) -> GeneratedYear? { years.first { $0.year.startYear == startYear } }
}

/// A school as its exports of one school year describe it. Records carry the placeholder
/// location `generated:0`; compare them to imported ones with the location set aside.
public struct GeneratedYear: Sendable {
    public var year: SchoolYear
    /// `DATE_EXPORT` of both Siècle-BEE files (a rentrée export, early September).
    public var exportDate: CivilDate
    /// Every `ELEVE` of the students file, in file order (by `ELEVE_ID`), leavers included.
    public var students: [StudentRecord]
    /// Every `PERSONNE` of the responsables file with its links, in file order (by `PERSONNE_ID`).
    public var parents: [ParentRecord]
    /// Every STS-Web `INDIVIDU`, in file order (by `ID`).
    public var staff: [StaffRecord]
    /// STS-Web's subject nomenclature.
    public var subjects: [SubjectRecord]
    /// STS-Web divisions, then groups.
    public var structures: [StructureRecord]
    /// Who teaches what to whom, sorted as the STS reader sorts them.
    public var services: [TeachingService]
    /// Spellings fixed in this year's files, the ids kept.
    public var nameCorrections: [NameCorrection]
    /// Students going by a usage name from this year on (``GeneratorOptions/usageNameChanges``).
    public var usageNameChanges: [NameCorrection] = []
    /// Students who had no INE last year and carry one now, under the same `ELEVE_ID`: one
    /// person, whose key changes from the ELEVE_ID to the INE.
    public var ineAttributions: [INEAttribution]

    /// Students in a division this year (not departed).
    public var activeStudents: [StudentRecord] { students.filter { $0.leavingDate == nil } }
    /// Students who left during this school year: still in the file, with `DATE_SORTIE` and `Inactifs`.
    public var leavers: [StudentRecord] { students.filter { $0.leavingDate != nil } }
    public var teachers: [StaffRecord] { staff.filter { kind(of: $0) == .teacher } }

    /// Teacher or other staff, as the importer decides it (function `ENS`, or a service).
    public func kind(of staff: StaffRecord) -> PersonKind {
        staff.isTeacherByFunction || services.contains { $0.teacherSourceID == staff.sourceID } ? .teacher : .staff
    }
}

/// A student who moved to another school of the academy: same INE, names and birth date, a
/// new `ELEVE_ID` (a new registration).
public struct SchoolTransfer: Sendable, Hashable {
    /// The school year of the arrival.
    public var year: SchoolYear
    public var ine: String
    public var from: UAI
    public var fromSourceID: String
    public var to: UAI
    public var toSourceID: String
}

/// A spelling fixed in SIECLE between two years (an accent restored), ids unchanged.
public struct NameCorrection: Sendable, Hashable {
    public var sourceID: String
    public var before: PersonName
    public var after: PersonName
}

/// An INE given to a student registered without one, the `ELEVE_ID` kept.
public struct INEAttribution: Sendable, Hashable {
    public var sourceID: String
    public var ine: String
}

/// One file written by `AcademyGenerator.write(to:)`.
public struct GeneratedFile: Sendable, Hashable {
    public var url: URL
    public var uai: UAI
    public var year: SchoolYear
    public var kind: SourceKind
    /// Size on disk (the ZIP's size for the students export).
    public var bytes: Int
}

/// The placeholder location of generated records.
let generatedLocation = SourceLocation(file: "generated", line: 0)

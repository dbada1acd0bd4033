import BasculeDomain
import Dispatch

/// A school a student came from (`SCOLARITE_AN_DERNIER`): a collège of the academy, a feeder
/// primary school, or a collège elsewhere.
struct Place: Sendable {
    var uai: String
    /// `CLG`, `EEPU`...
    var sigle: String
    var denomination: String
    var complement: String
    var commune: String
    var department: String
}

struct Previous: Sendable {
    var place: Int
    var division: String?
    var mef: String?
}

enum SecondLanguage: UInt8, Sendable {
    case spanish
    case german
}

/// A student while the simulation runs. Names are canonical (mixed case); the files write the
/// family name upper-cased.
struct StudentState: Sendable {
    var sourceID: String
    var ine: String?
    var elenoet: String
    var family: Int
    var surname: String
    var usage: String?
    /// The family and usage names as SIECLE writes them (upper case), kept once computed.
    var upper: String
    var usageUpper: String?
    var first: String
    /// Set when `first` is the accent-less spelling of this proper one (to be fixed later).
    var properFirst: String?
    var others: [String]
    var birth: CivilDate
    var sex: UInt8
    /// 0 = 6e ... 3 = 3e.
    var level: Int
    var entry: CivilDate
    var regime: String
    var lv2: SecondLanguage
    var latin: Bool
    var bilingual: Bool
    /// Legal responsables, level 1 first.
    var parentIDs: [String]
    var previous: Previous
    var birthPlace: Int
    /// Not to be picked as a leaver this year (just transferred in, or just had a name fixed).
    var pinned = false
    // This year's placement.
    var division: String?
    var groups: [String] = []
    var leaving: CivilDate?

    var writtenName: PersonName {
        PersonName(familyName: upper, usageName: usageUpper, firstName: first,
                   otherFirstNames: others)
    }

    var record: StudentRecord {
        StudentRecord(sourceID: sourceID, ine: ine, elenoet: elenoet, name: writtenName, birthDate: birth,
                      sex: String(sex), mef: Level.mef[level], entryDate: entry, leavingDate: leaving,
                      division: division, groups: groups.sorted(), location: generatedLocation)
    }
}

struct ParentState: Sendable {
    var sourceID: String
    var sex: UInt8
    var civility: String
    var family: String
    var usage: String?
    var upper: String
    var usageUpper: String?
    var first: String
    var email: String?
    var mobile: String?
    var home: String?
    /// `CODE_PARENTE`: 10 mother, 20 father, 50 tutor.
    var relation: String
    var profession: String

    func writtenName(mixedCase: Bool) -> PersonName {
        PersonName(familyName: mixedCase ? family : upper, usageName: mixedCase ? usage : usageUpper, firstName: first)
    }
}

struct StaffState: Sendable {
    var sourceID: String
    var sex: UInt8
    var patronymic: String
    var usage: String
    var first: String
    var birth: CivilDate
    var function: String
    var grade: String
    /// Teachers only.
    var pool: Pool?
    /// A French teacher of classics, who also teaches Latin.
    var classics = false
    var mainTeacherOf: [String] = []

    var civility: String { sex == 1 ? "M." : "MME" }

    var record: StaffRecord {
        StaffRecord(sourceID: sourceID,
                    name: PersonName(familyName: patronymic.uppercased(), usageName: usage.uppercased(), firstName: first),
                    birthDate: birth, civility: civility, function: function, grade: grade,
                    mainTeacherOf: mainTeacherOf, location: generatedLocation)
    }
}

struct ServiceInfo: Sendable {
    var subject: Subject
    var teacher: String
}

struct DivisionInfo: Sendable {
    var code: String
    var label: String
    var level: Int
    var size: Int
    var services: [ServiceInfo]
}

struct GroupInfo: Sendable {
    var code: String
    var label: String
    var level: Int
    var divisions: [String]
    var size: Int
    var services: [ServiceInfo]
}

/// Everything the three files of one school year are written from.
struct YearDetails: Sendable {
    var year: Int
    var exportDate: CivilDate
    /// Seconds after midnight of the Siècle export, and the day and time of the STS-Web one.
    var exportSeconds: Int
    var stsDate: CivilDate
    var stsSeconds: Int
    var students: [StudentState]
    var parents: [ParentState]
    var mixedCaseParents: Bool
    var staff: [StaffState]
    var divisions: [DivisionInfo]
    var groups: [GroupInfo]
    var structuresFirst: Bool
    var nameCorrections: [NameCorrection]
    var usageNameChanges: [NameCorrection] = []
    var ineAttributions: [INEAttribution]
}

/// How a school names its divisions: `6A`, `601` or `6e 1`.
enum DivisionStyle: Sendable {
    case letter
    case number
    case spaced

    func code(level: Int, index: Int) -> String {
        let d = Level.digit[level]
        switch self {
        case .letter: return d + Self.letters(index)
        case .number: return d + (index < 9 ? "0" : "") + String(index + 1)
        case .spaced: return d + "e " + String(index + 1)
        }
    }

    func label(level: Int, index: Int) -> String {
        switch self {
        case .letter: "\(Level.mefLabel[level]) \(Self.letters(index))"
        case .number, .spaced: "\(Level.mefLabel[level]) \(index + 1)"
        }
    }

    /// A, B, ... Z, AA, AB, ...
    static func letters(_ index: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if index < 26 { return String(alphabet[index]) }
        return String(alphabet[(index / 26 - 1) % 26]) + String(alphabet[index % 26])
    }
}

/// A school's id counters. Ids are numeric and never reused; the schools of an academy share one
/// sequence, interleaved (the k-th id of school s is `base + k × schools + s`), so that ids are
/// unique across the academy while each school draws its own without waiting for the others.
struct IDs: Sendable {
    private let school: Int
    private let schools: Int
    private let bases: (student: Int, person: Int, staff: Int)
    private var counters = (student: 0, person: 0, staff: 0, family: 0)
    private var ineIndex: UInt64 = 0
    private let ineOffset: UInt64

    init(seed: UInt64, school: Int, schools: Int) {
        var r = Xoshiro.stream(seed: seed, salt: 0x1D5)
        self.school = school
        self.schools = schools
        bases = (1_000_000 + r.below(2_000_000), 1_000_000 + r.below(2_000_000), 10_000 + r.below(20_000))
        ineOffset = r.next() % 10_000_000_000
    }

    private func interleave(_ k: Int) -> Int { k * schools + school }

    mutating func student(_ rng: inout Xoshiro) -> String {
        counters.student += 1 + rng.below(2)
        return String(bases.student + interleave(counters.student))
    }

    mutating func person(_ rng: inout Xoshiro) -> String {
        counters.person += 1 + rng.below(2)
        return String(bases.person + interleave(counters.person))
    }

    mutating func staff(_ rng: inout Xoshiro) -> String {
        counters.staff += 1 + rng.below(2)
        return String(bases.staff + interleave(counters.staff))
    }

    mutating func family() -> Int {
        counters.family += 1
        return interleave(counters.family)
    }

    static let checkLetters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")

    /// 10 digits and a check letter, unique across the academy: the interleaved index walks a
    /// permutation of 0..<10¹⁰.
    mutating func ine() -> String {
        ineIndex += 1
        let index = ineIndex * UInt64(schools) + UInt64(school)
        let n = (ineOffset &+ index &* 7_919_993) % 10_000_000_000
        let digits = String(n)
        return String(repeating: "0", count: 10 - digits.count) + digits + String(Self.checkLetters[Int(n % 23)])
    }
}

/// Runs `body` on every element, the elements shared among the machine's cores. Each call
/// touches its own element only.
func updateInParallel<T>(_ items: inout [T], _ body: @Sendable (Int, inout T) -> Void) {
    items.withUnsafeMutableBufferPointer { buffer in
        let shared = SharedBuffer(buffer: buffer)
        DispatchQueue.concurrentPerform(iterations: buffer.count) { i in
            body(i, &shared.buffer[i])
        }
    }
}

private struct SharedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
}

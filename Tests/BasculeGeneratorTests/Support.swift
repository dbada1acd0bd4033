import BasculeDomain
import BasculeGenerator
import BasculeImport
import Foundation
import Testing

/// The small academy most tests look at: two schools of about 120 students, two school years.
enum Fixture {
    static let options = GeneratorOptions(schools: 2, studentsPerSchool: 120, seed: 42, firstYear: 2025, years: 2)
    static let academy = AcademyGenerator(options: options).generate()

    /// The properties checked hold whatever the seed: a few seeds, generated once.
    static let seeds: [UInt64] = [42, 7, 2026]
    static let academies: [UInt64: GeneratedAcademy] = Dictionary(uniqueKeysWithValues: seeds.map { seed in
        var o = options
        o.seed = seed
        return (seed, seed == options.seed ? academy : AcademyGenerator(options: o).generate())
    })
}

/// A fresh temporary directory, removed by `remove()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-generator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func students(_ e: ParsedExport) throws -> SiecleStudentsExport {
    guard case .students(let s) = e else { throw Failure("expected a students export, got \(e.header.source)") }
    return s
}

func persons(_ e: ParsedExport) throws -> SieclePersonsExport {
    guard case .persons(let p) = e else { throw Failure("expected a responsables export, got \(e.header.source)") }
    return p
}

func sts(_ e: ParsedExport) throws -> STSExport {
    guard case .sts(let s) = e else { throw Failure("expected an STS export, got \(e.header.source)") }
    return s
}

/// Records as the generator describes them: the reader's file and line set aside.
let here = SourceLocation(file: "generated", line: 0)

extension StudentRecord {
    var located: StudentRecord { var r = self; r.location = here; return r }
}

extension ParentRecord {
    var located: ParentRecord { var r = self; r.location = here; return r }
}

extension StaffRecord {
    var located: StaffRecord { var r = self; r.location = here; return r }
}

extension StructureRecord {
    var located: StructureRecord { var r = self; r.location = here; return r }
}

/// 0 for 6e ... 3 for 3e.
func level(ofMEF mef: String?) -> Int? {
    ["10010012110", "10110001110", "10210001110", "10310019110"].firstIndex(of: mef ?? "")
}

import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Identities stay stable across years and re-imports")
struct IdentityAcrossYearsTests {
    /// Two generated collèges over two school years, written once for every test of the suite.
    static let academy: (files: [GeneratedFile], dir: TemporaryDirectory) = {
        let dir = try! TemporaryDirectory(prefix: "bascule-academy")
        let files = try! AcademyGenerator(options: GeneratorOptions(schools: 2, studentsPerSchool: 160, seed: 11,
                                                                   firstYear: 2025, years: 2)).write(to: dir.url)
        return (files, dir)
    }()

    func files(_ uai: UAI, _ year: Int) -> [URL] {
        Self.academy.files.filter { $0.uai == uai && $0.year.startYear == year }.map(\.url)
    }

    func studentsFile(_ uai: UAI, _ year: Int) throws -> SiecleStudentsExport {
        let f = Self.academy.files.first { $0.uai == uai && $0.year.startYear == year && $0.kind == .siecleStudents }!
        guard case .students(let s) = try ExportReader().read(f.url) else { throw CancellationError() }
        return s
    }

    @Test("Two years of a generated collège: the same INE is the same person; leavers are absent", arguments: Backend.allCases)
    func twoYears(backend: Backend) async throws {
        let uai = Self.academy.files[0].uai
        try await withStore(backend) { store, _ in
            _ = try await ImportService(store: store, today: CivilDate(year: 2025, month: 9, day: 3)!).importFiles(files(uai, 2025))
            let s2 = try await ImportService(store: store, today: CivilDate(year: 2026, month: 9, day: 3)!).importFiles(files(uai, 2026))
            #expect(s2.files.allSatisfy { !$0.alreadyImported })

            let imports = try await store.imports(uai: uai, source: .siecleStudents)
            #expect(imports.count == 2)
            let y1 = try await store.snapshotPeople(importID: imports[0].id)
            let y2 = try await store.snapshotPeople(importID: imports[1].id)
            let r1 = try studentsFile(uai, 2025), r2 = try studentsFile(uai, 2026)
            let person1 = Dictionary(uniqueKeysWithValues: y1.map { ($0.sourceID, $0.personID) })
            let person2 = Dictionary(uniqueKeysWithValues: y2.map { ($0.sourceID, $0.personID) })
            let ine1 = Dictionary(r1.students.compactMap { s in s.ine.map { ($0, s.sourceID) } }, uniquingKeysWith: { a, _ in a })
            var stayed = 0
            for s in r2.students {
                guard let ine = s.ine, let old = ine1[ine] else { continue }
                #expect(person2[s.sourceID] == person1[old], "\(s.name.full) keeps their person across years")
                stayed += 1
            }
            #expect(stayed > 50)
            // Nobody is duplicated: one person per INE, or per ELEVE_ID for whom no year gives an INE.
            let persons = try await store.persons(uai: uai).filter { $0.kind == .student }
            let all = r1.students + r2.students
            let ineOf = Dictionary(all.compactMap { s in s.ine.map { (s.sourceID, $0) } }, uniquingKeysWith: { a, _ in a })
            let keys = Set(all.map { ineOf[$0.sourceID] ?? "id:" + $0.sourceID })
            #expect(persons.count == keys.count)

            // Last year's 3e are no longer in the newest export.
            let people = try await PeopleQuery(store: store).people(uai: uai, kind: .student)
            let stillThere = Set(r2.students.map(\.sourceID))
            let gone = people.filter { !stillThere.contains($0.sourceId) }
            #expect(!gone.isEmpty)
            #expect(gone.allSatisfy { $0.status == .absent && $0.division == nil })
        }
    }

    @Test("The order of files in a batch and re-imports change nothing", arguments: Backend.allCases)
    func orderAndReimport(backend: Backend) async throws {
        let uai = Self.academy.files.last!.uai
        var results: [[String]] = []
        for reversed in [false, true] {
            try await withStore(backend) { store, _ in
                let service = ImportService(store: store, today: CivilDate(year: 2026, month: 9, day: 3)!)
                let batch = files(uai, 2026)
                _ = try await service.importFiles(reversed ? batch.reversed() : batch)
                let again = try await service.importFiles(batch)
                #expect(again.files.allSatisfy { $0.alreadyImported })
                let people = try await PeopleQuery(store: store).people()
                results.append(people.map { "\($0.kind) \($0.sourceId) \($0.lastName) \($0.division ?? "-") \($0.groups) \($0.status) \($0.children)" })
            }
        }
        #expect(results[0] == results[1])
        #expect(results[0].count > 160)
    }
}

import BasculeDomain
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// Many rows go to PostgreSQL by COPY, in its text format: a value holding what that format gives a
/// meaning to (a backslash, a tab, a line break, `\N`, `\.`) must come back exactly as written, and
/// an absent value as NULL, on both backends.
@Suite("Bulk writes keep every value as it was")
struct BulkWriteTests {
    static let awkward = ["a\\b", "x\ty", "l1\nl2", "r\rs", "\\N", "\\.", "\\", "fin\\", "\t", "N", "Zoé \\t", "'; DROP TABLE persons; --"]

    @Test("Names with backslashes, tabs, line breaks, \\N and \\. are stored and read back unchanged", arguments: Backend.allCases)
    func awkwardValues(backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let uai = UAI("0860001X")!
            let info = ImportInfo(id: "import-1", seq: 1, uai: uai, source: .siecleStudents, schoolYear: SchoolYear(startYear: 2026),
                                  exportDate: nil, formatVersion: nil, fileName: "eleves.xml", fileSHA256: "00", importedAt: "2026-09-03T08:00:00Z",
                                  recordCount: 100)
            // More rows than the threshold from which PostgreSQL gets them by COPY.
            let names = (0..<100).map { i in
                PersonName(familyName: Self.awkward[i % Self.awkward.count] + "\(i)", usageName: i % 3 == 0 ? nil : Self.awkward[(i + 1) % Self.awkward.count],
                           firstName: Self.awkward[(i + 2) % Self.awkward.count])
            }
            let persons = names.enumerated().map { i, name in
                PersonWrite(StoredPerson(id: "p\(i)", uai: uai, source: .siecleStudents, sourceID: "\(1000 + i)", kind: .student,
                                         ine: i % 2 == 0 ? nil : "INE\(i)", name: name, birthDate: CivilDate(year: 2012, month: 5, day: 1 + i % 28)),
                            isNew: true)
            }
            let people = names.enumerated().map { i, name in
                SnapshotPerson(personID: "p\(i)", kind: .student, sourceID: "\(1000 + i)", name: name, division: i % 4 == 0 ? nil : "3\\A\t",
                               groups: [], hasLeft: false, entryDate: nil, leavingDate: nil, mef: nil, function: nil, email: nil, line: i + 1)
            }
            try await store.commit([SnapshotWrite(info: info, persons: persons, people: people)])
            let read = Dictionary(uniqueKeysWithValues: try await store.snapshotPeople(importID: "import-1").map { ($0.personID, $0) })
            #expect(read.count == 100)
            for (i, name) in names.enumerated() {
                let row = try #require(read["p\(i)"])
                #expect(row.name == name, "\(row.name) != \(name)")
                #expect(row.division == (i % 4 == 0 ? nil : "3\\A\t"))
                #expect(row.line == i + 1)
            }
            let known = Dictionary(uniqueKeysWithValues: try await store.knownPeople(uai: uai).map { ($0.id, $0) })
            #expect(known["p1"]?.ine == "INE1")
            #expect(known["p2"]?.ine == nil, "an absent value is NULL, not the text \\N")
            #expect(known["p5"]?.firstName == Self.awkward[7])
        }
    }
}

import BasculeApp
import BasculeDomain
import BasculeImport
@testable import BasculeStore
import BasculeTesting
import Foundation
import Testing

@Suite("Importing into the store, on SQLite and PostgreSQL")
struct StoreImportTests {
    let files = ["sts_emp_0860001X_2026.xml", "ElevesSansAdresses-v1-latin1.xml", "ResponsablesSansAdresses-utf8.xml"]

    @Test("Opening a store twice migrates once", arguments: Backend.allCases)
    func migrations(backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            if case .sqlite = store.location {
                let again = try await Store.open(store.location)
                #expect(try await again.schemaVersion() == Migrations.latestVersion)
                await again.close()
            }
        }
    }

    @Test("Three sources become people with their class, groups, status and children", arguments: Backend.allCases)
    func importAll(backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let summary = try await ImportService(store: store, today: rentree2026, makeID: sequentialIDs())
                .importFiles(files.map(fixture))
            #expect(summary.files.map(\.source) == [.sts, .siecleStudents, .sieclePersons], "STS-Web first, parents last")
            #expect(summary.files.map(\.newPeople) == [3, 3, 2])
            let people = try await PeopleQuery(store: store).people()
            #expect(people.count == 8)
            let zoe = try #require(people.first { $0.firstName == "Zoé" })
            #expect(zoe.kind == .student)
            #expect(zoe.lastName == "DE LA FONTAINE")
            #expect(zoe.division == "6A")
            #expect(zoe.status == .active)
            #expect(zoe.ine == "1234567890A")
            let mael = try #require(people.first { $0.firstName == "Maël" })
            #expect(mael.groups == ["5ESP1"])
            let leaver = try #require(people.first { $0.firstName == "L?a" })
            #expect(leaver.status == .left)
            #expect(leaver.division == nil, "a leaver is a member of nothing")
            let helene = try #require(people.first { $0.firstName == "Hélène" })
            #expect(helene.kind == .teacher)
            #expect(helene.lastName == "LECŒUR")
            #expect(people.first { $0.firstName == "Awa" }?.kind == .staff)
            let parent = try #require(people.first { $0.firstName == "Jürgen" })
            #expect(parent.kind == .parent)
            #expect(parent.children == ["1002", "1003"])
            #expect(summary.notices.contains { $0.code == .placeholderInName })
        }
    }

    @Test("Re-importing the same files changes nothing", arguments: Backend.allCases)
    func reimport(backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let service = ImportService(store: store, today: rentree2026)
            _ = try await service.importFiles(files.map(fixture))
            let before = try await store.tableCounts()
            let people = try await PeopleQuery(store: store).people()
            let again = try await service.importFiles(files.map(fixture))
            #expect(again.files.allSatisfy { $0.alreadyImported })
            #expect(try await store.tableCounts() == before)
            #expect(try await PeopleQuery(store: store).people() == people)
        }
    }

    @Test("A refused file in a batch leaves the store exactly as it was", arguments: Backend.allCases)
    func atomic(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            let service = ImportService(store: store, today: rentree2026)
            _ = try await service.importFiles([fixture("sts_emp_0860001X_2026.xml")])
            let before = try await store.tableCounts()
            let broken = try dir.write("ElevesSansAdresses.xml", text: """
                <?xml version="1.0" encoding="UTF-8"?>
                <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><ELEVES>
                <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>B</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
                <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>B</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
                </ELEVES></DONNEES></BEE_ELEVES>
                """)
            await #expect(throws: ImportError.self) {
                try await service.importFiles([fixture("ResponsablesSansAdresses-utf8.xml"), broken])
            }
            #expect(try await store.tableCounts() == before)
        }
    }

    @Test("An export older than the newest one is refused; an old identical one is skipped", arguments: Backend.allCases)
    func stale(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            func export(_ date: String, first: String) throws -> URL {
                try dir.write("e-\(first).xml", text: """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ><DATE_EXPORT>\(date)</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
                    <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>\(first)</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
                    </ELEVES></DONNEES></BEE_ELEVES>
                    """)
            }
            let service = ImportService(store: store, today: rentree2026)
            let old = try export("01/09/2026", first: "Ana")
            _ = try await service.importFiles([old])
            _ = try await service.importFiles([try export("05/09/2026", first: "Anne")])
            let before = try await store.tableCounts()
            let again = try await service.importFiles([old])
            #expect(again.files[0].alreadyImported, "the old file's content is in the history")
            await #expect(throws: ImportError.self) {
                try await service.importFiles([try export("03/09/2026", first: "Anna")])
            }
            #expect(try await store.tableCounts() == before)
            #expect(try await PeopleQuery(store: store).people().map(\.firstName) == ["Anne"])
        }
    }

    @Test("A file of another school is refused when --school is given", arguments: Backend.allCases)
    func schoolMismatch(backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let service = ImportService(store: store, today: rentree2026)
            await #expect(throws: ImportError.schoolMismatch(file: "sts_emp_0860001X_2026.xml", expected: "0860002Y", found: "0860001X")) {
                try await service.importFiles([fixture("sts_emp_0860001X_2026.xml")], school: UAI("0860002Y"))
            }
            let counts = try await store.tableCounts()
            #expect(counts["imports"] == 0)
        }
    }

    @Test("A division in SIECLE but not in STS-Web is reported, not refused", arguments: Backend.allCases)
    func crossSource(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            let service = ImportService(store: store, today: rentree2026)
            _ = try await service.importFiles([fixture("sts_emp_0860001X_2026.xml")])
            let url = try dir.write("eleves.xml", text: """
                <?xml version="1.0" encoding="UTF-8"?>
                <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ></PARAMETRES><DONNEES><ELEVES>
                <ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><PRENOM>B</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
                </ELEVES><STRUCTURES><STRUCTURES_ELEVE ELEVE_ID="1"><STRUCTURE><CODE_STRUCTURE>4Z</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE></STRUCTURES></DONNEES></BEE_ELEVES>
                """)
            let summary = try await service.importFiles([url])
            #expect(summary.notices.contains { $0.code == .divisionNotInSTS && $0.french.contains("4Z") })
            #expect(summary.notices.contains { $0.code == .noGroups })
        }
    }

    @Test("A name corrected in the source keeps the person; the newest name is shown", arguments: Backend.allCases)
    func nameCorrection(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            func export(_ first: String, _ date: String) throws -> URL {
                try dir.write("e-\(date).xml", text: """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ><DATE_EXPORT>\(date)</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
                    <ELEVE ELEVE_ID="1"><ID_NATIONAL>1234567890A</ID_NATIONAL><NOM_DE_FAMILLE>ANDRE</NOM_DE_FAMILLE><PRENOM>\(first)</PRENOM><DATE_NAISS>01/01/2014</DATE_NAISS></ELEVE>
                    </ELEVES></DONNEES></BEE_ELEVES>
                    """)
            }
            let service = ImportService(store: store, today: rentree2026)
            _ = try await service.importFiles([try export("Helene", "01/09/2026")])
            let before = try await PeopleQuery(store: store).people()
            let s = try await service.importFiles([try export("Hélène", "02/09/2026")])
            #expect(s.files[0].newPeople == 0)
            let after = try await PeopleQuery(store: store).people()
            #expect(after.count == 1)
            #expect(after[0].id == before[0].id)
            #expect(after[0].firstName == "Hélène")
        }
    }

    @Test("An ELEVE_ID given again to another child makes a new person; the id follows the newcomer, the other keeps theirs",
          arguments: Backend.allCases)
    func reusedStudentID(backend: Backend) async throws {
        try await withStore(backend) { store, dir in
            func export(_ ine: String, _ first: String, _ birth: String, _ date: String) throws -> URL {
                try dir.write("e-\(date).xml", text: """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <BEE_ELEVES><PARAMETRES><UAJ>0860001X</UAJ><DATE_EXPORT>\(date)</DATE_EXPORT></PARAMETRES><DONNEES><ELEVES>
                    <ELEVE ELEVE_ID="7"><ID_NATIONAL>\(ine)</ID_NATIONAL><NOM_DE_FAMILLE>ANDRE</NOM_DE_FAMILLE><PRENOM>\(first)</PRENOM><DATE_NAISS>\(birth)</DATE_NAISS></ELEVE>
                    </ELEVES></DONNEES></BEE_ELEVES>
                    """)
            }
            let service = ImportService(store: store, today: rentree2026)
            _ = try await service.importFiles([try export("1111111111A", "Hélène", "01/01/2014", "01/09/2025")])
            let reused = try await service.importFiles([try export("2222222222B", "Paul", "05/06/2016", "01/09/2026")])
            #expect(reused.files[0].newPeople == 1)
            #expect(reused.notices.map(\.code).contains(.sourceIDReused))
            // A third export with the same child: the newcomer, nobody new.
            let again = try await service.importFiles([try export("2222222222B", "Paul", "05/06/2016", "02/09/2026")])
            #expect(again.files[0].newPeople == 0 && !again.notices.map(\.code).contains(.sourceIDReused))
            let known = try await store.knownPeople(uai: UAI("0860001X")!).sorted { $0.firstName < $1.firstName }
            #expect(known.map(\.firstName) == ["Hélène", "Paul"])
            #expect(known[1].sourceID == "7" && known[1].ine == "2222222222B")
            #expect(known[0].sourceID == "7#\(known[0].id)" && known[0].ine == "1111111111A")
        }
    }
}

import BasculeDomain
import BasculeImport
import BasculeTesting
import Foundation
import Testing

@Suite("Reading real-format exports")
struct ReadersTests {
    @Test("STS-Web in ISO-8859-15: individuals, subjects, divisions, groups and services")
    func stsLatin9() throws {
        let e = try sts(ExportReader().read(fixture("sts_emp_0860001X_2026.xml")))
        #expect(e.header.uai.code == "0860001X")
        #expect(e.header.schoolYear == SchoolYear(startYear: 2026))
        #expect(e.header.source == .sts)
        #expect(e.staff.map(\.sourceID) == ["15001", "15002", "15003"])
        let helene = e.staff[0]
        #expect(helene.name.firstName == "Hélène")
        #expect(helene.name.usageName == "LECŒUR")
        #expect(helene.name.familyName == "MARTIN")
        #expect(helene.name.displayFamilyName == "LECŒUR")
        #expect(helene.birthDate == CivilDate(year: 1979, month: 4, day: 12))
        #expect(helene.mainTeacherOf == ["6A"])
        #expect(e.staff[1].name.firstName == "Jean-Étienne")
        #expect(e.kind(of: e.staff[0]) == .teacher)
        #expect(e.kind(of: e.staff[2]) == .staff)
        #expect(e.subjects.map(\.code) == ["020100", "030602"])
        #expect(e.structures.map(\.code) == ["6A", "5B", "5ESP1"], "codes are trimmed")
        #expect(e.structures[2].kind == .group)
        #expect(e.structures[2].divisions == ["5B", "6A"])
        #expect(e.structures[0].mefs == ["10010012110"])
        #expect(e.services == [
            TeachingService(structureCode: "5ESP1", structureKind: .group, subjectCode: "030602", courseMode: "CG", teacherSourceID: "15002"),
            TeachingService(structureCode: "6A", structureKind: .division, subjectCode: "020100", courseMode: "CG", teacherSourceID: "15001"),
        ])
    }

    @Test("Old Siècle-BEE students (NOM, ISO-8859-1), structures before students, leavers, placeholders")
    func oldStudentsLatin1() throws {
        let e = try students(ExportReader().read(fixture("ElevesSansAdresses-v1-latin1.xml")))
        #expect(e.header.formatVersion == "1.4")
        #expect(e.header.exportDate == CivilDate(year: 2026, month: 9, day: 3))
        #expect(e.students.count == 3)
        let zoe = e.students[0]
        #expect(zoe.name.familyName == "DE LA FONTAINE", "the previous school's NOM must not leak in")
        #expect(zoe.name.firstName == "Zoé")
        #expect(zoe.ine == "1234567890A")
        #expect(zoe.elenoet == "2201")
        #expect(zoe.division == "6A")
        #expect(zoe.entryDate == CivilDate(year: 2026, month: 9, day: 1))
        let mael = e.students[1]
        #expect(mael.name.familyName == "MÜLLER")
        #expect(mael.name.otherFirstNames == ["François"])
        #expect(mael.division == "5B", "trailing blanks are trimmed")
        #expect(mael.groups == ["5ESP1"])
        let leaver = e.students[2]
        #expect(leaver.ine == nil)
        #expect(leaver.division == inactiveDivisionCode)
        #expect(leaver.hasLeft(asOf: CivilDate(year: 2026, month: 9, day: 3)!))
        #expect(!zoe.hasLeft(asOf: CivilDate(year: 2026, month: 9, day: 3)!))
        #expect(leaver.name.firstName == "L?a", "placeholders are kept")
        #expect(e.notices.contains { $0.code == .placeholderInName && $0.location?.line == leaver.location.line })
        #expect(leaver.location.line > mael.location.line)
    }

    @Test("Responsables in UTF-8 with a BOM: old and new link fields, siblings")
    func responsablesUTF8() throws {
        let e = try persons(ExportReader().read(fixture("ResponsablesSansAdresses-utf8.xml")))
        #expect(e.parents.map(\.sourceID) == ["5001", "5002"])
        #expect(e.parents[0].name.usageName == "Œlsner")
        #expect(e.parents[0].name.firstName == "Anaïs")
        #expect(e.parents[0].email == "anais.oelsner@example.org")
        #expect(e.parents[0].links == [GuardianLink(studentSourceID: "1001", relationCode: "20", legalLevel: "1")])
        #expect(e.parents[1].links.map(\.studentSourceID) == ["1002", "1003"], "one person for two siblings")
        #expect(e.parents[1].links[1].legalLevel == "2", "old RESP_LEGAL is read too")
    }

    @Test("Pix's samples: two students, BOM, missing INE, leavers")
    func pixSamples() throws {
        let two = try students(ExportReader().read(fixture("siecle-with-two-valid-students.xml")))
        #expect(two.header.uai.code == "123ABC")
        #expect(two.students.map(\.name.firstName) == ["Luciole", "Harry"])
        #expect(two.students[0].name.otherFirstNames == ["Léa", "Lucy"])
        #expect(two.students[1].name.displayFamilyName == "COJAUNE")
        #expect(two.students[1].groups == ["42"])
        let bom = try students(ExportReader().read(fixture("siecle-with-bom.xml")))
        #expect(!bom.students.isEmpty)
        let noINE = try students(ExportReader().read(fixture("siecle-with-no-national-student-id.xml")))
        #expect(noINE.students.contains { $0.ine == nil })
        let leavers = try students(ExportReader().read(fixture("siecle-with-registrations-no-longer-in-school.xml")))
        let asOf = CivilDate(year: 2020, month: 1, day: 1)!
        #expect(leavers.students.filter { $0.hasLeft(asOf: asOf) }.map(\.sourceID) == ["0002", "0005"])
        let year = try students(ExportReader().read(fixture("siecle-with-two-valid-students-and-school-year.xml")))
        #expect(year.header.schoolYear == SchoolYear(startYear: 2016))
    }

    @Test("An early export without any group is reported, not refused")
    func noGroups() throws {
        let dir = try TemporaryDirectory()
        let url = try dir.write("early.xml", text: studentsXML(body: student("1"), structures: """
            <STRUCTURES_ELEVE ELEVE_ID="1"><STRUCTURE><CODE_STRUCTURE>6A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>
            """))
        let e = try students(ExportReader().read(url))
        #expect(e.notices.map(\.code) == [.noGroups])
    }

    @Test("A file over 10 MB is streamed, not refused")
    func largeFile() throws {
        let dir = try TemporaryDirectory()
        var body = ""
        body.reserveCapacity(13_000_000)
        for i in 0..<60_000 {
            body += student(String(100_000 + i), first: "Élodie", family: "LE GOFF-\(i)") + "\n"
        }
        let url = try dir.write("big.xml", text: studentsXML(body: body))
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(size > 10_000_000)
        let e = try students(ExportReader().read(url))
        #expect(e.students.count == 60_000)
        #expect(e.students.last?.name.familyName == "LE GOFF-59999")
    }
}

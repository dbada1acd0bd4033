import BasculeDomain
import Testing

@Suite("Stable identities: INE, then ELEVE_ID, never names")
struct IdentityResolverTests {
    let resolver = IdentityResolver()
    let birth = CivilDate(year: 2014, month: 3, day: 9)!

    func record(_ id: String, ine: String?, first: String = "Léa", family: String = "DUPONT", birth: CivilDate? = nil, line: Int = 1) -> StudentRecord {
        StudentRecord(sourceID: id, ine: ine, elenoet: nil, name: PersonName(familyName: family, firstName: first),
                      birthDate: birth ?? self.birth, sex: nil, mef: nil, entryDate: nil, leavingDate: nil,
                      division: "6A", groups: [], location: SourceLocation(file: "f.xml", line: line))
    }

    func known(_ id: String, source: String, ine: String?, first: String = "Léa") -> KnownPerson {
        KnownPerson(id: id, kind: .student, sourceID: source, ine: ine, firstName: first, birthDate: birth)
    }

    @Test("A student is found by INE when the first name and birth date agree, even re-registered")
    func byINE() {
        let r = resolver.resolveStudents([record("900", ine: "1234567890A", first: "LEA", family: "MARTIN")],
                                         known: [known("p1", source: "100", ine: "1234567890A")])
        #expect(r.resolutions == [Resolution(personID: "p1", claimedINE: "1234567890A")])
        #expect(r.notices.map(\.code) == [.sourceIDChanged])
    }

    @Test("A name correction never makes a new person")
    func nameCorrection() {
        let r = resolver.resolveStudents([record("100", ine: nil, first: "Léa-Marie", family: "DUPONT-DURAND")],
                                         known: [known("p1", source: "100", ine: nil)])
        #expect(r.resolutions[0].personID == "p1")
        #expect(r.notices.isEmpty)
    }

    @Test("An INE whose holder disagrees is a conflict: matched by ELEVE_ID only, INE not claimed")
    func conflictingINE() {
        let r = resolver.resolveStudents([record("200", ine: "1234567890A", first: "Paul")],
                                         known: [known("p1", source: "100", ine: "1234567890A")])
        #expect(r.resolutions == [Resolution(personID: nil, claimedINE: nil)])
        #expect(r.notices.map(\.code) == [.ineConflict])
    }

    @Test("One INE on two students of one file identifies neither of them")
    func duplicateINEInFile() {
        let r = resolver.resolveStudents(
            [record("100", ine: "1234567890A", line: 10), record("101", ine: "1234567890A", first: "Paul", line: 20)],
            known: [known("p1", source: "100", ine: "1234567890A")])
        #expect(r.resolutions == [Resolution(personID: "p1", claimedINE: nil), Resolution(personID: nil, claimedINE: nil)])
        #expect(r.notices.first?.code == .duplicateINE)
        #expect(r.notices.first?.location?.line == 10)
    }

    @Test("A newcomer without INE keeps their person when the INE arrives")
    func ineArrivesLater() {
        let r = resolver.resolveStudents([record("100", ine: "1234567890A")], known: [known("p1", source: "100", ine: nil)])
        #expect(r.resolutions == [Resolution(personID: "p1", claimedINE: "1234567890A")])
    }

    @Test("Twins share a birth date and surname but not an INE or ELEVE_ID")
    func twins() {
        let r = resolver.resolveStudents(
            [record("101", ine: "2000000000B", first: "Louis"), record("100", ine: "2000000000A", first: "Lou")],
            known: [known("a", source: "100", ine: "2000000000A", first: "Lou"),
                    known("b", source: "101", ine: "2000000000B", first: "Louis")])
        #expect(r.resolutions.map(\.personID) == ["b", "a"])
    }

    @Test("The answer does not depend on the order of known people")
    func orderIndependent() {
        let people = (0..<50).map { known("p\($0)", source: "\(100 + $0)", ine: $0 % 3 == 0 ? nil : "I\($0)") }
        let records = (0..<50).map { record("\(100 + $0)", ine: $0 % 3 == 0 ? nil : "I\($0)") }
        let a = resolver.resolveStudents(records, known: people).resolutions
        let b = resolver.resolveStudents(records, known: people.reversed()).resolutions
        #expect(a == b)
        #expect(a.allSatisfy { $0.personID != nil })
    }

    @Test("An ELEVE_ID given again to a child with another INE is a new person, and the reuse is reported")
    func reusedSourceIDOtherINE() {
        let r = resolver.resolveStudents([record("100", ine: "2222222222B", first: "Paul", line: 7)],
                                         known: [known("p1", source: "100", ine: "1111111111A")])
        #expect(r.resolutions == [Resolution(personID: nil, claimedINE: "2222222222B")])
        #expect(r.notices.map(\.code) == [.sourceIDReused])
        #expect(r.notices.first?.location?.line == 7)
        #expect(r.notices.first?.french.contains("ELEVE_ID 100") == true)
        #expect(r.notices.first?.french.contains("1111111111A") == true)
    }

    @Test("An ELEVE_ID given again to a child with another first name and birth date is a new person, INE or not")
    func reusedSourceIDOtherChild() {
        let r = resolver.resolveStudents([record("100", ine: nil, first: "Paul", birth: CivilDate(year: 2015, month: 6, day: 1))],
                                         known: [known("p1", source: "100", ine: nil)])
        #expect(r.resolutions == [Resolution(personID: nil, claimedINE: nil)])
        #expect(r.notices.map(\.code) == [.sourceIDReused])
    }

    @Test("The same ELEVE_ID with one of first name or birth date corrected is the same person")
    func sourceIDWithOneCorrection() {
        let known = [known("p1", source: "100", ine: "1111111111A")]
        let firstName = resolver.resolveStudents([record("100", ine: nil, first: "Léah")], known: known)
        let birth = resolver.resolveStudents([record("100", ine: "1111111111A", first: "Lea", birth: CivilDate(year: 2014, month: 9, day: 3))],
                                             known: known)
        #expect(firstName.resolutions.map(\.personID) == ["p1"])
        #expect(birth.resolutions.map(\.personID) == ["p1"])
        #expect(firstName.notices.isEmpty && birth.notices.isEmpty)
    }

    @Test("Staff and parents are their source id")
    func bySourceID() {
        let k = [KnownPerson(id: "t1", kind: .teacher, sourceID: "15001", ine: nil, firstName: "A", birthDate: nil),
                 KnownPerson(id: "r1", kind: .parent, sourceID: "15001", ine: nil, firstName: "B", birthDate: nil)]
        #expect(resolver.resolveBySourceID(["15001", "9"], kinds: [.teacher, .staff], known: k).map(\.personID) == ["t1", nil])
        #expect(resolver.resolveBySourceID(["15001"], kinds: [.parent], known: k).map(\.personID) == ["r1"])
    }
}

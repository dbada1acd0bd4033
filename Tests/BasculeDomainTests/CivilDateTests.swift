import BasculeDomain
import Testing

@Suite("Civil dates")
struct CivilDateTests {
    @Test("SIECLE and STS-Web forms give the same day", arguments: [("14/02/2015", "2015-02-14"), ("01/09/2026", "2026-09-01")])
    func bothForms(french: String, iso: String) {
        #expect(CivilDate(parsing: french) == CivilDate(parsing: iso))
        #expect(CivilDate(parsing: french)?.description == iso)
        #expect(CivilDate(parsing: iso)?.french == french)
    }

    @Test("Impossible or malformed dates are refused", arguments: ["31/02/2014", "2014-13-01", "29/02/2023", "1/1", "", "2014/01/01", "aa/bb/cccc"])
    func refused(text: String) {
        #expect(CivilDate(parsing: text) == nil)
    }

    @Test("Leap days and day arithmetic")
    func arithmetic() {
        #expect(CivilDate(parsing: "29/02/2024") != nil)
        let d = CivilDate(year: 2026, month: 8, day: 24)!
        #expect(d.adding(days: 9).description == "2026-09-02")
        #expect(d.adding(days: -365).description == "2025-08-24")
        #expect(CivilDate(dayNumber: d.dayNumber) == d)
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
    }

    @Test("A school year starts in August")
    func schoolYear() {
        #expect(SchoolYear(containing: CivilDate(year: 2026, month: 7, day: 31)!) == SchoolYear(startYear: 2025))
        #expect(SchoolYear(containing: CivilDate(year: 2026, month: 8, day: 1)!) == SchoolYear(startYear: 2026))
        #expect(SchoolYear(parsing: "2026-2027")?.description == "2026-2027")
        #expect(SchoolYear(parsing: "26") == nil)
    }

    @Test("UAI codes are normalised and their national form recognised")
    func uai() {
        #expect(UAI(" 0860001x ")?.code == "0860001X")
        #expect(UAI("0860001X")!.isNationalForm)
        #expect(!UAI("123ABC")!.isNationalForm)
        #expect(UAI("") == nil)
        #expect(UAI("08600 01X") == nil)
        #expect(UAI("0860001X/../x") == nil)
    }
}

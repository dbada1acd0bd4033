import BasculeDomain
import Testing

/// The day semantics of ``SchoolCalendar``, on a small calendar written in code (the bundled
/// 2026-2027 file is checked against the memo in BasculeCommandsTests, which can read YAML).
@Suite("SchoolCalendar")
struct CalendarTests {
    static func d(_ s: String) -> CivilDate { CivilDate(parsing: s)! }

    static func entry(_ id: String, _ kind: CalendarEntryKind, _ target: CalendarTarget, from: String?, until: String? = nil,
                      roles: Set<CalendarRole> = [], liftableBy: Set<CalendarActor> = [], approval: Bool = false) -> CalendarEntry {
        CalendarEntry(id: id, kind: kind, target: target,
                      window: DayWindow(from: from.map(d), until: until.map(d)),
                      actor: .department, roles: roles, liftableBy: liftableBy,
                      requiresSchoolApproval: approval, labelFrench: id, labelEnglish: id)
    }

    static func memo() throws -> SchoolCalendar {
        try SchoolCalendar(year: SchoolYear(startYear: 2026), entries: [
            entry("pause-ent", .importsPaused, .ent, from: "2026-07-03"),
            entry("pause-sp", .importsPaused, .pedagogicalServer, from: "2026-07-03"),
            entry("reprise-ent", .importsResumed, .ent, from: "2026-08-24"),
            entry("reprise-sp", .importsResumed, .pedagogicalServer, from: "2026-08-28"),
            entry("acces-eleves", .accessUntil, .ent, from: nil, until: "2026-08-23", roles: [.students]),
            entry("fermeture", .accessClosed, .ent, from: "2026-08-24", until: "2026-09-01",
                  roles: [.students, .parents], liftableBy: [.principal, .deputy]),
            entry("anciens-eleves", .deletion, .pedagogicalServer, from: "2026-09-01", until: "2026-09-30", roles: [.students]),
            entry("anciens-personnels", .deletion, .pedagogicalServer, from: "2026-09-01", until: "2026-09-30",
                  roles: [.staff], approval: true),
            entry("licences", .licenceEnd, .gar, from: nil, until: "2026-08-15"),
            entry("moodle-ro", .platformReadOnly, .moodlecol, from: "2026-07-01"),
            entry("moodle-arret", .platformStopped, .moodlecol, from: "2026-09-01"),
            entry("leap", .cleanup, .pedagogicalServer, from: "2028-02-29", until: "2028-02-29"),
        ])
    }

    @Test("A pause without an end lasts until the day before its target's imports resume")
    func pauseEndsBeforeResumption() throws {
        let c = try Self.memo()
        #expect(c.entry("pause-ent")?.until == Self.d("2026-08-23"))
        #expect(c.entry("pause-sp")?.until == Self.d("2026-08-27"))
        #expect(!c.importsPaused(for: .ent, on: Self.d("2026-07-02")))
        #expect(c.importsPaused(for: .ent, on: Self.d("2026-07-03")))
        #expect(c.importsPaused(for: .ent, on: Self.d("2026-08-23")))
        #expect(!c.importsPaused(for: .ent, on: Self.d("2026-08-24")))
        #expect(c.importsPaused(for: .pedagogicalServer, on: Self.d("2026-08-27")))
        #expect(!c.importsPaused(for: .pedagogicalServer, on: Self.d("2026-08-28")))
        #expect(c.entry("moodle-ro")?.until == Self.d("2026-08-31"))
    }

    @Test("Windows include both ends; a liftable closure counts as open once lifted")
    func windowsAndClosure() throws {
        let c = try Self.memo()
        #expect(c.accessClosed(for: .parents, on: Self.d("2026-09-01")))
        #expect(!c.accessClosed(for: .parents, on: Self.d("2026-09-02")))
        #expect(!c.accessClosed(for: .staff, on: Self.d("2026-08-25")))
        let lifted = AccessLifting(year: c.year, entryID: "fermeture", role: .students, from: Self.d("2026-08-27"),
                                   by: "mprincipal", byLabel: "direction")
        #expect(c.accessClosed(for: .students, on: Self.d("2026-08-26"), liftings: [lifted]), "not before the day it opens")
        #expect(!c.accessClosed(for: .students, on: Self.d("2026-08-27"), liftings: [lifted]))
        #expect(c.accessClosed(for: .parents, on: Self.d("2026-08-27"), liftings: [lifted]), "per profile: parents stay closed")
        var lastYear = lifted
        lastYear.year = SchoolYear(startYear: 2025)
        #expect(c.accessClosed(for: .students, on: Self.d("2026-08-27"), liftings: [lastYear]), "a lifting belongs to one year")
        let notices = c.accessNotices(on: Self.d("2026-08-28"), liftings: [lifted])
        #expect(notices.map(\.role) == [.students, .parents])
        #expect(notices.map(\.isOpen) == [true, false])
        #expect(notices[0].reason.french.contains("levée avant sa fin par mprincipal"))
        #expect(notices[1].reason.french.contains("fermé aux responsables jusqu'au 2026-09-01 inclus"))
        #expect(c.isOpen("licences", on: Self.d("2026-08-15")))
        #expect(!c.isOpen("licences", on: Self.d("2026-08-16")))
        #expect(c.isOpen(.deletion, for: .pedagogicalServer, role: .students, on: Self.d("2026-09-30")))
        #expect(!c.isOpen(.deletion, role: .staff, on: Self.d("2026-10-01")))
        #expect(!c.isOpen("inconnu", on: Self.d("2026-09-15")))
    }

    @Test("Status: in force and next per target, next sorted by start")
    func status() throws {
        let s = try Self.memo().status(on: Self.d("2026-08-25"))
        let ent = try #require(s.target(.ent))
        #expect(ent.inForce.map(\.id) == ["reprise-ent", "fermeture"])
        #expect(ent.next.isEmpty)
        let sp = try #require(s.target(.pedagogicalServer))
        #expect(sp.inForce.map(\.id) == ["pause-sp"])
        #expect(sp.next.map(\.id) == ["reprise-sp", "anciens-eleves", "anciens-personnels", "leap"])
        #expect(s.targets.map(\.target) == [.ent, .pedagogicalServer, .gar, .moodlecol])
    }

    @Test("Shifting keeps month and day, clamps 29 February and records the source year")
    func shifted() throws {
        let c = try Self.memo().shifted(toYear: SchoolYear(startYear: 2027))
        #expect(c.year == SchoolYear(startYear: 2027))
        #expect(c.derivedFrom == SchoolYear(startYear: 2026))
        #expect(c.entry("fermeture")?.from == Self.d("2027-08-24"))
        #expect(c.entry("fermeture")?.until == Self.d("2027-09-01"))
        #expect(c.entry("pause-sp")?.until == Self.d("2027-08-27"))
        #expect(c.entry("leap")?.from == Self.d("2029-02-28"))
        #expect(try #require(c.entry("acces-eleves")).from == nil)
        #expect(c.shifted(toYear: SchoolYear(startYear: 2030)).derivedFrom == SchoolYear(startYear: 2026))
    }

    @Test("Invalid content is refused with the entry named")
    func validation() {
        #expect(throws: CalendarValidationError.self) {
            try SchoolCalendar(year: SchoolYear(startYear: 2026), entries: [
                Self.entry("a", .cleanup, .ent, from: "2026-08-02", until: "2026-08-01"),
            ])
        }
        #expect(throws: CalendarValidationError.self) {
            try SchoolCalendar(year: SchoolYear(startYear: 2026), entries: [
                Self.entry("a", .cleanup, .ent, from: "2026-08-01"), Self.entry("a", .cleanup, .gar, from: "2026-08-01"),
            ])
        }
    }

    @Test("The rollover year of a day is the school year starting in its civil year")
    func rolloverYear() {
        #expect(SchoolCalendar.rolloverYear(for: Self.d("2026-07-03")) == SchoolYear(startYear: 2026))
        #expect(SchoolCalendar.rolloverYear(for: Self.d("2026-09-15")) == SchoolYear(startYear: 2026))
    }
}

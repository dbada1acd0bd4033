/// One dated line of a rollover calendar: "imports to the ENT resume on 2026-08-24".
public struct CalendarEntry: Hashable, Sendable, Codable, Identifiable {
    /// Stable across years and files: the planner and the JSON output refer to entries by id.
    public let id: String
    public let kind: CalendarEntryKind
    public let target: CalendarTarget
    public var window: DayWindow
    /// Who carries it out.
    public let actor: CalendarActor
    /// Whom it concerns; empty when it is about the platform as a whole.
    public let roles: Set<CalendarRole>
    /// Who may lift it before its end (the ENT closure: principal and deputy, per profile).
    public let liftableBy: Set<CalendarActor>
    /// The action waits for the school to validate a list (former staff deletion).
    public let requiresSchoolApproval: Bool
    public let labelFrench: String
    public let labelEnglish: String

    public init(id: String, kind: CalendarEntryKind, target: CalendarTarget, window: DayWindow,
                actor: CalendarActor, roles: Set<CalendarRole> = [], liftableBy: Set<CalendarActor> = [],
                requiresSchoolApproval: Bool = false, labelFrench: String, labelEnglish: String) {
        self.id = id
        self.kind = kind
        self.target = target
        self.window = window
        self.actor = actor
        self.roles = roles
        self.liftableBy = liftableBy
        self.requiresSchoolApproval = requiresSchoolApproval
        self.labelFrench = labelFrench
        self.labelEnglish = labelEnglish
    }

    public var from: CivilDate? { window.from }
    public var until: CivilDate? { window.until }

    public func isInForce(on day: CivilDate) -> Bool { window.contains(day) }
}

/// A problem in a calendar's content (not its syntax): duplicate ids, a window that ends before
/// it starts, a date outside any sensible range.
public struct CalendarValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let entryID: String?
    public let french: String

    public init(entryID: String?, french: String) {
        self.entryID = entryID
        self.french = french
    }

    public var description: String { french }
}

/// The rollover calendar of one school year: when imports pause and resume, when access closes,
/// when cleanups and deletions happen, per target.
///
/// The calendar of 2026-2027 is the rollover *into* 2026-2027: it runs from the end of the
/// 2025-2026 classes (July 2026) to the checks of September 2026. Which calendar applies to a
/// day is therefore the one of the school year starting in that day's civil year
/// (``rolloverYear(for:)``), not ``SchoolYear/init(containing:)``, which would put 2026-07-03 in
/// 2025-2026.
///
/// Day semantics: every window is a span of whole days, both ends inclusive ("until the evening
/// of 2026-09-01" is `until: 2026-09-01`). An entry is in force on a day inside its window. A
/// pause (``CalendarEntryKind/importsPaused``) or read-only phase written without `until` ends
/// the day before the next resumption or stop of the same target; the initialiser fills that
/// `until` in, so every query sees one explicit window.
public struct SchoolCalendar: Hashable, Sendable {
    public let year: SchoolYear
    /// In file order, with the open-ended phases closed as described above.
    public let entries: [CalendarEntry]
    /// The year whose calendar this one was moved from, when no file exists for `year`.
    public let derivedFrom: SchoolYear?

    public init(year: SchoolYear, entries: [CalendarEntry], derivedFrom: SchoolYear? = nil) throws(CalendarValidationError) {
        var seen = Set<String>()
        for e in entries {
            guard !e.id.isEmpty else { throw .init(entryID: nil, french: "une entrée n'a pas d'identifiant") }
            guard seen.insert(e.id).inserted else {
                throw .init(entryID: e.id, french: "l'identifiant « \(e.id) » apparaît deux fois")
            }
            guard e.from != nil || e.until != nil else {
                throw .init(entryID: e.id, french: "l'entrée « \(e.id) » n'a ni date de début ni date de fin")
            }
            if let f = e.from, let u = e.until, u < f {
                throw .init(entryID: e.id, french: "l'entrée « \(e.id) » finit (\(u)) avant de commencer (\(f))")
            }
        }
        self.year = year
        self.derivedFrom = derivedFrom
        self.entries = entries.map { e in
            guard e.until == nil, let from = e.from, let closing = e.kind.endedBy else { return e }
            let end = entries
                .filter { $0.kind == closing && $0.target == e.target }
                .compactMap(\.from)
                .filter { $0 > from }
                .min()
            var closed = e
            if let end { closed.window.until = end.adding(days: -1) }
            return closed
        }
    }

    /// The school year whose rollover calendar governs `day`: the one starting in `day`'s civil
    /// year (2026-07-03 and 2026-09-15 are both in the rollover into 2026-2027).
    public static func rolloverYear(for day: CivilDate) -> SchoolYear {
        SchoolYear(startYear: day.year)
    }

    /// Targets in order of first appearance.
    public var targets: [CalendarTarget] {
        var seen = Set<CalendarTarget>()
        return entries.map(\.target).filter { seen.insert($0).inserted }
    }

    public func entry(_ id: String) -> CalendarEntry? { entries.first { $0.id == id } }

    public func entries(for target: CalendarTarget) -> [CalendarEntry] { entries.filter { $0.target == target } }

    // MARK: Queries for the planner

    /// True when nothing may be pushed to `target` on `day` (imports are still accepted and staged).
    public func importsPaused(for target: CalendarTarget, on day: CivilDate) -> Bool {
        entries.contains { $0.kind == .importsPaused && $0.target == target && $0.isInForce(on: day) }
    }

    /// True when the entry `id` is in force on `day`; false for an unknown id.
    public func isOpen(_ id: String, on day: CivilDate) -> Bool {
        entry(id)?.isInForce(on: day) ?? false
    }

    /// True when an entry of `kind` (for `target`, and concerning `role`, when given) is in force on `day`.
    public func isOpen(_ kind: CalendarEntryKind, for target: CalendarTarget? = nil,
                       role: CalendarRole? = nil, on day: CivilDate) -> Bool {
        entries.contains {
            $0.kind == kind && (target == nil || $0.target == target)
                && (role == nil || $0.roles.contains(role!)) && $0.isInForce(on: day)
        }
    }

    // MARK: Status

    /// Per target, what is in force on `day` and the entries still to start, by start date.
    public func status(on day: CivilDate) -> CalendarStatus {
        let perTarget = targets.map { target in
            let mine = entries(for: target)
            let next = mine.filter { $0.window.startsAfter(day) }
                .enumerated()
                .sorted { ($0.element.from!, $0.offset) < ($1.element.from!, $1.offset) }
                .map(\.element)
            return CalendarStatus.Target(target: target, inForce: mine.filter { $0.isInForce(on: day) }, next: next)
        }
        return CalendarStatus(date: day, year: year, derivedFrom: derivedFrom, targets: perTarget)
    }

    // MARK: Other years

    /// This calendar moved to `target`: every date keeps its month and day in the year moved by
    /// the difference of school years (29 February becomes 28 February in a common year). Weekdays
    /// are not kept: "Monday 24 August 2026" becomes Tuesday 24 August 2027. The result says
    /// which year it was derived from, so that it is never mistaken for a published calendar.
    public func shifted(toYear target: SchoolYear) -> SchoolCalendar {
        let delta = target.startYear - year.startYear
        func move(_ d: CivilDate?) -> CivilDate? {
            guard let d else { return nil }
            let y = d.year + delta
            return CivilDate(year: y, month: d.month, day: min(d.day, CivilDate.daysIn(month: d.month, year: y)))
        }
        let moved = entries.map { e in
            var m = e
            m.window = DayWindow(from: move(e.from), until: move(e.until))
            return m
        }
        // Moving every date by the same number of years keeps windows ordered and ids unique.
        return try! SchoolCalendar(year: target, entries: moved, derivedFrom: delta == 0 ? derivedFrom : (derivedFrom ?? year))
    }
}

/// What a calendar says on one day.
public struct CalendarStatus: Hashable, Sendable {
    public struct Target: Hashable, Sendable {
        public let target: CalendarTarget
        public let inForce: [CalendarEntry]
        public let next: [CalendarEntry]
    }

    public let date: CivilDate
    public let year: SchoolYear
    public let derivedFrom: SchoolYear?
    public let targets: [Target]

    public func target(_ t: CalendarTarget) -> Target? { targets.first { $0.target == t } }
}

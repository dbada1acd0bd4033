/// What one import said, as the verifier needs it to date a finding: who was at school and which
/// memberships that meant (the planner's groups, person ids as members).
public struct ExportMoment: Sendable {
    /// The export's own date, else the day it was imported.
    public var date: CivilDate
    public var present: Set<String>
    /// Group name → the person ids the exports put in it.
    public var memberships: [String: Set<String>]

    public init(date: CivilDate, present: Set<String>, memberships: [String: Set<String>]) {
        self.date = date
        self.present = present
        self.memberships = memberships
    }
}

/// Every import of one source (Siècle-BEE students, or STS-Web staff), oldest first. Students and
/// staff are separate timelines because their exports arrive on different days: a teacher's team
/// changes with STS-Web, a student's class with Siècle-BEE.
public struct ExportTimeline: Sendable {
    public var moments: [ExportMoment]

    public init(moments: [ExportMoment]) { self.moments = moments }

    /// The day something stopped being true: the first moment after the last one where it held;
    /// nil when it still holds in the newest moment, or never held.
    func endedOn(_ holds: (ExportMoment) -> Bool) -> CivilDate? {
        guard let last = moments.lastIndex(where: holds), last < moments.count - 1 else { return nil }
        return moments[last + 1].date
    }

    /// The day something became true for the last time: the first moment of the run that reaches
    /// the newest moment; nil when it does not hold in the newest moment.
    func holdsSince(_ holds: (ExportMoment) -> Bool) -> CivilDate? {
        guard let lastMoment = moments.last, holds(lastMoment) else { return nil }
        var first = moments.count - 1
        while first > 0 && holds(moments[first - 1]) { first -= 1 }
        return moments[first].date
    }
}

/// What Bascule knows of the past from the imports it kept, to say since when a finding holds.
public struct ExportHistory: Sendable {
    public var timelines: [ExportTimeline]

    public init(timelines: [ExportTimeline] = []) { self.timelines = timelines }

    /// The timeline that ever listed the person, present or not.
    private func timeline(of person: String) -> ExportTimeline? {
        timelines.first { t in t.moments.contains { $0.present.contains(person) || $0.memberships.values.contains { $0.contains(person) } } }
    }

    private func timelines(of group: String) -> [ExportTimeline] {
        timelines.filter { t in t.moments.contains { $0.memberships[group] != nil } }
    }

    /// Whether any import ever listed this person at school.
    public func knows(_ person: String) -> Bool { timeline(of: person) != nil }

    /// The first import, after the last one listing the person at school, that did not.
    public func absentSince(_ person: String) -> CivilDate? {
        timeline(of: person)?.endedOn { $0.present.contains(person) }
    }

    /// The first import of the current run listing the person at school.
    public func presentSince(_ person: String) -> CivilDate? {
        timeline(of: person)?.holdsSince { $0.present.contains(person) }
    }

    /// Whether an import ever put the person in the group.
    public func wasMember(_ person: String, of group: String) -> Bool {
        timeline(of: person)?.moments.contains { $0.memberships[group]?.contains(person) == true } ?? false
    }

    /// The first import, after the last one putting the person in the group, that did not.
    public func noLongerMember(_ person: String, of group: String) -> CivilDate? {
        timeline(of: person)?.endedOn { $0.memberships[group]?.contains(person) == true }
    }

    /// The first import of the current run putting the person in the group.
    public func memberSince(_ person: String, of group: String) -> CivilDate? {
        timeline(of: person)?.holdsSince { $0.memberships[group]?.contains(person) == true }
    }

    /// Whether an import ever implied the group (with members).
    public func knowsGroup(_ group: String) -> Bool { !timelines(of: group).isEmpty }

    /// The first import, after the last one implying the group with members, that did not.
    public func groupGoneSince(_ group: String) -> CivilDate? {
        timelines(of: group).compactMap { $0.endedOn { !($0.memberships[group]?.isEmpty ?? true) } }.max()
    }

    /// The first import of the current run implying the group.
    public func groupSince(_ group: String) -> CivilDate? {
        timelines(of: group).compactMap { $0.holdsSince { !($0.memberships[group]?.isEmpty ?? true) } }.min()
    }
}

extension SchoolCalendar {
    /// Per role, this calendar's deletion window for `target` once it has started on `day`: the
    /// window a disabled account should have been deleted in.
    public func startedDeletionWindows(on day: CivilDate, target: CalendarTarget = .pedagogicalServer) -> [PersonKind: DayWindow] {
        var out: [PersonKind: DayWindow] = [:]
        for e in entries where e.kind == .deletion && e.target == target && (e.from.map { $0 <= day } ?? true) {
            if e.roles.contains(.students) { out[.student] = e.window }
            if e.roles.contains(.staff) { out[.teacher] = e.window; out[.staff] = e.window }
        }
        return out
    }

    /// The first day users are asked to check their access (`verification` entries), if the
    /// calendar says.
    public var verificationStart: CivilDate? {
        entries.filter { $0.kind == .verification }.compactMap(\.from).min()
    }
}

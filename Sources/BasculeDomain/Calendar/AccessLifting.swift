/// The principal or deputy opened an access closure before its end for one profile
/// (the ENT's "Pilotage > Fermeture rentrée"): from `from` on, that profile reaches the target.
///
/// Tied to a school year as well as to the entry's id, because ids stay the same from one year's
/// calendar to the next: lifting the 2026 closure must not open the 2027 one.
public struct AccessLifting: Hashable, Sendable, Codable {
    public var year: SchoolYear
    public var entryID: String
    public var role: CalendarRole
    /// The first day of access.
    public var from: CivilDate
    /// Who lifted it (login) and as what.
    public var by: String
    public var byLabel: String

    public init(year: SchoolYear, entryID: String, role: CalendarRole, from: CivilDate, by: String, byLabel: String) {
        self.year = year
        self.entryID = entryID
        self.role = role
        self.from = from
        self.by = by
        self.byLabel = byLabel
    }
}

/// Whether one profile reaches a target on a day, and why: what the plan and the calendar show.
public struct AccessNotice: Hashable, Sendable, Codable {
    public var target: CalendarTarget
    public var role: CalendarRole
    public var entryID: String
    public var closedUntil: CivilDate?
    /// Set when the closure was lifted early for this profile.
    public var lifting: AccessLifting?
    public var liftableBy: [CalendarActor]

    public var isOpen: Bool { lifting != nil }

    public var reason: Reason {
        let until = closedUntil.map { " jusqu'au \($0) inclus" } ?? ""
        let untilEN = closedUntil.map { " until \($0)" } ?? ""
        if let l = lifting {
            return Reason("\(target.label) ouvert aux \(role.label) depuis le \(l.from) : fermeture [\(entryID)] levée avant sa fin par \(l.by) (\(l.byLabel))",
                          "\(target.id) open to \(role.rawValue) since \(l.from): closure [\(entryID)] lifted early by \(l.by) (\(l.byLabel))")
        }
        let who = liftableBy.isEmpty ? "" : " ; levable plus tôt par : \(liftableBy.map(\.label).joined(separator: ", ")) (bascule calendar lift)"
        return Reason("\(target.label) fermé aux \(role.label)\(until) [\(entryID)]\(who)",
                      "\(target.id) closed to \(role.rawValue)\(untilEN) [\(entryID)]")
    }
}

extension SchoolCalendar {
    /// The liftings of this calendar's year and entries; others (another year, an entry no longer
    /// in the file) are ignored.
    public func applicable(_ liftings: [AccessLifting]) -> [AccessLifting] {
        liftings.filter { l in
            l.year == year && entries.contains { $0.id == l.entryID && $0.kind == .accessClosed && !$0.liftableBy.isEmpty }
        }
    }

    /// True when `role` cannot reach `target` on `day`: a closure in force for that profile that
    /// nobody lifted for it by that day. A closure nobody may lift stays closed whatever is recorded.
    public func accessClosed(for role: CalendarRole, target: CalendarTarget = .ent, on day: CivilDate,
                             liftings: [AccessLifting] = []) -> Bool {
        !accessNotices(on: day, liftings: liftings).filter { $0.role == role && $0.target == target && !$0.isOpen }.isEmpty
    }

    /// Per closure in force on `day` and per profile it concerns: closed, or opened early.
    public func accessNotices(on day: CivilDate, liftings: [AccessLifting]) -> [AccessNotice] {
        let valid = applicable(liftings)
        var out: [AccessNotice] = []
        for e in entries where e.kind == .accessClosed && e.isInForce(on: day) {
            for role in CalendarRole.allCases where e.roles.contains(role) {
                let lifting = e.liftableBy.isEmpty ? nil
                    : valid.filter { $0.entryID == e.id && $0.role == role && $0.from <= day }.min { $0.from < $1.from }
                out.append(AccessNotice(target: e.target, role: role, entryID: e.id, closedUntil: e.until, lifting: lifting,
                                        liftableBy: CalendarActor.allCases.filter(e.liftableBy.contains)))
            }
        }
        return out
    }
}

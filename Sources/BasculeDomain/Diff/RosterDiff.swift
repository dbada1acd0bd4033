/// Where a student stands in one snapshot: what a change between two snapshots is made of.
public struct RosterEntry: Hashable, Sendable {
    public var personID: String
    public var displayName: String
    public var division: String?
    public var groups: [String]
    public var hasLeft: Bool

    public init(personID: String, displayName: String, division: String?, groups: [String], hasLeft: Bool) {
        self.personID = personID
        self.displayName = displayName
        self.division = division
        self.groups = groups
        self.hasLeft = hasLeft
    }
}

/// What changed for students between two snapshots of a school, with a reason a person can read.
/// The rollover planner builds its actions from the same comparison.
public struct RosterDiff: Sendable, Equatable {
    public enum Change: Hashable, Sendable {
        case arrived(RosterEntry)
        case left(RosterEntry, previous: RosterEntry)
        case moved(RosterEntry, from: String?)
        case groupsChanged(RosterEntry, added: [String], removed: [String])
        case returned(RosterEntry)

        public var french: String {
            switch self {
            case .arrived(let e): "arrivée de \(e.displayName)" + (e.division.map { " en \($0)" } ?? "")
            case .left(let e, let p): "départ de \(e.displayName)" + (p.division.map { " (était en \($0))" } ?? "")
            case .moved(let e, let from): "\(e.displayName) passe de \(from ?? "?") à \(e.division ?? "?")"
            case .groupsChanged(let e, let a, let r):
                "\(e.displayName) : groupes " + (a.isEmpty ? "" : "+\(a.joined(separator: ","))")
                    + (r.isEmpty ? "" : " −\(r.joined(separator: ","))")
            case .returned(let e): "retour de \(e.displayName) en \(e.division ?? "?")"
            }
        }
    }

    public var changes: [Change]

    public init(before: [RosterEntry], after: [RosterEntry]) {
        let old = Dictionary(before.map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<String> = []
        var changes: [Change] = []
        for e in after.sorted(by: { ($0.division ?? "", $0.displayName, $0.personID) < ($1.division ?? "", $1.displayName, $1.personID) }) {
            seen.insert(e.personID)
            guard let o = old[e.personID] else {
                if !e.hasLeft { changes.append(.arrived(e)) }
                continue
            }
            switch (o.hasLeft, e.hasLeft) {
            case (false, true): changes.append(.left(e, previous: o))
            case (true, false): changes.append(.returned(e))
            case (true, true): break
            case (false, false):
                if o.division != e.division {
                    changes.append(.moved(e, from: o.division))
                } else if o.groups != e.groups {
                    let a = Set(e.groups).subtracting(o.groups).sorted()
                    let r = Set(o.groups).subtracting(e.groups).sorted()
                    changes.append(.groupsChanged(e, added: a, removed: r))
                }
            }
        }
        for o in before.sorted(by: { ($0.division ?? "", $0.displayName) < ($1.division ?? "", $1.displayName) })
        where !seen.contains(o.personID) && !o.hasLeft {
            changes.append(.left(o, previous: o))
        }
        self.changes = changes
    }

    public var arrivals: Int { changes.filter { if case .arrived = $0 { true } else { false } }.count }
    public var departures: Int { changes.filter { if case .left = $0 { true } else { false } }.count }
    public var moves: Int { changes.filter { if case .moved = $0 { true } else { false } }.count }
    public var returns: Int { changes.filter { if case .returned = $0 { true } else { false } }.count }
    public var groupChanges: Int { changes.filter { if case .groupsChanged = $0 { true } else { false } }.count }
}

import BasculeDomain

/// When the space of a class, a group or a subject that is gone may be archived and removed: in
/// the calendar's clean-up window of classes and Commun (`nettoyage-classes-commun`), never on
/// the day an export makes the group disappear. An export that lacks its student–group links
/// (SIECLE's links not pushed yet, a case the memo names) removes every teaching group from the
/// plan; their folders, and the students' work in them, wait for the window, and come back to
/// use as they were when the links do.
public struct SharedSpaceRemovals: Sendable, Hashable {
    /// The calendar entry whose window it is.
    public static let entry = "nettoyage-classes-commun"
    /// The spaces that wait: those of a group, whatever its kind (what lies inside them waits with them).
    public static let kinds: Set<SpaceKind> = [.classSpace, .group, .subject]

    public var open: Bool
    /// When closed, the first day of the next window, if a calendar gives one.
    public var next: CivilDate?

    public init(open: Bool, next: CivilDate? = nil) {
        self.open = open
        self.next = next
    }

    /// Removed at once: for a caller in the window, or one that decides by itself.
    public static let now = SharedSpaceRemovals(open: true)
    /// No calendar said when: held.
    public static let held = SharedSpaceRemovals(open: false)

    /// The window of `calendar` (the rollover year of `date`), else the next one in `following`.
    public init(calendar: SchoolCalendar, following: SchoolCalendar?, on date: CivilDate) {
        if let e = calendar.entry(Self.entry) {
            if e.isInForce(on: date) { self.init(open: true); return }
            if e.window.startsAfter(date) { self.init(open: false, next: e.from); return }
        }
        self.init(open: false, next: following?.entry(Self.entry)?.from)
    }
}

/// A space that is no longer wanted and waits for the clean-up window before it is archived
/// and removed.
public struct WaitingSpace: Sendable, Hashable, Encodable {
    public var key: String
    public var spaceKind: SpaceKind
    /// Relative to the root.
    public var path: String
    /// The first day it may go, if known.
    public var until: CivilDate?
    public var reason: Reason

    public var french: String {
        let when = until.map { "à partir du \($0)" } ?? "à la prochaine fenêtre que le calendrier donnera"
        return "\(path) : en attente de la fenêtre de nettoyage des classes (\(SharedSpaceRemovals.entry)), archivé puis supprimé \(when) — \(reason.french)"
    }
}

extension SpacePlan {
    /// The plan without the removals that must wait (a group's space and everything inside it),
    /// and those that wait. A creation where a waiting folder stands waits with it.
    public func holding(_ removals: SharedSpaceRemovals) -> (plan: SpacePlan, waiting: [WaitingSpace]) {
        if removals.open { return (self, []) }
        let held = operations.filter { $0.kind == .archiveRemove && SharedSpaceRemovals.kinds.contains($0.spaceKind) }.map(\.path)
        func inside(_ path: String) -> Bool { held.contains { path == $0 || path.hasPrefix($0 + "/") } }
        var kept: [SpaceOperation] = []
        var waiting: [WaitingSpace] = []
        var findings = self.findings
        for op in operations {
            switch op.kind {
            case .archiveRemove where inside(op.path):
                if held.contains(op.path) {
                    waiting.append(WaitingSpace(key: op.key, spaceKind: op.spaceKind, path: op.path, until: removals.next, reason: op.reason))
                }
            case .create where inside(op.path):
                findings.append(SpaceFinding(kind: .conflict, path: op.path, reason: Reason(
                    "un espace qui n'existe plus occupe encore cette place jusqu'à la fenêtre de nettoyage : l'espace sera créé après",
                    "a space that is gone still holds this place until the clean-up window: the space is created after")))
            default:
                kept.append(op)
            }
        }
        return (SpacePlan(operations: kept, findings: findings, desired: desired), waiting)
    }
}

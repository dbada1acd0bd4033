extension CalendarGate {
    /// What the school's calendar allows on `date` for the directory `target` (the pedagogical
    /// server's directory by default): whether pushes are paused, and whose deletion window is open.
    public init(calendar: SchoolCalendar, on date: CivilDate, target: CalendarTarget = .pedagogicalServer) {
        var paused: Reason?
        if calendar.importsPaused(for: target, on: date) {
            let resume = calendar.entries(for: target).filter { $0.kind == .importsResumed }.compactMap(\.window.from)
                .filter { $0 > date }.min()
            let when = resume.map { " jusqu'au \($0)" } ?? ""
            paused = Reason("imports vers \(target.label) suspendus\(when) (calendrier \(calendar.year)) : le plan est montré et gardé, pas appliqué",
                            "imports to \(target.id) paused\(resume.map { " until \($0)" } ?? "") (calendar \(calendar.year)): the plan is shown and staged, not applied")
        }
        var open: Set<PersonKind> = []
        var windows: [PersonKind: DayWindow] = [:]
        var approval: Set<PersonKind> = []
        for (role, kinds) in [(CalendarRole.students, [PersonKind.student]), (.staff, [.teacher, .staff])] {
            guard let entry = calendar.entries(for: target).first(where: { $0.kind == .deletion && $0.roles.contains(role) }) else { continue }
            for kind in kinds {
                windows[kind] = entry.window
                if entry.requiresSchoolApproval { approval.insert(kind) }
                if entry.isInForce(on: date) { open.insert(kind) }
            }
        }
        self.init(pushesPaused: paused, deletionOpen: open, deletionWindows: windows, approvalRequired: approval, calendar: calendar)
    }
}

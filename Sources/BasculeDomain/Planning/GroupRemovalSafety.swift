extension Planner {
    /// Group and membership removals in the plan's safety guard. An export without its
    /// student–group links (SIECLE's links not pushed yet, a case the memo names), or an STS-Web
    /// export without its services, removes every teaching group or team at once. What counts is
    /// a removal that leaves someone still at school without any group of that kind (a student
    /// without any teaching group, a teacher without any team): the year change's moves from one
    /// class or group to another do not, nor do leavers' memberships, which the departures' own
    /// guard counts. Past `massChangeRatio` of the school's groups or memberships, a person confirms.
    func groupRemovalReasons(input: Input, actions: [PlanAction]) -> [Reason] {
        let before = input.directory.groups
        var after = Dictionary(before.map { ($0.name, (kind: $0.kind, members: $0.members)) }, uniquingKeysWith: { a, _ in a })
        for a in actions {
            guard let name = a.group else { continue }
            switch a.kind {
            case .createGroup: after[name] = (a.groupKind ?? .group, after[name]?.members ?? [])
            case .addMember: if let login = a.login { after[name]?.members.insert(login) }
            case .removeMember: if let login = a.login { after[name]?.members.remove(login) }
            case .deleteGroup: after[name] = nil
            default: break
            }
        }
        // Everyone still at school is in their role group once the plan is applied.
        let present = Set(after.values.filter { $0.kind == .role }.flatMap(\.members))
        var kindsAfter: [String: Set<GroupKind>] = [:]
        for g in after.values { for login in g.members { kindsAfter[login, default: []].insert(g.kind) } }
        func stranded(_ login: String, _ kind: GroupKind) -> Bool {
            present.contains(login) && !(kindsAfter[login]?.contains(kind) ?? false)
        }

        var reasons: [Reason] = []
        let ratio = policy.massChangeRatio
        let percent = Int(ratio * 100)
        let memberships = before.reduce(0) { $0 + $1.members.count }
        let lost = actions.filter { a in
            a.kind == .removeMember && a.groupKind != .role && a.login.map { stranded($0, a.groupKind ?? .group) } == true
        }.count
        if memberships > 0, Double(lost) > Double(memberships) * ratio {
            reasons.append(Reason(
                "\(lost) appartenance(s) sur \(memberships) retirée(s) à des personnes toujours dans l'établissement, qui ne gardent aucun groupe du même type (plus de \(percent) %) : liens élèves–groupes pas encore remontés dans Siècle-BEE, ou services absents de STS-Web ?",
                "\(lost) of \(memberships) memberships removed from people still at school, left with no group of that kind: SIECLE's student–group links not pushed yet, or STS-Web services missing?"))
        }
        let groups = before.filter { $0.kind != .role }
        let former = Dictionary(before.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let gone = actions.filter { a in
            guard a.kind == .deleteGroup, let name = a.group, let g = former[name], g.kind != .role else { return false }
            return g.members.contains { stranded($0, g.kind) }
        }.count
        if !groups.isEmpty, Double(gone) > Double(groups.count) * ratio {
            reasons.append(Reason(
                "\(gone) groupe(s) sur \(groups.count) supprimé(s) alors que des membres restent dans l'établissement sans autre groupe du même type (plus de \(percent) %) : leurs espaces attendent la fenêtre de nettoyage du calendrier, mais les accès s'arrêtent",
                "\(gone) of \(groups.count) groups deleted while members stay at school with no other group of that kind: their spaces wait for the calendar's clean-up window, but access stops"))
        }
        return reasons
    }
}

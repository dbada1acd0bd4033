/// Computes what must change in a school's directory: a pure function of the directory's state,
/// the newest exports, the calendar's verdict for the day, the policy and the day itself.
/// Deciding is here; doing is in the connectors that apply a plan.
public struct Planner: Sendable {
    public var policy: PlanningPolicy

    public init(policy: PlanningPolicy = .default) { self.policy = policy }

    public struct Input: Sendable {
        public var roster: SchoolRoster
        public var directory: DirectoryState
        public var date: CivilDate
        public var gate: CalendarGate
        /// Staff whose departure the school has approved (`bascule departures approve`).
        public var approvedDepartures: Set<String>
        /// People who chose to keep their login, by person id, with the name they had then
        /// (`bascule accounts rename --decline`): no rename is proposed to them until it changes.
        public var declinedRenames: [String: PersonName]
        /// Access closures the principal or deputy lifted early (`bascule calendar lift`).
        public var accessLiftings: [AccessLifting]

        public init(roster: SchoolRoster, directory: DirectoryState, date: CivilDate, gate: CalendarGate = .init(),
                    approvedDepartures: Set<String> = [], declinedRenames: [String: PersonName] = [:],
                    accessLiftings: [AccessLifting] = []) {
            self.accessLiftings = accessLiftings
            self.roster = roster
            self.directory = directory
            self.date = date
            self.gate = gate
            self.approvedDepartures = approvedDepartures
            self.declinedRenames = declinedRenames
        }
    }

    public func plan(_ input: Input) -> Plan {
        var actions: [PlanAction] = []
        let roster = input.roster
        let everyone = roster.students + roster.staff
        let present = everyone.filter { !$0.hasLeft }
        let presentIDs = Set(present.map(\.personID))
        let accounts = Dictionary(input.directory.accounts.map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })

        // Who will hold which login once the plan is applied.
        var loginOf: [String: String] = [:]
        for a in input.directory.accounts where a.status != .deleted { loginOf[a.personID] = a.login }

        let desired = desiredGroups(roster: roster, present: present)
        var forecasts: [DeletionForecast] = []
        actions += accountActions(input: input, present: present, accounts: accounts, desiredGroupNames: Set(desired.keys),
                                  loginOf: &loginOf, forecasts: &forecasts)

        // Memberships and groups: only people present at school are members of anything.
        let existing = Dictionary(input.directory.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted: [String: (kind: GroupKind, members: Set<String>)] = [:]
        for (name, group) in desired {
            let members = Set(group.members.compactMap { presentIDs.contains($0) ? loginOf[$0] : nil })
            if !members.isEmpty || group.kind == .role { wanted[name] = (group.kind, members) }
        }
        for (name, group) in wanted.sorted(by: { $0.key < $1.key }) {
            let old = existing[name]?.members ?? []
            if existing[name] == nil {
                actions.append(PlanAction(kind: .createGroup, group: name, groupKind: group.kind,
                                          reason: Self.groupReason(group.kind, name)))
            }
            for login in group.members.subtracting(old).sorted() {
                actions.append(PlanAction(kind: .addMember, login: login, group: name, groupKind: group.kind,
                                          reason: Reason("membre de \(name)", "member of \(name)")))
            }
            for login in old.subtracting(group.members).sorted() {
                actions.append(PlanAction(kind: .removeMember, login: login, group: name, groupKind: group.kind,
                                          reason: Reason("n'est plus membre de \(name) selon les exports", "no longer a member of \(name) in the exports")))
            }
        }
        for (name, group) in existing.sorted(by: { $0.key < $1.key }) where wanted[name] == nil {
            for login in group.members.sorted() {
                actions.append(PlanAction(kind: .removeMember, login: login, group: name, groupKind: group.kind,
                                          reason: Reason("le groupe \(name) disparaît", "group \(name) goes away")))
            }
            let why = desired[name] == nil
                ? Reason("\(name) n'existe plus dans STS-Web ni dans Siècle-BEE", "\(name) is no longer in STS-Web nor SIECLE")
                : Reason("\(name) n'a plus aucun membre", "\(name) has no members left")
            actions.append(PlanAction(kind: .deleteGroup, group: name, groupKind: group.kind, reason: why))
        }

        actions.sort { ($0.kind, $0.group ?? "", $0.login ?? "", $0.personID ?? "") < ($1.kind, $1.group ?? "", $1.login ?? "", $1.personID ?? "") }
        return Plan(uai: roster.uai, date: input.date, actions: actions,
                    safety: safety(input: input, actions: actions), deferred: input.gate.pushesPaused,
                    access: input.gate.calendar?.accessNotices(on: input.date, liftings: input.accessLiftings) ?? [],
                    deletions: forecasts.sorted { ($0.deleteOn, $0.login) < ($1.deleteOn, $1.login) })
    }

    // MARK: - Accounts

    private func accountActions(input: Input, present: [RosterPerson], accounts: [String: Account],
                                desiredGroupNames: Set<String>, loginOf: inout [String: String],
                                forecasts: inout [DeletionForecast]) -> [PlanAction] {
        var actions: [PlanAction] = []
        let date = input.date
        let inUse = input.directory.accounts.filter { $0.status != .deleted }
        let burnt = input.directory.burntLogins(on: date, keptYears: policy.burntLoginYears)
        var takenNetwork = TakenLogins(inUse: inUse.map(\.login), burnt: burnt,
                                       groupNames: desiredGroupNames.union(input.directory.groups.map(\.name)))
        var takenENT = TakenLogins(inUse: inUse.map(\.entLogin), burnt: burnt, groupNames: desiredGroupNames)

        var newcomers: [RosterPerson] = []
        // Deleted accounts whose login went to someone else once its burning was over.
        var returningWithNewLogin: [String: Account] = [:]
        var renames: [(account: Account, person: RosterPerson)] = []
        for p in present {
            guard let a = accounts[p.personID] else { newcomers.append(p); continue }
            switch a.status {
            case .deleted:
                // Their own login comes back to them: burnt for everyone else, not for its owner,
                // unless it was given again since (burnt logins expire) to someone who holds it.
                let reclaimed = input.directory.accounts.contains { o in
                    o.personID != a.personID && (o.login == a.login || o.entLogin == a.entLogin)
                        && (o.status != .deleted || o.statusSince > a.statusSince)
                }
                if reclaimed {
                    returningWithNewLogin[p.personID] = a
                    newcomers.append(p)
                    continue
                }
                takenNetwork.insert(a.login)
                takenENT.insert(a.entLogin)
                loginOf[p.personID] = a.login
                actions.append(PlanAction(kind: .createAccount, personID: p.personID, personKind: p.kind, login: a.login,
                                          entLogin: a.entLogin, name: p.name,
                                          reason: Reason("de retour dans les exports après suppression du compte (\(a.statusSince))",
                                                         "back in the exports after the account was deleted (\(a.statusSince))")))
            case .leaving, .disabled:
                actions.append(PlanAction(kind: .reactivateAccount, personID: p.personID, personKind: p.kind, login: a.login,
                                          name: p.name,
                                          reason: Reason("de retour dans les exports (\(a.status == .leaving ? "partant" : "désactivé") depuis le \(a.statusSince))",
                                                         "back in the exports (\(a.status.rawValue) since \(a.statusSince))")))
            case .active:
                if a.name != p.name {
                    actions.append(PlanAction(kind: .updateAccount, personID: p.personID, personKind: p.kind, login: a.login,
                                              name: p.name,
                                              reason: Reason("nom corrigé dans la source : \(a.name.full) → \(p.name.full)",
                                                             "name corrected at the source: \(a.name.full) → \(p.name.full)")))
                }
                // Proposed at every plan until a person accepts or declines it: applying the
                // name's update must not make the proposal vanish unanswered.
                let network = LoginAllocator(template: policy.networkLogin, firstHomonymNumber: policy.firstHomonymNumber)
                if network.proposedRename(current: a.login, newName: p.name) != nil,
                   !(input.declinedRenames[p.personID].map { Self.sameLoginName($0, p.name) } ?? false) {
                    renames.append((a, p))
                }
            }
        }
        actions += renameProposals(renames, taken: &takenNetwork, takenENT: &takenENT)

        let requests = newcomers.map { LoginRequest(personID: $0.personID, name: $0.name, birthDate: $0.birthDate, sourceID: $0.sourceID) }
        let network = LoginAllocator(template: policy.networkLogin, firstHomonymNumber: policy.firstHomonymNumber)
            .allocate(requests, taken: &takenNetwork)
        let ent = LoginAllocator(template: policy.entLogin, firstHomonymNumber: policy.firstHomonymNumber)
            .allocate(requests, taken: &takenENT)
        for p in newcomers {
            let login = network[p.personID]!
            loginOf[p.personID] = login
            var why = p.kind == .student
                ? Reason("nouvel·le élève" + (p.division.map { " en \($0)" } ?? ""), "new student" + (p.division.map { " in \($0)" } ?? ""))
                : Reason("nouveau personnel dans STS-Web (\(p.kind.french))", "new staff member in STS-Web (\(p.kind.rawValue))")
            if let old = returningWithNewLogin[p.personID] {
                why = Reason("de retour dans les exports après suppression du compte (\(old.statusSince)) ; l'ancien identifiant \(old.login) a été redonné depuis",
                             "back in the exports after the account was deleted (\(old.statusSince)); the old login \(old.login) was given again since")
            }
            actions.append(PlanAction(kind: .createAccount, personID: p.personID, personKind: p.kind, login: login,
                                      entLogin: ent[p.personID], name: p.name, reason: why))
        }

        // Departures: gone from the newest export, or in it with a leaving date.
        let rosterByID = Dictionary((input.roster.students + input.roster.staff).map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        let presentIDs = Set(present.map(\.personID))
        let lifecycle = AccountLifecycle(policy: policy)
        for a in input.directory.accounts.sorted(by: { $0.login < $1.login }) where !presentIDs.contains(a.personID) && a.status != .deleted {
            let inFile = rosterByID[a.personID]
            let why: Reason
            if let l = inFile?.leavingDate {
                why = Reason("a quitté l'établissement le \(l)", "left the school on \(l)")
            } else if inFile != nil {
                why = Reason("classé parmi les sortants (Inactifs) dans Siècle-BEE", "listed as departed (Inactifs) in SIECLE")
            } else {
                why = Reason("absent du dernier export \(a.kind == .student ? "Siècle-BEE" : "STS-Web")",
                             "missing from the newest \(a.kind == .student ? "SIECLE" : "STS-Web") export")
            }
            let schedule = lifecycle.schedule(for: a, facts: input.roster.departures[a.personID], leavingDate: inFile?.leavingDate,
                                              newestYear: input.roster.newestYear(for: a.kind), gate: input.gate,
                                              approved: input.approvedDepartures.contains(a.personID), on: date)
            let steps = lifecycle.steps(for: a, schedule: schedule, on: date, leaving: why)
            for (kind, reason) in steps {
                actions.append(PlanAction(kind: kind, personID: a.personID, personKind: a.kind, login: a.login, name: a.name, reason: reason))
            }
            if a.protected || steps.contains(where: { $0.0 == .deleteAccount }) { continue }
            let byWindow = schedule.byWindow
            forecasts.append(DeletionForecast(
                login: a.login, personKind: a.kind, name: a.name.full, status: steps.last.map { $0.0 == .disableAccount ? .disabled : .leaving } ?? a.status,
                departure: schedule.departure, deleteOn: schedule.deleteOn, rule: byWindow ? "window" : "legal-limit",
                window: schedule.former ? schedule.window : nil, awaitsApproval: schedule.awaitsApproval,
                reason: byWindow
                    ? Reason("ancien\(a.kind == .student ? "·ne élève" : " personnel") : supprimé le \(schedule.deleteOn), dans la période du calendrier \(schedule.window.map { "du \($0.from?.description ?? "…") au \($0.until?.description ?? "…")" } ?? "")",
                             "former \(a.kind == .student ? "student" : "staff member"): deleted on \(schedule.deleteOn), in the calendar's window")
                    : Reason("supprimé au plus tard le \(schedule.deleteBy), trois mois après le départ du \(schedule.departure)"
                                + (schedule.awaitsApproval ? " (la période du calendrier attend la validation de l'établissement : bascule departures approve)" : ""),
                             "deleted at the latest on \(schedule.deleteBy), three months after leaving on \(schedule.departure)"
                                + (schedule.awaitsApproval ? " (the calendar's window waits for the school's approval)" : ""))))
        }
        return actions
    }

    // MARK: - Renames

    /// The logins a corrected name would give, allocated like a newcomer's (a homonym gets its
    /// number) and held for the person while the proposal waits, so that a newcomer cannot take them.
    private func renameProposals(_ renames: [(account: Account, person: RosterPerson)], taken: inout TakenLogins,
                                 takenENT: inout TakenLogins) -> [PlanAction] {
        guard !renames.isEmpty else { return [] }
        let networkAllocator = LoginAllocator(template: policy.networkLogin, firstHomonymNumber: policy.firstHomonymNumber)
        let entAllocator = LoginAllocator(template: policy.entLogin, firstHomonymNumber: policy.firstHomonymNumber)
        let requests = renames.map { LoginRequest(personID: $0.person.personID, name: $0.person.name,
                                                  birthDate: $0.person.birthDate, sourceID: $0.person.sourceID) }
        let logins = networkAllocator.allocate(requests, taken: &taken)
        let entChanges = renames.filter { entAllocator.proposedRename(current: $0.account.entLogin, newName: $0.person.name) != nil }
        let entLogins = entAllocator.allocate(requests.filter { r in entChanges.contains { $0.person.personID == r.personID } },
                                              taken: &takenENT)
        return renames.map { a, p in
            let login = logins[p.personID]!
            let entLogin = entLogins[p.personID]
            let also = entLogin.map { " (ENT : \(a.entLogin) → \($0))" } ?? ""
            return PlanAction(kind: .proposeRename, personID: p.personID, personKind: p.kind, login: a.login,
                              entLogin: a.entLogin, name: p.name, newLogin: login, newEntLogin: entLogin,
                              reason: Reason("le nom \(p.name.full) donnerait l'identifiant \(login)\(also) : à accepter ou refuser par une personne (bascule accounts rename), jamais automatique",
                                             "the name \(p.name.full) would give the login \(login)\(entLogin.map { " (ENT: \($0))" } ?? ""): for a person to accept or decline, never automatic"))
        }
    }

    /// Whether two names give the same logins: what a declined rename is tied to.
    static func sameLoginName(_ a: PersonName, _ b: PersonName) -> Bool {
        a.familyName == b.familyName && a.usageName == b.usageName && a.firstName == b.firstName
    }

    // MARK: - Groups

    func desiredGroups(roster: SchoolRoster, present: [RosterPerson]) -> [String: (kind: GroupKind, members: Set<String>)] {
        var groups: [String: (kind: GroupKind, members: Set<String>)] = [:]
        func add(_ name: String, _ kind: GroupKind, _ member: String?) {
            var g = groups[name] ?? (kind, [])
            if let member { g.members.insert(member) }
            groups[name] = g
        }
        // Class and group codes come from the exports: one that would name a role, a team, a
        // subject or a system group, or that cannot name a folder, makes no group (the readers
        // refuse such a file; a store filled before they did must not reach a plan either).
        let roleNames = Array(policy.roleGroupNames.values)
        var checked: [String: Bool] = [:]
        func usable(_ code: String) -> Bool {
            if let known = checked[code] { return known }
            let ok = StructureCodes.problem(code, roleGroups: roleNames) == nil
            checked[code] = ok
            return ok
        }
        for s in present where s.kind == .student {
            if let d = s.division, usable(d) { add(d, .division, s.personID) }
            for g in s.groups where usable(g) { add(g, .group, s.personID) }
        }
        for (kind, name) in policy.roleGroupNames {
            add(name, .role, nil)
            for p in present where p.kind == kind { add(name, .role, p.personID) }
        }
        // A class's team: teachers of its services and of the groups drawn from it.
        let groupDivisions = Dictionary(roster.structures.filter { $0.kind == .group }.map { ($0.code, $0.divisions) },
                                        uniquingKeysWith: { a, _ in a })
        let presentStaff = Set(present.filter { $0.kind != .student }.map(\.personID))
        // A group's team: its own teachers, who reach its space and nothing else of the classes.
        // A subject's group: everyone who teaches it, wherever.
        let subjects = Dictionary(roster.subjects.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for (service, teacher) in roster.services where presentStaff.contains(teacher) {
            let divisions = service.structureKind == .division ? [service.structureCode] : groupDivisions[service.structureCode] ?? []
            for d in divisions where usable(d) { add(policy.classTeamName(d), .classTeam, teacher) }
            if service.structureKind == .group, usable(service.structureCode) {
                add(policy.classTeamName(service.structureCode), .classTeam, teacher)
            }
            let subject = subjects[service.subjectCode]
                ?? SubjectRecord(code: service.subjectCode, managementCode: nil, shortLabel: nil, longLabel: nil)
            add(policy.subjectGroupName(subject), .subject, teacher)
        }
        return groups
    }

    private static func groupReason(_ kind: GroupKind, _ name: String) -> Reason {
        switch kind {
        case .division: Reason("nouvelle classe \(name) dans les exports", "new class \(name) in the exports")
        case .group: Reason("nouveau groupe \(name) dans les exports", "new group \(name) in the exports")
        case .classTeam: Reason("équipe pédagogique d'après les services STS-Web", "teaching team from the STS-Web services")
        case .role: Reason("groupe de rôle \(name)", "role group \(name)")
        case .subject: Reason("matière enseignée d'après les services STS-Web", "subject taught, from the STS-Web services")
        }
    }

    // MARK: - Safety

    private func safety(input: Input, actions: [PlanAction]) -> PlanSafety {
        var reasons: [Reason] = []
        for kind in [PersonKind.student, .teacher, .staff] {
            let now = (input.roster.students + input.roster.staff).filter { $0.kind == kind && !$0.hasLeft }.count
            if let before = input.roster.previousCounts[kind], before > 0, Double(now) < Double(before) * policy.shrinkRatio {
                reasons.append(Reason("le dernier export compte \(now) \(kind.french)(s) contre \(before) dans le précédent (moins de \(Int(policy.shrinkRatio * 100)) %) : export partiel ?",
                                      "the newest export has \(now) \(kind.rawValue)(s) against \(before) before: partial export?"))
            }
        }
        let managed = input.directory.accounts.filter { $0.status == .active || $0.status == .leaving }.count
        // At the year change the last level (3e) leaves: those departures are expected, not alarming.
        let lastLevel = Set(input.directory.groups.filter { $0.kind == .division && $0.name.first == policy.lastLevelPrefix }
            .flatMap(\.members))
        // Only new departures count: disabling and deleting later follow a departure a previous
        // plan already showed and a person already applied.
        let losing = actions.filter { $0.kind == .markLeaving && !($0.login.map(lastLevel.contains) ?? false) }
        let people = Set(losing.compactMap(\.personID)).count
        if managed > 0, Double(people) > Double(managed) * policy.massChangeRatio {
            reasons.append(Reason("\(people) compte(s) sur \(managed) partiraient, désactivés ou supprimés, hors départs attendus (plus de \(Int(policy.massChangeRatio * 100)) %)",
                                  "\(people) of \(managed) accounts would leave, be disabled or deleted beyond expected departures"))
        }
        reasons += groupRemovalReasons(input: input, actions: actions)
        return PlanSafety(reasons: reasons)
    }
}

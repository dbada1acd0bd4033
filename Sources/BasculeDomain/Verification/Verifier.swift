/// A group the exports imply, members by person id.
public struct ExpectedGroup: Hashable, Sendable {
    public var kind: GroupKind
    public var members: Set<String>

    public init(kind: GroupKind, members: Set<String>) {
        self.kind = kind
        self.members = members
    }
}

extension Planner {
    /// The groups the exports imply and who belongs in them, as the planner builds them for a
    /// plan. The verifier reads the same rules rather than a copy of them: a check that disagreed
    /// with the planner about what is right would only report its own drift.
    public func expectedGroups(_ roster: SchoolRoster) -> [String: ExpectedGroup] {
        let present = (roster.students + roster.staff).filter { !$0.hasLeft }
        return desiredGroups(roster: roster, present: present).mapValues { ExpectedGroup(kind: $0.kind, members: $0.members) }
    }
}

/// Compares a directory as read back (and, when known, the spaces) with what the newest exports
/// say, and lists what is wrong: missing access, and what is left over from last year. Pure: the
/// same inputs give the same report.
public struct Verifier: Sendable {
    public var policy: PlanningPolicy

    public init(policy: PlanningPolicy = .default) { self.policy = policy }

    public struct Input: Sendable {
        /// What the newest exports say.
        public var roster: SchoolRoster
        /// The directory read back.
        public var observed: ObservedDirectory
        /// Bascule's embedded directory: tells a real directory that lags behind it (fixed by
        /// `bascule directory sync`) from a plan not applied yet (fixed by `bascule apply`), and
        /// which accounts a person protected.
        public var embedded: DirectoryState
        /// The imports kept, to date findings.
        public var history: ExportHistory
        public var date: CivilDate
        /// Per role, the calendar's last deletion window that has started.
        public var deletionWindows: [PersonKind: DayWindow]
        /// Staff whose departure the school approved.
        public var approvedDepartures: Set<String>
        /// Roles whose window deletion waits for the school's approval, as the calendar says.
        public var approvalRequired: Set<PersonKind>
        /// The file spaces read back; nil when nothing read them.
        public var spaces: [ObservedSpace]?
        /// How the user names the data (`--data DIR`), so that each fix is a command to paste.
        public var dataOption: String

        public init(roster: SchoolRoster, observed: ObservedDirectory, embedded: DirectoryState, history: ExportHistory = .init(),
                    date: CivilDate, deletionWindows: [PersonKind: DayWindow] = [:], approvedDepartures: Set<String> = [],
                    approvalRequired: Set<PersonKind> = [], spaces: [ObservedSpace]? = nil, dataOption: String = "--data DIR") {
            self.approvalRequired = approvalRequired
            self.roster = roster
            self.observed = observed
            self.embedded = embedded
            self.history = history
            self.date = date
            self.deletionWindows = deletionWindows
            self.approvedDepartures = approvedDepartures
            self.spaces = spaces
            self.dataOption = dataOption
        }
    }

    public func verify(_ input: Input) -> VerificationReport {
        Run(policy: policy, input: input).report()
    }
}

/// Whom a group gives access: it decides how a membership finding is named.
private enum Audience {
    case students, teachers, role

    init(_ kind: GroupKind?) {
        switch kind {
        case .division?, .group?: self = .students
        case .classTeam?, .subject?: self = .teachers
        case .role?, nil: self = .role
        }
    }
}

/// One verification: the lookups it needs, built once.
private struct Run {
    let policy: PlanningPolicy
    let input: Input
    typealias Input = Verifier.Input

    let present: [RosterPerson]
    let presentByID: [String: RosterPerson]
    let inFile: [String: RosterPerson]
    let expected: [String: ExpectedGroup]
    let byPerson: [String: ObservedAccount]
    let byLogin: [String: ObservedAccount]
    let observedGroups: [String: ObservedGroup]
    let embeddedByPerson: [String: Account]
    let embeddedGroups: [String: DirectoryGroup]
    let history: ExportHistory

    init(policy: PlanningPolicy, input: Input) {
        self.policy = policy
        self.input = input
        let everyone = input.roster.students + input.roster.staff
        present = everyone.filter { !$0.hasLeft }.sorted { $0.personID < $1.personID }
        presentByID = Dictionary(present.map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        inFile = Dictionary(everyone.map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        // A group the planner would not create (no member) is not expected; role groups always are.
        expected = Planner(policy: policy).expectedGroups(input.roster).filter { !$0.value.members.isEmpty || $0.value.kind == .role }
        let accounts = input.observed.accounts.sorted { $0.login < $1.login }
        byPerson = Dictionary(accounts.compactMap { a in a.personID.map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        byLogin = Dictionary(accounts.map { ($0.login, $0) }, uniquingKeysWith: { a, _ in a })
        observedGroups = Dictionary(input.observed.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        embeddedByPerson = Dictionary(input.embedded.accounts.map { ($0.personID, $0) }, uniquingKeysWith: { a, _ in a })
        embeddedGroups = Dictionary(input.embedded.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        history = input.history
    }

    var date: CivilDate { input.date }
    var data: String { input.dataOption }
    var real: Bool { input.observed.isRealDirectory }

    func report() -> VerificationReport {
        var findings = accountFindings() + departedFindings() + departedLockFindings() + groupFindings() + memberFindings() + foreignFindings()
        if let spaces = input.spaces { findings += spaceFindings(spaces) }
        let checked = VerificationChecked(
            students: present.filter { $0.kind == .student }.count,
            teachers: present.filter { $0.kind == .teacher }.count,
            otherStaff: present.filter { $0.kind != .student && $0.kind != .teacher }.count,
            accounts: input.observed.accounts.count, groups: input.observed.groups.count,
            foreignEntries: input.observed.foreign.count, spaces: input.spaces?.count)
        return VerificationReport(uai: input.roster.uai, date: date, directory: input.observed.source, checked: checked, findings: findings)
    }

    // MARK: - Fixes

    /// The command that fixes a finding: when the real directory only lags behind Bascule's own,
    /// a sync; otherwise the day's plan, which the real directory then follows.
    func fix(embeddedRight: Bool, _ french: String, _ english: String) -> Reason {
        if real && embeddedRight {
            return Reason("bascule directory sync \(data) : \(french) (l'annuaire intégré de Bascule est déjà juste, l'annuaire réel ne l'a pas suivi)",
                          "bascule directory sync \(data): \(english) (Bascule's embedded directory is already right; the real one did not follow)")
        }
        return Reason("bascule plan \(data) pour relire, puis bascule apply \(data) : \(french)" + (real ? " ; l'annuaire réel suit" : ""),
                      "bascule plan \(data) to review, then bascule apply \(data): \(english)" + (real ? "; the real directory follows" : ""))
    }

    static let unknownArrival = Reason("l'historique des imports ne dit pas depuis quand", "the imports kept do not tell since when")

    func who(_ login: String?, _ name: String?) -> String {
        switch (login, name) {
        case let (l?, n?): "\(l) (\(n))"
        case let (l?, nil): l
        case let (nil, n?): "\(n) (sans compte)"
        case (nil, nil): "—"
        }
    }

    func sourceName(_ kind: PersonKind) -> String { kind == .student ? "Siècle-BEE" : "STS-Web" }

    // MARK: - Accounts of people at school

    func accountFindings() -> [VerificationFinding] {
        var out: [VerificationFinding] = []
        for p in present {
            let kept = embeddedByPerson[p.personID]
            guard let a = byPerson[p.personID] else {
                let login = kept?.status == .deleted ? nil : kept?.login
                let place = p.division.map { " (\($0))" } ?? ""
                out.append(VerificationFinding(
                    kind: .accountMissing, who: who(login, p.name.full), login: login, name: p.name.full,
                    what: Reason("\(p.kind.french) dans l'export \(sourceName(p.kind))\(place), sans compte dans l'annuaire",
                                 "\(p.kind.rawValue) in the \(sourceName(p.kind)) export\(place), without an account in the directory"),
                    since: history.presentSince(p.personID), sinceUnknown: Self.unknownArrival,
                    fix: fix(embeddedRight: kept?.status == .active, "crée le compte", "creates the account")))
                continue
            }
            if !a.foreignLocks.isEmpty && a.status != .disabled && a.status != .leaving {
                out.append(lockedBySomeoneElse(a, name: a.name ?? p.name.full))
                continue
            }
            guard a.locked || a.status == .disabled || a.status == .leaving else { continue }
            let state = a.locked || a.status == .disabled ? "verrouillé (désactivé)" : "marqué partant"
            out.append(VerificationFinding(
                kind: .accountNotActive, who: who(a.login, a.name ?? p.name.full), login: a.login, name: a.name ?? p.name.full,
                location: a.dn,
                what: Reason("compte \(state) alors que la personne est dans l'export \(sourceName(p.kind))",
                             "account \(a.locked ? "locked" : a.status?.rawValue ?? "") while the person is in the \(sourceName(p.kind)) export"),
                since: a.statusSince, sinceUnknown: Reason("l'annuaire ne date pas ce statut", "the directory does not date this status"),
                fix: fix(embeddedRight: kept?.status == .active, "réactive le compte", "reactivates the account")))
        }
        return out
    }

    /// An active account someone else locked (an administrator, ppolicy after failed binds):
    /// Bascule lifts only its own locks, so a person must decide.
    func lockedBySomeoneElse(_ a: ObservedAccount, name: String?) -> VerificationFinding {
        let locks = a.foreignLocks.joined(separator: ", ")
        return VerificationFinding(
            kind: .accountLockedBySomeoneElse, who: who(a.login, name), login: a.login, name: name, location: a.dn,
            what: Reason("compte actif pour Bascule, verrouillé par quelqu'un d'autre (\(locks)) : un administrateur (compte compromis ?) ou ppolicy après des échecs de connexion ; la personne ne peut pas se connecter",
                         "account active for Bascule, locked by someone else (\(locks)): an administrator (compromised account?) or ppolicy after failed binds; the person cannot sign in"),
            since: nil, sinceUnknown: Reason("l'annuaire ne dit pas qui l'a verrouillé ni quand", "the directory does not say who locked it nor when"),
            fix: Reason("à décider par une personne : si le verrou n'est plus voulu, le lever à la main (ldapmodify : retirer pwdAccountLockedTime ou shadowExpire, ou le « ! » de userPassword) ; bascule directory sync ne lève jamais un verrou que Bascule n'a pas posé",
                        "for a person to decide: if the lock is no longer wanted, lift it by hand (ldapmodify); bascule directory sync never lifts a lock Bascule did not set"))
    }

    /// Someone else's lock on an account Bascule keeps open for a person gone (still in their grace).
    func departedLockFindings() -> [VerificationFinding] {
        input.observed.accounts.sorted { $0.login < $1.login }.compactMap { a in
            guard let id = a.personID, presentByID[id] == nil, !a.foreignLocks.isEmpty, a.status != .disabled else { return nil }
            return lockedBySomeoneElse(a, name: a.name ?? embeddedByPerson[id]?.name.full)
        }
    }

    // MARK: - Accounts of people gone

    /// When the person left: the leaving date the export gives, else the first import that no
    /// longer listed them.
    func departure(_ personID: String) -> CivilDate? {
        inFile[personID]?.leavingDate ?? history.absentSince(personID)
    }

    /// The planner's dates for a departed account (`AccountLifecycle`), read from what the
    /// directory shows and the embedded directory knows.
    func schedule(_ a: ObservedAccount, id: String, kind: PersonKind, kept: Account?) -> AccountLifecycle.Schedule {
        let account = kept ?? Account(personID: id, kind: kind, login: a.login, entLogin: a.login, name: PersonName(familyName: a.name ?? a.login, firstName: ""),
                                      status: a.status ?? .active, statusSince: a.statusSince ?? date)
        let gate = CalendarGate(deletionWindows: input.deletionWindows, approvalRequired: input.approvalRequired)
        return AccountLifecycle(policy: policy).schedule(
            for: account, facts: input.roster.departures[id] ?? history.absentSince(id).map { DepartureFacts(firstMissedOn: $0) },
            leavingDate: inFile[id]?.leavingDate,
            newestYear: input.roster.newestYear(for: kind), gate: gate, approved: input.approvedDepartures.contains(id), on: date)
    }

    func departedFindings() -> [VerificationFinding] {
        var out: [VerificationFinding] = []
        for a in input.observed.accounts.sorted(by: { $0.login < $1.login }) {
            guard let id = a.personID, presentByID[id] == nil else { continue }
            let kept = embeddedByPerson[id]
            // Someone decided this account stays (Planner never disables a protected account).
            if kept?.protected == true { continue }
            // Locked by someone else while Bascule keeps it open: said once, below.
            if !a.foreignLocks.isEmpty && a.status != .disabled { continue }
            let kind = a.kind ?? kept?.kind ?? inFile[id]?.kind ?? .student
            let s = schedule(a, id: id, kind: kind, kept: kept)
            let name = a.name ?? kept?.name.full
            let gone = Reason("a quitté l'établissement le \(s.departure)", "left the school on \(s.departure)")
            let windowPassed = s.former && s.awaitsApproval && (s.window?.until.map { date > $0 } ?? false)
            if date > s.deleteOn || windowPassed {
                let role = kind == .student ? ("ancien·ne élève", "former student") : ("ancien personnel", "former staff member")
                let rule: Reason = s.byWindow
                    ? Reason("\(role.0) : à supprimer depuis le \(s.deleteOn), dans la période du calendrier \(s.window.map { "du \($0.from?.description ?? "…") au \($0.until?.description ?? "…")" } ?? "")",
                             "\(role.1): due for deletion since \(s.deleteOn), in the calendar's window")
                    : windowPassed
                        ? Reason("\(role.0) : la période de suppression (\(s.window.map { "du \($0.from?.description ?? "…") au \($0.until?.description ?? "…")" } ?? "")) est passée sans validation du départ par l'établissement ; suppression d'office le \(s.deleteBy) (trois mois après le départ)",
                                 "\(role.1): the deletion window went by without the school's approval; deleted anyway on \(s.deleteBy) (three months after leaving)")
                        : Reason("à supprimer depuis le \(s.deleteBy) : trois mois après le départ (arrêté ENT, art. 6)",
                                 "due for deletion since \(s.deleteBy): three months after leaving (ENT decree, art. 6)")
                let fixFrench = s.awaitsApproval
                    ? "bascule departures approve \(data) --school \(input.roster.uai) --by IDENTIFIANT \(a.login) (départ à valider par la direction ou le RUPN, nommé par --by), puis bascule apply \(data)"
                    : "bascule apply \(data) (le plan du jour le supprime)"
                let fixEnglish = s.awaitsApproval
                    ? "bascule departures approve \(data) --school \(input.roster.uai) --by LOGIN \(a.login) (the direction or the RUPN, named by --by, approves the departure), then bascule apply \(data)"
                    : "bascule apply \(data) (the day's plan deletes it)"
                out.append(VerificationFinding(
                    kind: .accountPastDeletion, who: who(a.login, name), login: a.login, name: name, location: a.dn,
                    what: Reason("\(gone.french) ; \(rule.french) ; compte \(a.locked || a.status == .disabled ? "désactivé" : "encore utilisable")",
                                 "\(gone.english); \(rule.english); account \(a.locked || a.status == .disabled ? "disabled" : "still usable")"),
                    since: windowPassed ? s.window?.until : (s.byWindow ? s.deleteOn : s.deleteBy), fix: Reason(fixFrench, fixEnglish)))
                continue
            }
            if !a.locked && a.status != .disabled && date >= s.disableOn {
                let grace = policy.graceDays[kind] ?? 30
                out.append(VerificationFinding(
                    kind: .departedAccountActive, who: who(a.login, name), login: a.login, name: name, location: a.dn,
                    what: Reason("\(gone.french) ; délai de grâce de \(grace) jours écoulé le \(s.disableOn) : compte encore utilisable (\(a.status == .leaving ? "partant" : "actif"))",
                                 "\(gone.english); grace period of \(grace) days over on \(s.disableOn): account still usable (\(a.status?.rawValue ?? "active"))"),
                    since: s.departure,
                    fix: fix(embeddedRight: kept == nil || kept?.status == .disabled || kept?.status == .deleted,
                             "désactive les comptes dont le délai de grâce est écoulé", "disables the accounts past their grace period")))
            }
        }
        return out
    }

    // MARK: - Groups

    func kindFrench(_ kind: GroupKind?) -> String {
        switch kind {
        case .division?: "classe"
        case .group?: "groupe"
        case .classTeam?: "équipe"
        case .subject?: "groupe de matière"
        case .role?: "groupe de rôle"
        case nil: "groupe"
        }
    }

    func groupFindings() -> [VerificationFinding] {
        var out: [VerificationFinding] = []
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) where observedGroups[name] == nil {
            out.append(VerificationFinding(
                kind: .groupMissing, who: name, group: name,
                what: Reason("\(kindFrench(want.kind)) attendu·e d'après les exports (\(want.members.count) membre(s)), absent·e de l'annuaire",
                             "\(want.kind.rawValue) expected from the exports (\(want.members.count) members), missing from the directory"),
                since: history.groupSince(name), sinceUnknown: Self.unknownArrival,
                fix: fix(embeddedRight: embeddedGroups[name] != nil, "crée le groupe et ses membres", "creates the group and its members")))
        }
        let structures = Set(input.roster.structures.map(\.code))
        let subjects = Set(input.roster.subjects.map(policy.subjectGroupName))
        for g in input.observed.groups.sorted(by: { $0.name < $1.name }) where expected[g.name] == nil {
            let stillThere = structures.contains(g.name) || structures.contains { policy.classTeamName($0) == g.name }
                || subjects.contains(g.name)
            let why: Reason
            if stillThere {
                why = Reason("plus aucun membre d'après les exports", "no members left in the exports")
            } else if history.knowsGroup(g.name) {
                why = Reason("n'est plus dans STS-Web ni dans Siècle-BEE", "no longer in STS-Web nor SIECLE")
            } else {
                why = Reason("n'a jamais été dans les exports importés", "never in the imported exports")
            }
            out.append(VerificationFinding(
                kind: .formerGroup, who: g.name, group: g.name, location: g.dn,
                what: Reason("\(kindFrench(g.kind)) \(g.name) : \(why.french) ; encore dans l'annuaire avec \(g.members.count) membre(s)",
                             "\(g.kind?.rawValue ?? "group") \(g.name): \(why.english); still in the directory with \(g.members.count) members"),
                since: history.groupGoneSince(g.name),
                sinceUnknown: history.knowsGroup(g.name) ? nil : Reason("aucun import ne l'a jamais eu : groupe créé hors des exports", "no import ever had it: made outside the exports"),
                fix: fix(embeddedRight: embeddedGroups[g.name] == nil, "supprime les groupes que les exports n'ont plus", "deletes the groups the exports no longer have")))
        }
        return out
    }

    // MARK: - Memberships

    /// What STS-Web says a teacher teaches that puts them in a team or a subject's group, for the
    /// report: `6A : ANGL1 ; 4ESP2 : ESP2`, structure then subjects.
    func teaching(_ teacherID: String, group: String) -> String? {
        let groupDivisions = Dictionary(input.roster.structures.filter { $0.kind == .group }.map { ($0.code, $0.divisions) },
                                        uniquingKeysWith: { a, _ in a })
        let subjectRecords = Dictionary(input.roster.subjects.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        func subjectName(_ code: String) -> String {
            guard let s = subjectRecords[code] else { return code }
            return [s.managementCode, s.shortLabel ?? s.longLabel].compactMap { $0?.trimmingSpaces }.first { !$0.isEmpty } ?? code
        }
        var taught: [String: Set<String>] = [:]
        for (service, teacher) in input.roster.services where teacher == teacherID {
            let code = service.structureCode
            // A class's team takes the teachers of the groups drawn from it; a group has its own team.
            let teams = [code] + (service.structureKind == .group ? groupDivisions[code] ?? [] : [])
            let subject = subjectRecords[service.subjectCode]
                ?? SubjectRecord(code: service.subjectCode, managementCode: nil, shortLabel: nil, longLabel: nil)
            if teams.contains(where: { policy.classTeamName($0) == group }) || policy.subjectGroupName(subject) == group {
                taught[code, default: []].insert(subjectName(service.subjectCode))
            }
        }
        guard !taught.isEmpty else { return nil }
        return taught.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value.sorted().joined(separator: ", "))" }.joined(separator: " ; ")
    }

    func memberFindings() -> [VerificationFinding] {
        var out: [VerificationFinding] = []
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let g = observedGroups[name] else { continue }
            let audience = Audience(want.kind)
            for id in want.members.sorted() {
                // Without an account, the account's finding says it all.
                guard let a = byPerson[id], !g.members.contains(a.login) else { continue }
                let p = presentByID[id]
                let fullName = a.name ?? p?.name.full
                let kind: VerificationFinding.Kind
                let what: Reason
                switch audience {
                case .teachers:
                    kind = .teacherMissingAccess
                    let taught = teaching(id, group: name)
                    what = Reason("enseigne \(taught.map { "en \($0)" } ?? "là") d'après STS-Web, mais n'est pas membre de \(name)",
                                  "teaches \(taught ?? "there") per STS-Web, but is not a member of \(name)")
                case .students:
                    kind = .studentMissingGroup
                    what = Reason("dans \(want.kind == .division ? "la classe" : "le groupe") \(name) d'après Siècle-BEE, mais pas membre du groupe \(name) de l'annuaire",
                                  "in \(want.kind.rawValue) \(name) per SIECLE, but not a member of the directory's group \(name)")
                case .role:
                    kind = .missingMember
                    what = Reason("\(p?.kind.french ?? "personne") de l'établissement, mais pas membre du groupe de rôle \(name)",
                                  "\(p?.kind.rawValue ?? "person") of the school, but not a member of the role group \(name)")
                }
                out.append(VerificationFinding(
                    kind: kind, who: who(a.login, fullName), login: a.login, name: fullName, group: name, location: g.dn, what: what,
                    since: history.memberSince(id, of: name), sinceUnknown: Self.unknownArrival,
                    fix: fix(embeddedRight: embeddedGroups[name]?.members.contains(a.login) == true,
                             "ajoute \(a.login) à \(name)", "adds \(a.login) to \(name)")))
            }
            // A member whose own entry is missing is still wanted there: the account's finding covers it.
            let wanted = Set(want.members.compactMap { id in
                byPerson[id]?.login ?? embeddedByPerson[id].flatMap { $0.status == .deleted ? nil : $0.login }
            })
            for login in g.members.subtracting(wanted).sorted() {
                out.append(unexpectedMember(login, in: g, audience: audience))
            }
        }
        return out
    }

    /// A member the exports do not put in the group: left there from before (the exports once put
    /// them in it), added by hand (Bascule never wrote it, or it is no account of Bascule's), or
    /// neither.
    func unexpectedMember(_ login: String, in g: ObservedGroup, audience: Audience) -> VerificationFinding {
        let a = byLogin[login]
        let name = a?.name ?? a?.personID.flatMap { inFile[$0]?.name.full }
        let removeFix = fix(embeddedRight: embeddedGroups[g.name]?.members.contains(login) != true,
                            "retire \(login) de \(g.name)", "removes \(login) from \(g.name)")
        if let id = a?.personID, history.wasMember(id, of: g.name) {
            let p = presentByID[id]
            let since = history.noLongerMember(id, of: g.name) ?? departure(id)
            let kind: VerificationFinding.Kind
            let what: Reason
            switch audience {
            case .teachers:
                kind = .teacherFormerTeam
                if p == nil {
                    what = Reason("a quitté l'établissement, encore membre de \(g.name)", "left the school, still a member of \(g.name)")
                } else if g.kind == .subject {
                    what = Reason("n'enseigne plus cette matière d'après STS-Web, encore membre de \(g.name)",
                                  "no longer teaches that subject per STS-Web, still a member of \(g.name)")
                } else {
                    what = Reason("n'a plus de service dans cette classe ou ce groupe d'après STS-Web, encore membre de \(g.name)",
                                  "no longer teaches that class or group per STS-Web, still a member of \(g.name)")
                }
            case .students:
                kind = .studentFormerGroup
                let now = p.map { $0.division.map { "aujourd'hui en \($0)" } ?? "sans classe" } ?? "a quitté l'établissement"
                what = Reason("n'est plus dans \(g.name) d'après Siècle-BEE (\(now)), encore membre du groupe \(g.name)",
                              "no longer in \(g.name) per SIECLE (\(p?.division.map { "now in \($0)" } ?? "gone")), still a member of \(g.name)")
            case .role:
                kind = .formerMember
                what = p == nil
                    ? Reason("a quitté l'établissement, encore membre de \(g.name)", "left the school, still a member of \(g.name)")
                    : Reason("n'a plus sa place dans \(g.name) d'après les exports, encore membre", "no longer belongs in \(g.name) per the exports, still a member")
            }
            return VerificationFinding(kind: kind, who: who(login, name), login: login, name: name, group: g.name, location: g.dn,
                                       what: what, since: since,
                                       sinceUnknown: Reason("aucun import ne dit depuis quand", "no import tells since when"), fix: removeFix)
        }
        let handFix = Reason("à retirer à la main (ldapmodify, « memberUid » et « member » de \(g.name)) ; ou, si bascule.yml dit « derive: corriger », bascule directory sync \(data) le retire",
                             "remove by hand (ldapmodify, memberUid and member of \(g.name)); or, with “derive: corriger” in bascule.yml, bascule directory sync \(data) removes it")
        if a == nil {
            let foreign = input.observed.foreign.contains { $0.label == login }
            return VerificationFinding(
                kind: .handAddedMember, who: login, login: login, group: g.name, location: g.dn,
                what: Reason("« \(login) » est membre de \(g.name) sans être un compte créé par Bascule" + (foreign ? " (compte ajouté à la main)" : ""),
                             "“\(login)” is a member of \(g.name) without being an account Bascule created" + (foreign ? " (an account added by hand)" : "")),
                since: nil, sinceUnknown: Reason("l'annuaire ne date pas l'ajout d'un membre", "the directory does not date a member's addition"),
                fix: real ? handFix : removeFix)
        }
        if let written = g.writtenMembers, !written.contains(login) {
            return VerificationFinding(
                kind: .handAddedMember, who: who(login, name), login: login, name: name, group: g.name, location: g.dn,
                what: Reason("membre de \(g.name) ajouté à la main : Bascule ne l'y a jamais mis et les exports ne l'y mettent pas",
                             "member of \(g.name) added by hand: Bascule never put them there and the exports do not"),
                since: nil, sinceUnknown: Reason("l'annuaire ne date pas l'ajout d'un membre", "the directory does not date a member's addition"),
                fix: handFix)
        }
        return VerificationFinding(
            kind: .unexpectedMember, who: who(login, name), login: login, name: name, group: g.name, location: g.dn,
            what: Reason("membre de \(g.name) que les exports ne justifient pas", "member of \(g.name) the exports do not account for"),
            since: nil, sinceUnknown: Reason("aucun import ne l'a jamais mis dans ce groupe", "no import ever put them in this group"),
            fix: removeFix)
    }

    // MARK: - Entries made by hand

    func foreignFindings() -> [VerificationFinding] {
        input.observed.foreign.sorted { $0.dn < $1.dn }.map { e in
            VerificationFinding(
                kind: .manualEntry, who: e.label, location: e.dn,
                what: Reason("entrée « \(e.label) » (\(e.objectClasses.joined(separator: ", "))) sous la branche de l'établissement, sans les classes de Bascule",
                             "entry “\(e.label)” (\(e.objectClasses.joined(separator: ", "))) under the school's branch, without Bascule's classes"),
                since: e.created, sinceUnknown: Reason("l'annuaire ne dit pas quand elle a été créée", "the directory does not say when it was created"),
                fix: Reason("à retirer à la main : entrée non créée par Bascule (ldapdelete \"\(e.dn)\") ; si c'est une personne de l'établissement, son compte doit venir des exports",
                            "remove by hand: an entry Bascule did not create (ldapdelete \"\(e.dn)\"); a person of the school gets their account from the exports"))
        }
    }

    // MARK: - Spaces

    func spaceFindings(_ spaces: [ObservedSpace]) -> [VerificationFinding] {
        var out: [VerificationFinding] = []
        let structures = Set(input.roster.structures.map(\.code))
        for s in spaces.sorted(by: { $0.path < $1.path }) {
            if !s.createdByBascule {
                // Bascule never touches a folder it did not make: a person decides what becomes of it.
                out.append(VerificationFinding(
                    kind: .manualEntry, who: s.name, location: s.path,
                    what: Reason("dossier « \(s.name) » fait à la main parmi les espaces de Bascule (uid \(s.ownerUID.map(String.init) ?? "?"))",
                                 "folder “\(s.name)” made by hand among Bascule's spaces (uid \(s.ownerUID.map(String.init) ?? "?"))"),
                    since: nil, sinceUnknown: Reason("le système de fichiers ne dit pas depuis quand", "the file system does not say since when"),
                    fix: Reason("à déplacer ou retirer à la main : Bascule n'y touche pas (\(s.path))",
                                "move or remove by hand: Bascule leaves it alone (\(s.path))")))
                continue
            }
            switch s.kind {
            case .personal:
                if let owner = s.ownerLogin, byLogin[owner] != nil { continue }
                let uid = s.ownerUID.map { "uid \($0)" } ?? "sans uid"
                out.append(VerificationFinding(
                    kind: .spaceWithoutOwner, who: s.name, location: s.path,
                    what: Reason("espace personnel « \(s.name) » dont le propriétaire (\(uid)\(s.ownerLogin.map { ", \($0)" } ?? "")) n'est plus aucun compte de l'annuaire",
                                 "personal space “\(s.name)” whose owner (\(s.ownerUID.map { "uid \($0)" } ?? "no uid")) is no account of the directory"),
                    since: nil, sinceUnknown: Reason("le système de fichiers ne dit pas depuis quand", "the file system does not say since when"),
                    fix: Reason("bascule spaces sync \(data) : l'espace est archivé (avec son manifeste) puis retiré, l'archive gardée le temps prévu",
                                "bascule spaces sync \(data): the space is archived (with its manifest) then removed, the archive kept for its retention")))
            case .division, .group, .team, .subject:
                if structures.contains(s.name) || expected[s.name] != nil { continue }
                out.append(VerificationFinding(
                    kind: .spaceOfFormerClass, who: s.name, group: s.name, location: s.path,
                    what: Reason("espace \(s.kind == .division ? "de la classe" : s.kind == .group ? "du groupe" : s.kind == .team ? "de l'équipe" : "de la matière") \(s.name), qui n'est plus dans les exports",
                                 "space of \(s.kind.rawValue) \(s.name), which is no longer in the exports"),
                    since: history.groupGoneSince(s.name),
                    sinceUnknown: Reason("aucun import ne l'a jamais eu", "no import ever had it"),
                    fix: Reason("à archiver puis retirer (nettoyage des espaces classes du calendrier)",
                                "archive then remove (the calendar's class spaces cleanup)")))
            case .other:
                continue
            }
        }
        return out
    }
}

import BasculeDomain
import BasculeStore
import Crypto
import Foundation

/// A plan with the hash that names it: `apply --plan HASH` applies exactly that plan.
public struct HashedPlan: Sendable {
    public var plan: Plan
    public var hash: String
    public var json: String
}

/// Why a plan was not applied.
public enum ApplyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case stale(expected: String, current: String)
    case needsConfirmation([Reason])
    case deferred(Reason)
    case noImports(UAI)

    public var french: String {
        switch self {
        case .stale(let expected, let current):
            "Le plan \(expected.prefix(12)) n'est plus à jour (un import ou l'annuaire a changé depuis) : le plan actuel est \(current.prefix(12)). Relancez « bascule plan » et relisez-le."
        case .needsConfirmation(let reasons):
            "Plan hors de l'ordinaire, refusé sans confirmation :\n" + reasons.map { "  - \($0.french)" }.joined(separator: "\n")
                + "\nSi c'est voulu : apply --allow-mass-change --reason \"…\""
        case .deferred(let why): "Rien n'est appliqué aujourd'hui : \(why.french)"
        case .noImports(let uai): "Aucun export importé pour l'établissement \(uai)."
        }
    }

    public var description: String { french }
}

/// Plans and applies a school's rollover on the embedded directory.
public struct PlanningService: Sendable {
    public let store: Store
    public let policy: PlanningPolicy
    /// Issues temporary passwords to the accounts a plan creates; nil issues none (planning only).
    public let credentials: CredentialIssuer?
    /// What the calendar allows for a school on a day.
    public let gate: @Sendable (UAI, CivilDate) throws -> CalendarGate

    public init(store: Store, policy: PlanningPolicy = .default, credentials: CredentialIssuer? = nil,
                gate: @escaping @Sendable (UAI, CivilDate) throws -> CalendarGate = { PlanningService.defaultGate(on: $1) }) {
        self.store = store
        self.policy = policy
        self.credentials = credentials
        self.gate = gate
    }

    /// What the newest exports say about a school.
    public func roster(uai: UAI) async throws -> SchoolRoster? {
        let studentImports = try await store.imports(uai: uai, source: .siecleStudents)
        let staffImports = try await store.imports(uai: uai, source: .sts)
        guard studentImports.last != nil || staffImports.last != nil else { return nil }
        let persons = Dictionary(try await store.persons(uai: uai).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func roster(_ people: [SnapshotPerson]) -> [RosterPerson] {
            people.map { p in
                RosterPerson(personID: p.personID, kind: p.kind, sourceID: p.sourceID, name: p.name,
                             birthDate: persons[p.personID]?.birthDate, division: p.division, groups: p.groups,
                             hasLeft: p.hasLeft, leavingDate: p.leavingDate)
            }
        }
        var students: [RosterPerson] = [], staff: [RosterPerson] = []
        var structures: [StructureRecord] = []
        var services: [(service: TeachingService, teacherID: String)] = []
        var subjects: [SubjectRecord] = []
        var previous: [PersonKind: Int] = [:]
        if let latest = studentImports.last { students = roster(try await store.snapshotPeople(importID: latest.id)) }
        if studentImports.count > 1 {
            previous[.student] = try await store.snapshotPeople(importID: studentImports[studentImports.count - 2].id)
                .filter { !$0.hasLeft }.count
        }
        if let latest = staffImports.last {
            staff = roster(try await store.snapshotPeople(importID: latest.id))
            structures = try await store.structures(importID: latest.id)
            services = try await store.services(importID: latest.id).map { ($0.service, $0.teacherID) }
            subjects = try await store.subjects(importID: latest.id)
        }
        if staffImports.count > 1 {
            for p in try await store.snapshotPeople(importID: staffImports[staffImports.count - 2].id) { previous[p.kind, default: 0] += 1 }
        }
        let presentNow = Set((students + staff).filter { !$0.hasLeft }.map(\.personID))
        var departures: [String: DepartureFacts] = [:]
        for (source, imports) in [(SourceKind.siecleStudents, studentImports), (.sts, staffImports)] where !imports.isEmpty {
            let bySeq = Dictionary(imports.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
            for (person, seq) in try await store.lastPresence(uai: uai, source: source) where !presentNow.contains(person) {
                let next = imports.first { $0.seq > seq }
                departures[person] = DepartureFacts(
                    lastSeenYear: bySeq[seq]?.schoolYear,
                    firstMissedOn: next.flatMap { $0.importedOn ?? CivilDate(parsing: String($0.importedAt.prefix(10))) },
                    firstMissedExport: next?.exportDate)
            }
        }
        return SchoolRoster(uai: uai, students: students, staff: staff, structures: structures, services: services,
                            subjects: subjects, previousCounts: previous, studentsYear: studentImports.last?.schoolYear,
                            staffYear: staffImports.last?.schoolYear, departures: departures)
    }

    /// Without a calendar: deletions of former students and staff happen in September, as the
    /// 2026-2027 memo says, and nothing is paused. The CLI passes the school's calendar instead.
    public static func defaultGate(on date: CivilDate) -> CalendarGate {
        let september = DayWindow(from: CivilDate(year: date.year, month: 9, day: 1), until: CivilDate(year: date.year, month: 9, day: 30))
        return CalendarGate(deletionOpen: date.month == 9 ? [.student, .teacher, .staff] : [],
                            deletionWindows: [.student: september, .teacher: september, .staff: september])
    }

    /// Who acts, for the audit log: the system user (``SystemUser``, from the real uid), unless
    /// the caller says otherwise.
    public static var defaultActor: String { SystemUser.current() }

    /// The day's plan alone, for who only reads it (the verifier's note); `known` spares reading
    /// the exports again when the caller has them.
    public func unhashedPlan(uai: UAI, date: CivilDate, gate: CalendarGate? = nil, roster known: SchoolRoster? = nil) async throws -> Plan {
        var roster = known
        if roster == nil { roster = try await self.roster(uai: uai) }
        guard let roster else { throw ApplyRefusal.noImports(uai) }
        let directory = try await store.directoryState(uai: uai)
        let approvedDepartures = try await store.approvedDepartures(uai: uai)
        let declined = try await store.declinedRenames(uai: uai)
        let liftings = try await store.accessLiftings(uai: uai)
        return Planner(policy: policy).plan(.init(roster: roster, directory: directory, date: date,
                                                  gate: try gate ?? self.gate(uai, date),
                                                  approvedDepartures: approvedDepartures, declinedRenames: declined,
                                                  accessLiftings: liftings))
    }

    public func plan(uai: UAI, date: CivilDate, gate: CalendarGate? = nil) async throws -> HashedPlan {
        let plan = try await unhashedPlan(uai: uai, date: date, gate: gate)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(plan)
        // The access notices and deletions to come are shown, not hashed; a plan often has none,
        // and then the JSON already made is the one to hash (a large plan is not encoded twice).
        var named = plan
        named.access = []
        named.deletions = []
        let hashed = plan.access.isEmpty && plan.deletions.isEmpty ? data : try encoder.encode(named)
        let hash = SHA256.hash(data: hashed).map { String(format: "%02x", $0) }.joined()
        return HashedPlan(plan: plan, hash: hash, json: String(decoding: data, as: UTF8.self))
    }

    /// What a person confirms when the daily run holds a plan: its actions and the reasons it
    /// was held, without its day. The same exports and directory give the same hash tomorrow, so
    /// that a confirmation given today is applied by the next run; anything that changes the
    /// actions (a new export, a deadline reached) changes it, and the plan is held again.
    public static func heldPlanHash(_ plan: Plan) -> String {
        struct Held: Encodable {
            var uai: UAI
            var actions: [PlanAction]
            var safety: PlanSafety
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Held(uai: plan.uai, actions: plan.actions, safety: plan.safety))) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Applies the plan of `date` to the embedded directory, in one transaction. With `expectedHash`,
    /// refuses a plan that changed since it was shown; refuses a plan out of the ordinary unless
    /// `allowMassChange`.
    public func apply(uai: UAI, date: CivilDate, expectedHash: String?, allowMassChange: Bool, reason: String? = nil,
                      actor: String = PlanningService.defaultActor, now: Date = Date()) async throws -> HashedPlan {
        // Read before the plan: the write checks the school's directory is still this, so that a
        // protection or a rename made meanwhile (the service's routes, another command) is never
        // written over, nor an account deleted that was protected after the plan was made.
        let directory = try await store.directoryState(uai: uai)
        let hashed = try await plan(uai: uai, date: date)
        if let expectedHash, !hashed.hash.hasPrefix(expectedHash.lowercased()) || expectedHash.count < 8 {
            throw ApplyRefusal.stale(expected: expectedHash, current: hashed.hash)
        }
        // Nothing to do is done by doing nothing: no audit entry, no write. A proposed rename
        // waits for a person (`bascule accounts rename`), not for an apply.
        if !hashed.plan.changesDirectory { return hashed }
        if let why = hashed.plan.deferred { throw ApplyRefusal.deferred(why) }
        if hashed.plan.safety.needsConfirmation && !allowMassChange {
            throw ApplyRefusal.needsConfirmation(hashed.plan.safety.reasons)
        }
        let created = hashed.plan.actions.filter { $0.kind == .createAccount }.compactMap(\.personID)
        let issued = try credentials?.issue(for: created, on: date) ?? []
        try await store.savePlan(hash: hashed.hash, uai: uai, date: date, body: hashed.json, at: now)
        let stamp = now.formatted(.iso8601)
        var audit = [AuditEntry(at: stamp, day: date, actor: actor, uai: uai, event: "apply", target: nil,
                                french: "plan du \(date) appliqué (\(hashed.plan.actions.count) action(s))"
                                    + (hashed.plan.safety.needsConfirmation ? " malgré : " + hashed.plan.safety.reasons.map(\.french).joined(separator: " ; ") + " — raison donnée : \(reason ?? "")" : ""),
                                english: "plan of \(date) applied (\(hashed.plan.actions.count) actions)"
                                    + (hashed.plan.safety.needsConfirmation ? ", confirmed: \(reason ?? "")" : ""),
                                planHash: hashed.hash)]
        audit += hashed.plan.actions.map { a in
            AuditEntry(at: stamp, day: date, actor: actor, uai: uai, event: a.kind.rawValue, target: a.login ?? a.group,
                       french: (a.group.map { a.login != nil ? "\($0) : " : "" } ?? "") + a.reason.french,
                       english: a.reason.english, planHash: hashed.hash)
        }
        try await store.replaceDirectory(uai: uai, with: directory.applying(hashed.plan.actions, on: date), expecting: directory,
                                         credentials: issued, audit: audit, appliedPlan: hashed.hash, at: now)
        return hashed
    }
}

import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

public enum VerificationError: Error, Sendable, CustomStringConvertible {
    case noImports(UAI)

    public var french: String {
        switch self {
        case .noImports(let uai): "Aucun export importé pour l'établissement \(uai) : rien à quoi comparer l'annuaire (bascule import)."
        }
    }

    public var description: String { french }
}

/// The September check: reads the directory back (the real one when `bascule.yml` describes it,
/// else the embedded one) and compares it with the newest exports (`Verifier`, pure).
public struct VerificationService: Sendable {
    public let store: Store
    public let policy: PlanningPolicy
    /// The real directory to read; nil reads the embedded one.
    public let connector: OpenLDAPConnector?
    /// What the calendar allows on a day, to say whether the day's plan waits for an apply.
    public let gate: @Sendable (UAI, CivilDate) throws -> CalendarGate

    public init(store: Store, policy: PlanningPolicy = .default, connector: OpenLDAPConnector? = nil,
                gate: @escaping @Sendable (UAI, CivilDate) throws -> CalendarGate = { PlanningService.defaultGate(on: $1) }) {
        self.store = store
        self.policy = policy
        self.connector = connector
        self.gate = gate
    }

    /// - Parameters:
    ///   - deletionWindows: per role, the calendar's last deletion window that has started.
    ///   - spaces: the file spaces read back; nil when nothing reads them.
    ///   - dataOption: how the user names the data (`--data DIR`), written into each fix.
    ///   - embeddedSource: how the report names the embedded directory when it is the one read.
    public func verify(uai: UAI, date: CivilDate, deletionWindows: [PersonKind: DayWindow] = [:],
                       approvalRequired: Set<PersonKind> = [], spaces: [ObservedSpace]? = nil,
                       dataOption: String = "--data DIR", embeddedSource: String = "annuaire intégré de Bascule") async throws -> VerificationReport {
        guard let roster = try await PlanningService(store: store, policy: policy).roster(uai: uai) else {
            throw VerificationError.noImports(uai)
        }
        let embedded = try await store.directoryState(uai: uai)
        let observed: ObservedDirectory
        if let connector {
            observed = try connector.observe(uai: uai, written: try await written(uai: uai, target: connector.target))
        } else {
            observed = ObservedDirectory(embedded: embedded, source: embeddedSource)
        }
        let input = Verifier.Input(roster: roster, observed: observed, embedded: embedded, history: try await history(uai: uai),
                                   date: date, deletionWindows: deletionWindows,
                                   approvedDepartures: try await store.approvedDepartures(uai: uai),
                                   approvalRequired: approvalRequired, spaces: spaces, dataOption: dataOption)
        var report = Verifier(policy: policy).verify(input)
        report.notes = try await notes(uai: uai, date: date, roster: roster)
        return report
    }

    /// What explains many findings at once: the day's plan not applied yet, a directory run cut short.
    private func notes(uai: UAI, date: CivilDate, roster: SchoolRoster) async throws -> [Reason] {
        var notes: [Reason] = []
        let plan = try await PlanningService(store: store, policy: policy, gate: gate).unhashedPlan(uai: uai, date: date, roster: roster)
        if plan.changesDirectory {
            let s = plan.summary
            let waiting = plan.deferred.map { " Le calendrier le retient : \($0.french)." } ?? ""
            notes.append(Reason(
                "Le plan du \(date) attend d'être appliqué : \(plan.actions.count) action(s) (\(s.accountsCreated) compte(s) à créer, \(s.accountsLeaving) partant(s), \(s.accountsDisabled) à désactiver, \(s.accountsDeleted) à supprimer, appartenances +\(s.membershipsAdded) −\(s.membershipsRemoved)) ; tant qu'il ne l'est pas, l'annuaire ne suit pas les exports (bascule plan, puis bascule apply).\(waiting)",
                "The plan of \(date) waits to be applied: \(plan.actions.count) actions; until it is, the directory does not follow the exports (bascule plan, then bascule apply)."))
        }
        if let connector, !(try await store.journal(uai: uai, target: connector.target, unfinished: true)).isEmpty {
            notes.append(Reason("Une synchronisation de l'annuaire a été interrompue : bascule directory sync la termine.",
                                "A directory run was cut short: bascule directory sync finishes it."))
        }
        return notes
    }

    /// What Bascule last wrote on the real directory's entries: a member outside it was added by hand.
    private func written(uai: UAI, target: String) async throws -> [String: WrittenEntry] {
        var out: [String: WrittenEntry] = [:]
        for (key, row) in try await store.writtenEntries(uai: uai, target: target) {
            let attributes = (try? JSONDecoder().decode([String: [String]].self, from: Data(row.attributesJSON.utf8))) ?? [:]
            out[key] = WrittenEntry(dn: row.dn, attributes: attributes)
        }
        return out
    }

    /// Every import kept, as the planner would have read it on its day: who was there and in which
    /// groups. Students and staff are separate timelines (their exports come on different days).
    public func history(uai: UAI) async throws -> ExportHistory {
        let planner = Planner(policy: policy)
        let persons = Dictionary(try await store.persons(uai: uai).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func people(_ importID: String) async throws -> [RosterPerson] {
            try await store.snapshotPeople(importID: importID).map { p in
                RosterPerson(personID: p.personID, kind: p.kind, sourceID: p.sourceID, name: p.name,
                             birthDate: persons[p.personID]?.birthDate, division: p.division, groups: p.groups,
                             hasLeft: p.hasLeft, leavingDate: p.leavingDate)
            }
        }
        func moment(_ info: ImportInfo, _ roster: SchoolRoster) -> ExportMoment {
            let day = info.exportDate ?? info.importedOn ?? CivilDate(parsing: String(info.importedAt.prefix(10))) ?? CivilDate(dayNumber: 0)
            let present = (roster.students + roster.staff).filter { !$0.hasLeft }.map(\.personID)
            let groups = planner.expectedGroups(roster).filter { !$0.value.members.isEmpty }
            return ExportMoment(date: day, present: Set(present), memberships: groups.mapValues(\.members))
        }
        var students: [ExportMoment] = []
        for info in try await store.imports(uai: uai, source: .siecleStudents) {
            students.append(moment(info, SchoolRoster(uai: uai, students: try await people(info.id), staff: [], structures: [], services: [])))
        }
        var staff: [ExportMoment] = []
        for info in try await store.imports(uai: uai, source: .sts) {
            let roster = SchoolRoster(uai: uai, students: [], staff: try await people(info.id),
                                      structures: try await store.structures(importID: info.id),
                                      services: try await store.services(importID: info.id).map { ($0.service, $0.teacherID) },
                                      subjects: try await store.subjects(importID: info.id))
            staff.append(moment(info, roster))
        }
        return ExportHistory(timelines: [ExportTimeline(moments: students), ExportTimeline(moments: staff)])
    }
}

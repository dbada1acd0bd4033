import BasculeDomain
import BasculeStore

/// Everyone known from the imports, as the newest export of their source shows them.
public struct PeopleQuery: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    public func people(uai: UAI? = nil, kind: PersonKind? = nil) async throws -> [PersonView] {
        let persons = try await store.persons(uai: uai)
        var latest: [String: SnapshotPerson] = [:]
        var children: [String: [String]] = [:]
        for school in Set(persons.map(\.uai)) {
            for source in SourceKind.allCases {
                guard let info = try await store.latestImport(uai: school, source: source) else { continue }
                for p in try await store.snapshotPeople(importID: info.id) { latest[p.personID] = p }
                if source == .sieclePersons {
                    for g in try await store.guardians(importID: info.id) {
                        children[g.parentID, default: []].append(g.link.studentSourceID)
                    }
                }
            }
        }
        return persons.compactMap { p in
            if let kind, p.kind != kind { return nil }
            let snap = latest[p.id]
            let status: PersonView.Status = snap == nil ? .absent : (snap!.hasLeft ? .left : .active)
            let name = snap?.name ?? p.name
            return PersonView(id: p.id, uai: p.uai, kind: snap?.kind ?? p.kind, sourceId: p.sourceID, ine: p.ine,
                              firstName: name.firstName, lastName: name.displayFamilyName, familyName: name.familyName,
                              birthDate: p.birthDate, division: snap?.division, groups: snap?.groups ?? [],
                              status: status, function: snap?.function, children: (children[p.id] ?? []).sorted())
        }.sorted { ($0.uai, $0.kind, $0.lastName, $0.firstName, $0.sourceId) < ($1.uai, $1.kind, $1.lastName, $1.firstName, $1.sourceId) }
    }
}

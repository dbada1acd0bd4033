import BasculeDomain
import BasculeStore

/// The imports of one command, before they are committed: what the store knows plus what the
/// earlier files of the same batch brought, so that files can be checked against each other.
struct ImportBatch {
    let store: Store
    private var known: [UAI: [KnownPerson]] = [:]
    private var written: [String: SnapshotWrite] = [:]

    init(store: Store) { self.store = store }

    private static func key(_ uai: UAI, _ source: SourceKind) -> String { "\(uai.code)|\(source.rawValue)" }

    /// The newest import of a school and source: from this batch, or else from the store.
    func latest(uai: UAI, source: SourceKind) async throws -> ImportInfo? {
        if let w = written[Self.key(uai, source)] { return w.info }
        return try await store.latestImport(uai: uai, source: source)
    }

    /// An import of exactly this XML, in this batch or in the store's history.
    func sameContent(uai: UAI, source: SourceKind, sha256: String) async throws -> ImportInfo? {
        if let w = written[Self.key(uai, source)], w.info.fileSHA256 == sha256 { return w.info }
        return try await store.importWithDigest(uai: uai, source: source, sha256: sha256)
    }

    private mutating func knownPeople(_ uai: UAI) async throws -> [KnownPerson] {
        if let k = known[uai] { return k }
        let k = try await store.knownPeople(uai: uai)
        known[uai] = k
        return k
    }

    /// Divisions STS-Web knows for the school, from this batch or the newest import; nil if none.
    private func stsDivisions(_ uai: UAI) async throws -> Set<String>? {
        if let w = written[Self.key(uai, .sts)] {
            return Set(w.structures.filter { $0.kind == .division }.map(\.code))
        }
        guard let info = try await store.latestImport(uai: uai, source: .sts) else { return nil }
        return Set(try await store.structures(importID: info.id).filter { $0.kind == .division }.map(\.code))
    }

    private func studentSourceIDs(_ uai: UAI) async throws -> Set<String>? {
        if let w = written[Self.key(uai, .siecleStudents)] { return Set(w.people.map(\.sourceID)) }
        guard let info = try await store.latestImport(uai: uai, source: .siecleStudents) else { return nil }
        return Set(try await store.snapshotPeople(importID: info.id).map(\.sourceID))
    }

    mutating func record(_ write: SnapshotWrite) {
        written[Self.key(write.info.uai, write.info.source)] = write
        var k = known[write.info.uai] ?? []
        let index = Dictionary(k.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for w in write.persons {
            let p = w.person
            // As the store does: a newcomer takes a source id given again; its former holder keeps
            // a name no export gives.
            if w.isNew {
                for i in k.indices where k[i].kind == p.kind && k[i].sourceID == p.sourceID && k[i].id != p.id {
                    k[i].sourceID += "#\(k[i].id)"
                }
            }
            let person = KnownPerson(id: p.id, kind: p.kind, sourceID: p.sourceID, ine: p.ine,
                                     firstName: p.name.firstName, birthDate: p.birthDate)
            if let i = index[p.id] { k[i] = person } else { k.append(person) }
        }
        known[write.info.uai] = k
    }

    mutating func snapshot(_ export: ParsedExport, info: ImportInfo, today: CivilDate,
                           makeID: @Sendable () -> String) async throws -> SnapshotWrite {
        let uai = info.uai
        let known = try await knownPeople(uai)
        switch export {
        case .students(let e):
            let result = IdentityResolver().resolveStudents(e.students, known: known)
            let asOf = e.header.exportDate ?? today
            var persons: [PersonWrite] = []
            var people: [SnapshotPerson] = []
            for (r, res) in zip(e.students, result.resolutions) {
                let id = res.personID ?? makeID()
                persons.append(PersonWrite(StoredPerson(id: id, uai: uai, source: .siecleStudents, sourceID: r.sourceID,
                                           kind: .student, ine: res.claimedINE, name: r.name, birthDate: r.birthDate),
                                           isNew: res.personID == nil))
                let left = r.hasLeft(asOf: asOf)
                people.append(SnapshotPerson(personID: id, kind: .student, sourceID: r.sourceID, name: r.name,
                                             division: left ? nil : r.division, groups: left ? [] : r.groups,
                                             hasLeft: left, entryDate: r.entryDate, leavingDate: r.leavingDate,
                                             mef: r.mef, function: nil, email: nil, line: r.location.line))
            }
            var notices = result.notices
            if let divisions = try await stsDivisions(uai) {
                let missing = Set(people.compactMap(\.division)).subtracting(divisions).sorted()
                if !missing.isEmpty {
                    notices.append(ImportNotice(.divisionNotInSTS,
                        french: "Division(s) de Siècle-BEE absente(s) de STS-Web : \(missing.joined(separator: ", ")). Vérifiez que STS-Web est à jour (import EDT) ; l'import n'est pas refusé.",
                        english: "Division(s) in SIECLE missing from STS-Web: \(missing.joined(separator: ", "))."))
                }
            }
            return SnapshotWrite(info: info, persons: persons, people: people, notices: notices)
        case .sts(let e):
            let res = IdentityResolver().resolveBySourceID(e.staff.map(\.sourceID), kinds: [.teacher, .staff], known: known)
            var persons: [PersonWrite] = []
            var people: [SnapshotPerson] = []
            var idBySource: [String: String] = [:]
            for (r, res) in zip(e.staff, res) {
                let id = res.personID ?? makeID()
                idBySource[r.sourceID] = id
                let kind = e.kind(of: r)
                persons.append(PersonWrite(StoredPerson(id: id, uai: uai, source: .sts, sourceID: r.sourceID,
                                           kind: kind, ine: nil, name: r.name, birthDate: r.birthDate),
                                           isNew: res.personID == nil))
                people.append(SnapshotPerson(personID: id, kind: kind, sourceID: r.sourceID, name: r.name,
                                             division: nil, groups: [], hasLeft: false, entryDate: nil, leavingDate: nil,
                                             mef: nil, function: r.function, email: nil, line: r.location.line))
            }
            let services = e.services.compactMap { s in idBySource[s.teacherSourceID].map { SnapshotService(service: s, teacherID: $0) } }
            var notices: [ImportNotice] = []
            if let students = written[Self.key(uai, .siecleStudents)] {
                let divisions = Set(e.structures.filter { $0.kind == .division }.map(\.code))
                let missing = Set(students.people.compactMap(\.division)).subtracting(divisions).sorted()
                if !missing.isEmpty {
                    notices.append(ImportNotice(.divisionNotInSTS,
                        french: "Division(s) de Siècle-BEE absente(s) de STS-Web : \(missing.joined(separator: ", ")).",
                        english: "Division(s) in SIECLE missing from STS-Web: \(missing.joined(separator: ", "))."))
                }
            }
            return SnapshotWrite(info: info, persons: persons, people: people, structures: e.structures,
                                 subjects: e.subjects, services: services, notices: notices)
        case .persons(let e):
            let res = IdentityResolver().resolveBySourceID(e.parents.map(\.sourceID), kinds: [.parent], known: known)
            var persons: [PersonWrite] = []
            var people: [SnapshotPerson] = []
            var guardians: [SnapshotGuardian] = []
            for (r, res) in zip(e.parents, res) {
                let id = res.personID ?? makeID()
                persons.append(PersonWrite(StoredPerson(id: id, uai: uai, source: .sieclePersons, sourceID: r.sourceID,
                                           kind: .parent, ine: nil, name: r.name, birthDate: nil),
                                           isNew: res.personID == nil))
                people.append(SnapshotPerson(personID: id, kind: .parent, sourceID: r.sourceID, name: r.name,
                                             division: nil, groups: [], hasLeft: false, entryDate: nil, leavingDate: nil,
                                             mef: nil, function: nil, email: r.email, line: r.location.line))
                guardians += r.links.map { SnapshotGuardian(parentID: id, link: $0) }
            }
            var notices: [ImportNotice] = []
            if let students = try await studentSourceIDs(uai) {
                let unknown = Set(guardians.map(\.link.studentSourceID)).subtracting(students).sorted()
                if !unknown.isEmpty {
                    notices.append(ImportNotice(.unknownStudentInLink,
                        french: "\(unknown.count) lien(s) responsable-élève visent un ELEVE_ID absent du dernier export élèves (\(unknown.prefix(10).joined(separator: ", "))\(unknown.count > 10 ? ", …" : "")) : exports pris à des dates différentes ?",
                        english: "\(unknown.count) responsable links point at students missing from the newest students export."))
                }
            }
            return SnapshotWrite(info: info, persons: persons, people: people, guardians: guardians, notices: notices)
        }
    }
}

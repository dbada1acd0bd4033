/// A person the store already knows, as identity matching needs to see them.
public struct KnownPerson: Hashable, Sendable {
    public var id: String
    public var kind: PersonKind
    public var sourceID: String
    public var ine: String?
    public var firstName: String
    public var birthDate: CivilDate?

    public init(id: String, kind: PersonKind, sourceID: String, ine: String?, firstName: String, birthDate: CivilDate?) {
        self.id = id
        self.kind = kind
        self.sourceID = sourceID
        self.ine = ine
        self.firstName = firstName
        self.birthDate = birthDate
    }
}

/// Who an incoming record is: an existing person, or someone new.
public struct Resolution: Hashable, Sendable {
    /// The existing person's id, or nil for a new person.
    public var personID: String?
    /// The INE the person may carry after this import: nil when the record has none or when it
    /// is in conflict (an INE in conflict identifies nobody until a person settles it).
    public var claimedINE: String?

    public init(personID: String?, claimedINE: String?) {
        self.personID = personID
        self.claimedINE = claimedINE
    }
}

/// Matches incoming records to known people. Names are never a key: a student is matched by
/// INE when the first name and birth date agree, then by `ELEVE_ID`; staff by STS id; parents by
/// `PERSONNE_ID`. Pure and deterministic: the same inputs give the same answer, whatever order
/// the known people come in.
public struct IdentityResolver: Sendable {
    public init() {}

    public struct StudentResult: Sendable {
        public var resolutions: [Resolution]
        public var notices: [ImportNotice]
    }

    public func resolveStudents(_ records: [StudentRecord], known: [KnownPerson]) -> StudentResult {
        let students = known.filter { $0.kind == .student }
        let byINE = Dictionary(students.compactMap { p in p.ine.map { ($0, p) } }, uniquingKeysWith: { a, b in a.id < b.id ? a : b })
        let bySource = Dictionary(students.map { ($0.sourceID, $0) }, uniquingKeysWith: { a, b in a.id < b.id ? a : b })

        var notices: [ImportNotice] = []
        var ineLocations: [String: [SourceLocation]] = [:]
        for r in records { if let ine = r.ine { ineLocations[ine, default: []].append(r.location) } }
        for (ine, locs) in ineLocations.sorted(by: { $0.key < $1.key }) where locs.count > 1 {
            let where_ = locs.map { "ligne \($0.line)" }.joined(separator: ", ")
            notices.append(ImportNotice(.duplicateINE,
                french: "L'INE \(ine) est porté par \(locs.count) élèves (\(where_)) : il n'identifie aucun d'eux tant qu'une personne n'a pas tranché.",
                english: "INE \(ine) is carried by \(locs.count) students; it identifies none of them until a person settles it.",
                location: locs[0]))
        }

        var claimed: Set<String> = []
        var results: [Resolution] = []
        results.reserveCapacity(records.count)
        for r in records {
            let usableINE = r.ine.flatMap { (ineLocations[$0]?.count ?? 0) == 1 ? $0 : nil }
            var match: KnownPerson?
            var claim = usableINE
            let sourceMatch = bySource[r.sourceID]
            if let ine = usableINE, let p = byINE[ine] {
                if Self.agrees(p, r) || sourceMatch?.id == p.id {
                    match = p
                } else {
                    notices.append(ImportNotice(.ineConflict,
                        french: "L'INE \(ine) de l'élève \(r.name.full) (ELEVE_ID \(r.sourceID)) est déjà celui d'un autre élève dont le prénom ou la date de naissance diffère : à vérifier.",
                        english: "INE \(ine) of \(r.name.full) already belongs to a student whose first name or birth date differs: to be checked.",
                        location: r.location))
                    match = sourceMatch
                    claim = nil
                }
            } else if let p = sourceMatch {
                match = p
                if let ine = usableINE, let old = p.ine, old != ine {
                    notices.append(ImportNotice(.ineConflict,
                        french: "L'élève ELEVE_ID \(r.sourceID) avait l'INE \(old) et porte maintenant \(ine) : à vérifier.",
                        english: "Student ELEVE_ID \(r.sourceID) had INE \(old) and now carries \(ine): to be checked.",
                        location: r.location))
                    claim = old
                }
            }
            if let m = match, claimed.contains(m.id) {
                match = nil
                claim = nil
            }
            if let m = match {
                claimed.insert(m.id)
                if m.sourceID != r.sourceID {
                    notices.append(ImportNotice(.sourceIDChanged,
                        french: "\(r.name.full) a été réinscrit·e (ELEVE_ID \(m.sourceID) → \(r.sourceID)) : reconnu·e par son INE.",
                        english: "\(r.name.full) was re-registered (ELEVE_ID \(m.sourceID) → \(r.sourceID)); recognised by INE.",
                        location: r.location))
                }
            }
            results.append(Resolution(personID: match?.id, claimedINE: claim))
        }
        return StudentResult(resolutions: results, notices: notices)
    }

    /// Staff by STS id, parents by `PERSONNE_ID`: the source's own id is the identity.
    public func resolveBySourceID(_ sourceIDs: [String], kinds: Set<PersonKind>, known: [KnownPerson]) -> [Resolution] {
        let index = Dictionary(known.filter { kinds.contains($0.kind) }.map { ($0.sourceID, $0.id) },
                               uniquingKeysWith: { a, b in min(a, b) })
        return sourceIDs.map { Resolution(personID: index[$0], claimedINE: nil) }
    }

    /// The same person by INE: the first name and birth date agree. First names get their accents
    /// or case fixed between exports, so their folded keys are compared, not the raw text.
    static func agrees(_ p: KnownPerson, _ r: StudentRecord) -> Bool {
        p.birthDate == r.birthDate && NameFolding.key(p.firstName) == NameFolding.key(r.name.firstName)
    }
}

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
            // An ELEVE_ID is the school base's number, and a base can give it again: where it is
            // the only key, it names the known student only when nothing says otherwise.
            func matchedBySourceID() -> KnownPerson? {
                guard let p = sourceMatch else { return nil }
                guard let conflict = Self.reusedSourceID(p, r) else { return p }
                notices.append(ImportNotice(.sourceIDReused,
                    french: "L'ELEVE_ID \(r.sourceID) de \(r.name.full) était celui d'un autre élève (\(conflict.french)) : ce n'est pas la même personne, un nouveau compte lui sera créé et celui de l'autre élève ne lui est pas transmis. À vérifier dans Siècle-BEE.",
                    english: "ELEVE_ID \(r.sourceID) of \(r.name.full) belonged to another student (\(conflict.english)): not the same person, a new account will be made and the other student's is not handed over. To be checked in SIECLE.",
                    location: r.location))
                return nil
            }
            if let ine = usableINE, let p = byINE[ine] {
                // The same INE and the same ELEVE_ID: a correction of one person's first name and birth date.
                if Self.agrees(p, r) || sourceMatch?.id == p.id {
                    match = p
                } else {
                    notices.append(ImportNotice(.ineConflict,
                        french: "L'INE \(ine) de l'élève \(r.name.full) (ELEVE_ID \(r.sourceID)) est déjà celui d'un autre élève dont le prénom ou la date de naissance diffère : à vérifier.",
                        english: "INE \(ine) of \(r.name.full) already belongs to a student whose first name or birth date differs: to be checked.",
                        location: r.location))
                    match = matchedBySourceID()
                    claim = nil
                }
            } else {
                match = matchedBySourceID()
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

    /// Why a record that shares a known student's `ELEVE_ID` is someone else, or nil when nothing
    /// says so: their INEs differ (an INE is for life), or both their first name and their birth
    /// date differ (one of them corrected is a typo fixed; both at once, another child). Without
    /// this, a base that gives a departed child's number to a newcomer would hand the newcomer the
    /// departed child's account, login, password and personal space.
    static func reusedSourceID(_ p: KnownPerson, _ r: StudentRecord) -> Reason? {
        if let known = p.ine, let incoming = r.ine, known != incoming {
            return Reason("INE \(known), maintenant \(incoming)", "INE \(known), now \(incoming)")
        }
        if let born = p.birthDate, born != r.birthDate, NameFolding.key(p.firstName) != NameFolding.key(r.name.firstName) {
            return Reason("\(p.firstName), né·e le \(born), maintenant \(r.name.firstName), né·e le \(r.birthDate)",
                          "\(p.firstName) born \(born), now \(r.name.firstName) born \(r.birthDate)")
        }
        return nil
    }

    /// The same person by INE: the first name and birth date agree. First names get their accents
    /// or case fixed between exports, so their folded keys are compared, not the raw text.
    static func agrees(_ p: KnownPerson, _ r: StudentRecord) -> Bool {
        p.birthDate == r.birthDate && NameFolding.key(p.firstName) == NameFolding.key(r.name.firstName)
    }
}

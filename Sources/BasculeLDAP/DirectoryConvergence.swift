import BasculeDomain

/// What to do with a change made by hand on one of Bascule's entries.
public enum DriftMode: String, Sendable, Codable, CaseIterable {
    /// Put it back as the plan says, and say so.
    case correct
    /// Leave it, and say so at every run until someone decides.
    case report
}

/// One LDAP operation that brings the directory closer to the embedded one.
public struct DirectoryOperation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, Comparable, CaseIterable {
        case addContainer = "add-container"
        case rename
        case addAccount = "add-account"
        case modifyAccount = "modify-account"
        case addGroup = "add-group"
        case modifyGroup = "modify-group"
        case deleteGroup = "delete-group"
        case deleteAccount = "delete-account"

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    public var kind: Kind
    /// The entry's lasting identity (`person:<id>`, `group:<name>`, `container:<dn>`).
    public var key: String
    public var dn: String
    /// For an add: every attribute; for a modify: the changes.
    public var attributes: [String: [String]]
    public var changes: [LDAPModification]
    /// For a rename.
    public var newRDN: String?
    public var newSuperior: String?
    /// The account whose pending temporary password this operation sets (its hash travels in
    /// `attributes`/`changes` as `userPassword`, and is never journaled).
    public var passwordFor: String?
    public var reason: Reason

    public init(kind: Kind, key: String, dn: String, attributes: [String: [String]] = [:], changes: [LDAPModification] = [],
                newRDN: String? = nil, newSuperior: String? = nil, passwordFor: String? = nil, reason: Reason) {
        self.kind = kind
        self.key = key
        self.dn = dn
        self.attributes = attributes
        self.changes = changes
        self.newRDN = newRDN
        self.newSuperior = newSuperior
        self.passwordFor = passwordFor
        self.reason = reason
    }

    /// The operation without any password hash, as the journal keeps it.
    public var redacted: DirectoryOperation {
        var copy = self
        if copy.attributes["userpassword"] != nil { copy.attributes["userpassword"] = ["(masqué)"] }
        copy.changes = copy.changes.map {
            switch $0 {
            case .replace(let a, _) where a.lowercased() == "userpassword": .replace(a, ["(masqué)"])
            case .add(let a, _) where a.lowercased() == "userpassword": .add(a, ["(masqué)"])
            default: $0
            }
        }
        return copy
    }

    public var french: String { "\(kind.rawValue) \(dn) : \(reason.french)" }
}

/// Something found in the directory that the run does not (or did not silently) change.
public struct DirectoryFinding: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// An entry in the school's branch that Bascule did not create: never touched.
        case foreign
        /// A hand-made change on a Bascule entry, left as it is (drift: report).
        case drift
        /// A hand-made change on a Bascule entry, put back (drift: correct).
        case driftCorrected = "drift-corrected"
        /// An entry in the way of one Bascule must create, or two entries claiming one identity.
        case conflict
        /// An active account locked by someone else (an administrator, ppolicy's lockout): never lifted.
        case lockedBySomeoneElse = "account-locked-by-someone-else"
    }

    public var kind: Kind
    public var dn: String
    public var attribute: String?
    public var reason: Reason

    public init(kind: Kind, dn: String, attribute: String? = nil, reason: Reason) {
        self.kind = kind
        self.dn = dn
        self.attribute = attribute
        self.reason = reason
    }

    public var french: String { "\(kind.rawValue) \(dn)\(attribute.map { " [\($0)]" } ?? "") : \(reason.french)" }
}

/// What Bascule last wrote on one of its entries: how a hand-made change is told from a change
/// of the plan.
public struct WrittenEntry: Sendable, Hashable, Codable {
    public var dn: String
    public var attributes: [String: [String]]

    public init(dn: String, attributes: [String: [String]]) {
        self.dn = dn
        self.attributes = attributes
    }
}

public struct ConvergencePlan: Sendable {
    public var operations: [DirectoryOperation]
    public var findings: [DirectoryFinding]
    /// The entries the branch must hold, as compared: what Bascule records as written once the
    /// operations ran.
    public var desired: [DesiredEntry]
    /// Bascule's accounts and groups found in the branch: what the syncs' mass-change guard
    /// measures removals against.
    public var managedEntries: Int = 0
}

/// Compares a school's branch as read with what it must hold, and lists the operations that make
/// them equal. Pure: the same inputs give the same operations in the same order.
public struct DirectoryConvergence: Sendable {
    public var layout: DirectoryLayout
    public var drift: DriftMode

    public init(layout: DirectoryLayout, drift: DriftMode = .correct) {
        self.layout = layout
        self.drift = drift
    }

    /// - Parameters:
    ///   - passwords: hashes (`{CRYPT}…`) of temporary passwords not yet in the directory, by person.
    public func plan(desired: [DesiredEntry], observed: [LDAPEntry], written: [String: WrittenEntry],
                     passwords: [String: String] = [:]) -> ConvergencePlan {
        var operations: [DirectoryOperation] = []
        var findings: [DirectoryFinding] = []
        let containerKeys = Set(desired.filter { $0.key.hasPrefix("container:") }.map(\.key))

        // Who is who in what was read.
        var byKey: [String: LDAPEntry] = [:]
        var occupied: [String: LDAPEntry] = [:]
        for entry in observed.sorted(by: { $0.dn.count < $1.dn.count || ($0.dn.count == $1.dn.count && $0.dn < $1.dn) }) {
            occupied[DN.normalize(entry.dn)] = entry
            let key: String?
            let classes = Set(entry["objectClass"].map { $0.lowercased() })
            if classes.contains("basculeaccount"), let id = entry.first("basculePersonId") {
                key = "person:\(id)"
            } else if classes.contains("basculegroup"), let cn = entry.first("cn") {
                key = "group:\(cn)"
            } else if containerKeys.contains("container:\(DN.normalize(entry.dn))") {
                key = "container:\(DN.normalize(entry.dn))"
            } else {
                key = nil
            }
            guard let key else {
                findings.append(DirectoryFinding(kind: .foreign, dn: entry.dn, reason: Reason(
                    "entrée que Bascule n'a pas créée : laissée telle quelle",
                    "entry Bascule did not create: left as it is")))
                continue
            }
            if byKey[key] != nil {
                findings.append(DirectoryFinding(kind: .conflict, dn: entry.dn, reason: Reason(
                    "deuxième entrée pour \(key) (la première est \(byKey[key]!.dn)) : laissée telle quelle",
                    "second entry for \(key) (the first is \(byKey[key]!.dn)): left as it is")))
                continue
            }
            byKey[key] = entry
        }

        let wanted = Set(desired.map(\.key))
        for want in desired {
            let managed = ManagedAttributes.of(key: want.key)
            let personID = want.key.hasPrefix("person:") ? String(want.key.dropFirst("person:".count)) : nil
            guard var have = byKey[want.key] else {
                if let blocker = occupied[DN.normalize(want.dn)] {
                    findings.append(DirectoryFinding(kind: .conflict, dn: blocker.dn, reason: Reason(
                        "une entrée étrangère occupe la place de \(want.key) : rien n'est créé tant qu'elle est là",
                        "a foreign entry is where \(want.key) must go: nothing is created while it is there")))
                    continue
                }
                var attributes = want.attributes
                if let personID, let hash = passwords[personID] {
                    attributes["userpassword"] = [attributes["basculestatus"]?.first == AccountStatus.disabled.rawValue ? Self.lock(hash) : hash]
                    for (name, values) in Self.temporaryPasswordMarks { attributes[name] = values }
                }
                operations.append(DirectoryOperation(
                    kind: want.key.hasPrefix("person:") ? .addAccount : want.key.hasPrefix("group:") ? .addGroup : .addContainer,
                    key: want.key, dn: want.dn, attributes: attributes,
                    passwordFor: personID.flatMap { passwords[$0] != nil ? $0 : nil },
                    reason: Self.addReason(want)))
                continue
            }
            var dn = have.dn
            if DN.normalize(have.dn) != DN.normalize(want.dn) {
                let newParent = DN.parent(want.dn)
                let moves = DN.normalize(DN.parent(have.dn)) != DN.normalize(newParent)
                operations.append(DirectoryOperation(
                    kind: .rename, key: want.key, dn: have.dn, newRDN: DN.firstRDN(want.dn),
                    newSuperior: moves ? newParent : nil,
                    reason: Reason("devient \(want.dn)", "becomes \(want.dn)")))
                // The rename replaces the RDN's value: read the entry as it will be.
                let rdnAttribute = DN.firstRDN(want.dn).split(separator: "=").first.map { String($0).lowercased() } ?? "uid"
                have.attributes[rdnAttribute] = want.attributes[rdnAttribute] ?? []
                dn = want.dn
            }
            var removals: [LDAPModification] = []
            var additions: [LDAPModification] = []
            var changed: [String] = []
            let record = written[want.key]
            let disabled = want.attributes["basculestatus"]?.first == AccountStatus.disabled.rawValue
            // Someone else's lock (an administrator's on a compromised account, ppolicy's after
            // failed binds) is neither lifted nor replaced: Bascule only lifts what it wrote.
            let foreignLocks = personID == nil ? [] : DirectoryLocks.foreign(on: have, record: record, wanted: want.attributes)
            if !disabled { for lock in foreignLocks { findings.append(DirectoryLocks.finding(dn: dn, lock)) } }
            let lockedAttributes = Set(foreignLocks.map { $0.attribute.lowercased() })
            for attribute in managed where !lockedAttributes.contains(attribute) {
                let d = want.attributes[attribute] ?? []
                let o = have[attribute]
                let norm: (String) -> String = attribute == "member" ? DN.normalize : attribute == "objectclass" ? { $0.lowercased() } : { $0 }
                let dSet = Set(d.map(norm)), oSet = Set(o.map(norm))
                let last = record.map { Set(($0.attributes[attribute] ?? []).map(norm)) }
                var toAdd = d.filter { !oSet.contains(norm($0)) }
                // Extra object classes (sambaSamAccount…) belong to whoever added them.
                var toRemove = attribute == "objectclass" ? [] : o.filter { !dSet.contains(norm($0)) }
                if let last {
                    let handRemoved = toAdd.filter { last.contains(norm($0)) }
                    let handAdded = toRemove.filter { !last.contains(norm($0)) }
                    for v in handRemoved {
                        findings.append(Self.drift(drift, dn, attribute, Reason("« \(v) » retiré à la main", "“\(v)” removed by hand")))
                    }
                    for v in handAdded {
                        findings.append(Self.drift(drift, dn, attribute, Reason("« \(v) » ajouté à la main", "“\(v)” added by hand")))
                    }
                    if drift == .report {
                        toAdd.removeAll { last.contains(norm($0)) }
                        toRemove.removeAll { !last.contains(norm($0)) }
                    }
                }
                if !toRemove.isEmpty {
                    // A single-valued attribute is replaced by a delete then an add in one modify.
                    removals.append(.delete(attribute, toRemove))
                }
                if !toAdd.isEmpty { additions.append(.add(attribute, toAdd)) }
                if !toAdd.isEmpty || !toRemove.isEmpty { changed.append(attribute) }
            }
            var passwordFor: String?
            // A hash someone else locked stays locked, a new temporary password included.
            let hashLockedByOther = lockedAttributes.contains("userpassword")
            if let personID, let hash = passwords[personID] {
                additions.append(.replace("userPassword", [disabled || hashLockedByOther ? Self.lock(hash) : hash]))
                additions += Self.temporaryPasswordMarks.sorted { $0.key < $1.key }.map { .replace($0.key, $0.value) }
                changed.append("userPassword (provisoire, à changer à la première connexion)")
                passwordFor = personID
            } else if personID != nil {
                // The hash itself is locked too (`{CRYPT}!…`, as passwd -l does): a disabled account
                // cannot bind even where ppolicy has no default policy to enforce its lock.
                let current = have["userpassword"]
                let target = current.map { disabled ? Self.lock($0) : hashLockedByOther ? $0 : Self.unlock($0) }
                if target != current {
                    additions.append(.replace("userPassword", target))
                    changed.append(disabled ? "userPassword (verrouillé)" : "userPassword (déverrouillé)")
                }
            }
            if !changed.isEmpty {
                operations.append(DirectoryOperation(
                    kind: want.key.hasPrefix("group:") ? .modifyGroup : .modifyAccount, key: want.key, dn: dn,
                    changes: removals + additions, passwordFor: passwordFor,
                    reason: Reason("mis à jour : \(changed.joined(separator: ", "))", "updated: \(changed.joined(separator: ", "))")))
            }
        }
        for (key, have) in byKey where !wanted.contains(key) && !key.hasPrefix("container:") {
            let isGroup = key.hasPrefix("group:")
            operations.append(DirectoryOperation(
                kind: isGroup ? .deleteGroup : .deleteAccount, key: key, dn: have.dn,
                reason: isGroup ? Reason("groupe qui n'est plus dans l'annuaire de Bascule", "group no longer in Bascule's directory")
                    : Reason("compte supprimé dans Bascule", "account deleted in Bascule")))
        }
        operations.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            // Parents before children when adding, children before parents when deleting.
            if a.kind == .addContainer { return a.dn.count < b.dn.count }
            return a.dn < b.dn
        }
        findings.sort { ($0.dn, $0.attribute ?? "", $0.reason.french) < ($1.dn, $1.attribute ?? "", $1.reason.french) }
        return ConvergencePlan(operations: operations, findings: findings, desired: desired,
                               managedEntries: byKey.keys.filter { !$0.hasPrefix("container:") }.count)
    }

    /// What goes with a temporary password, and only with it: ppolicy's `pwdReset: TRUE` (the
    /// server asks for a new password at the next bind; ppolicy removes it when the person changes
    /// theirs) and `shadowLastChange: 0` (PAM and nss-pam-ldapd ask for a change at the next
    /// login). Neither is a managed attribute: they are written with the password Bascule pushes
    /// and never compared afterwards, so a password the person chose is never marked again.
    /// `pwdReset` is operational (`USAGE directoryOperation`): the search that reads the branch
    /// does not return it, and only the directory's administrator writes it.
    public static let temporaryPasswordMarks: [String: [String]] = ["pwdreset": ["TRUE"], "shadowlastchange": ["0"]]

    /// `{SCHEME}hash` → `{SCHEME}!hash`: no password matches it any more; `unlock` gives it back.
    public static func lock(_ value: String) -> String {
        guard value.hasPrefix("{"), let close = value.firstIndex(of: "}") else { return value.hasPrefix("!") ? value : "!" + value }
        let rest = value[value.index(after: close)...]
        return rest.hasPrefix("!") ? value : String(value[...close]) + "!" + rest
    }

    public static func unlock(_ value: String) -> String {
        guard value.hasPrefix("{"), let close = value.firstIndex(of: "}") else { return value.hasPrefix("!") ? String(value.dropFirst()) : value }
        let rest = value[value.index(after: close)...]
        return rest.hasPrefix("!") ? String(value[...close]) + rest.dropFirst() : value
    }

    private static func drift(_ mode: DriftMode, _ dn: String, _ attribute: String, _ what: Reason) -> DirectoryFinding {
        switch mode {
        case .correct:
            DirectoryFinding(kind: .driftCorrected, dn: dn, attribute: attribute,
                             reason: Reason("\(what.french) : remis comme le veut le plan", "\(what.english): put back as the plan says"))
        case .report:
            DirectoryFinding(kind: .drift, dn: dn, attribute: attribute,
                             reason: Reason("\(what.french) : laissé, à décider (drift: report)", "\(what.english): left, to be decided (drift: report)"))
        }
    }

    private static func addReason(_ entry: DesiredEntry) -> Reason {
        if entry.key.hasPrefix("person:") {
            let login = entry.attributes["uid"]?.first ?? ""
            return Reason("nouveau compte \(login)", "new account \(login)")
        }
        if entry.key.hasPrefix("group:") {
            let name = entry.attributes["cn"]?.first ?? ""
            return Reason("nouveau groupe \(name)", "new group \(name)")
        }
        return Reason("branche de l'établissement", "school branch")
    }
}

import BasculeDomain

/// A school's branch as read from the directory, turned into the neutral value the verifier
/// compares with the exports. Pure: the reading itself is `OpenLDAPConnector.observe`.
public struct DirectoryReadBack: Sendable {
    public var layout: DirectoryLayout

    public init(layout: DirectoryLayout) { self.layout = layout }

    /// What to ask the server for: the managed attributes, ppolicy's lock and the creation date
    /// of entries made by hand (`createTimestamp`, operational: `*` does not return it).
    public static let attributes = ManagedAttributes.read + ["createTimestamp"]

    /// - Parameter written: what Bascule last wrote on its entries (`directory_entries`), to tell
    ///   a member added by hand from one Bascule put there, and its own locks from others'.
    public func observe(_ entries: [LDAPEntry], uai: UAI, source: String, written: [String: WrittenEntry] = [:]) -> ObservedDirectory {
        let containers = Set(layout.containers(uai).map(DN.normalize))
        var accounts: [ObservedAccount] = []
        var groups: [ObservedGroup] = []
        var foreign: [ObservedForeignEntry] = []
        for e in entries.sorted(by: { $0.dn < $1.dn }) {
            let classes = Set(e["objectClass"].map { $0.lowercased() })
            // The same tests as DirectoryConvergence: an entry is Bascule's by its class and identity.
            if classes.contains("basculeaccount"), let id = e.first("basculePersonId"), let login = e.first("uid") {
                accounts.append(ObservedAccount(
                    login: login, personID: id, kind: Self.kind(employeeType: e.first("employeeType"), dn: e.dn),
                    name: e.first("cn") ?? e.first("displayName"),
                    status: e.first("basculeStatus").flatMap(AccountStatus.init(rawValue:)),
                    statusSince: e.first("basculeStatusSince").flatMap(CivilDate.init(parsing:)),
                    locked: Self.isLocked(e), dn: e.dn,
                    foreignLocks: DirectoryLocks.foreign(on: e, record: written["person:\(id)"]).map(\.french)))
            } else if classes.contains("basculegroup"), let cn = e.first("cn") {
                groups.append(ObservedGroup(
                    name: cn, kind: e.first("basculeGroupKind").flatMap(GroupKind.init(rawValue:)), members: Set(e["memberUid"]),
                    writtenMembers: written["group:\(cn)"].map { Set($0.attributes["memberuid"] ?? []) }, dn: e.dn))
            } else if !containers.contains(DN.normalize(e.dn)) {
                foreign.append(ObservedForeignEntry(
                    dn: e.dn, label: e.first("uid") ?? e.first("cn") ?? e.first("ou") ?? DN.firstValue(e.dn) ?? e.dn,
                    objectClasses: e["objectClass"].filter { $0.lowercased() != "top" },
                    created: e.first("createTimestamp").flatMap(Self.generalizedDate)))
            }
        }
        return ObservedDirectory(source: source, isRealDirectory: true, accounts: accounts, groups: groups, foreign: foreign)
    }

    /// Any of the three locks Bascule sets on a disabled account (docs/annuaire.md) closes it.
    static func isLocked(_ e: LDAPEntry) -> Bool {
        if !e["pwdAccountLockedTime"].isEmpty { return true }
        if let expire = e.first("shadowExpire").flatMap(Int.init), expire >= 0, expire <= 1 { return true }
        return e["userPassword"].contains { DirectoryConvergence.unlock($0) != $0 }
    }

    static func kind(employeeType: String?, dn: String) -> PersonKind? {
        switch employeeType {
        case "eleve": return .student
        case "enseignant": return .teacher
        case "administratif": return .staff
        default:
            let unit = DN.firstValue(DN.parent(dn))
            return [PersonKind.student, .teacher, .staff].first { DirectoryLayout.peopleUnit($0) == unit }
        }
    }

    /// `20260903101500Z` → 2026-09-03.
    static func generalizedDate(_ value: String) -> CivilDate? {
        let digits = Array(value.prefix(8))
        guard digits.count == 8, let y = Int(String(digits[0..<4])), let m = Int(String(digits[4..<6])),
              let d = Int(String(digits[6..<8])) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

extension OpenLDAPConnector {
    /// Reads the school's branch back (paged), for the verification.
    public func observe(uai: UAI, written: [String: WrittenEntry] = [:]) throws -> ObservedDirectory {
        let entries = try connection.search(base: layout.school(uai), attributes: DirectoryReadBack.attributes)
        return DirectoryReadBack(layout: layout)
            .observe(entries, uai: uai, source: "annuaire LDAP \(target), branche \(layout.school(uai))", written: written)
    }
}

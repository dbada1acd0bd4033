/// Someone who needs a login.
public struct LoginRequest: Hashable, Sendable {
    public var personID: String
    public var name: PersonName
    public var birthDate: CivilDate?
    public var sourceID: String

    public init(personID: String, name: PersonName, birthDate: CivilDate?, sourceID: String) {
        self.personID = personID
        self.name = name
        self.birthDate = birthDate
        self.sourceID = sourceID
    }
}

/// Logins that cannot be given: those in use, burnt ones (of deleted accounts, for some years),
/// group names, and the reserved words of the directory and the network.
public struct TakenLogins: Sendable {
    public static let reserved: Set<String> = Set<String>([
        "admin", "administrateur", "administrator", "root", "invite", "guest", "adminrupn", "rupn", "eleve", "eleves",
        "prof", "profs", "professeur", "professeurs", "enseignant", "enseignants", "administratif", "administratifs",
        "personnel", "personnels", "direction", "public", "commun", "system", "systeme", "nobody", "daemon",
        "postmaster", "webmaster", "support", "test", "scribe", "koxo", "ldap", "samba", "krbtgt", "www", "mail",
        // The local accounts of a Debian server (and Bascule's own service user): on a host that
        // reads `passwd: files ldap`, a directory account of the same name is hidden by them.
        "sync", "halt", "shutdown", "statd", "sshd", "postfix", "bascule", "systemd", "messagebus",
    ]).union(StructureCodes.systemGroups)

    private var taken: Set<String>

    public init(inUse: some Sequence<String> = [], burnt: some Sequence<String> = [], groupNames: some Sequence<String> = [],
                reserved: Set<String> = TakenLogins.reserved) {
        taken = reserved
        taken.formUnion(inUse.map { $0.lowercased() })
        taken.formUnion(burnt.map { $0.lowercased() })
        taken.formUnion(groupNames.map { $0.lowercased() })
    }

    public func contains(_ login: String) -> Bool { taken.contains(login) }
    public mutating func insert(_ login: String) { taken.insert(login) }
}

/// Gives new people their logins. Pure and deterministic: people are served in an order that
/// does not depend on the file (base login, then birth date, then source id), so who gets
/// `mdupont` and who `mdupont1` never depends on the order of an export.
public struct LoginAllocator: Sendable {
    public var template: LoginTemplate
    /// The first homonym number: 1 gives `mdupont`, `mdupont1`, `mdupont2`; 2 gives `mdupont`, `mdupont2`.
    public var firstHomonymNumber: Int

    public init(template: LoginTemplate = .network, firstHomonymNumber: Int = 1) {
        self.template = template
        self.firstHomonymNumber = firstHomonymNumber
    }

    /// A login for each request, keyed by person id; `taken` grows with what is given.
    public func allocate(_ requests: [LoginRequest], taken: inout TakenLogins) -> [String: String] {
        let ordered = requests.map { (base: template.base(for: $0.name), request: $0) }.sorted {
            ($0.base, $0.request.birthDate?.dayNumber ?? Int.max, $0.request.sourceID, $0.request.personID)
                < ($1.base, $1.request.birthDate?.dayNumber ?? Int.max, $1.request.sourceID, $1.request.personID)
        }
        var result: [String: String] = [:]
        for (base, request) in ordered {
            let stem = base.isEmpty ? "u" : base
            var number: Int? = nil
            var login = template.login(base: stem, number: nil)
            while taken.contains(login) {
                number = (number ?? firstHomonymNumber - 1) + 1
                login = template.login(base: stem, number: number)
            }
            taken.insert(login)
            result[request.personID] = login
        }
        return result
    }

    /// The login a corrected name would give, when it differs from the current one's stem: a
    /// rename to propose to a person, never to apply by itself.
    public func proposedRename(current: String, newName: PersonName) -> String? {
        let base = template.base(for: newName)
        let newBase = template.login(base: base.isEmpty ? "u" : base, number: nil)
        let stem = String(current.reversed().drop(while: \.isNumber).reversed())
        if stem == newBase || current == newBase { return nil }
        // A login at the target's maximum length had its name cut to fit the homonym number:
        // the name still gives it if the name starts with what is left.
        if current.count == template.maximumLength, !stem.isEmpty, base.hasPrefix(stem) { return nil }
        return newBase
    }
}

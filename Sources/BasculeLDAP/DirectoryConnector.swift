import BasculeDomain

/// A directory Bascule provisions. The interface speaks of schools, entries and operations, not of
/// OpenLDAP: an Active Directory connector (Samba AD or Windows: sAMAccountName of 20 characters
/// at most, unicodePwd, userAccountControl) maps the same `SchoolDirectory` to its own entries.
public protocol DirectoryConnector: Sendable {
    /// For messages and the journal: `ldap://annuaire.exemple:389`.
    var target: String { get }
    /// Reads the school's branch and lists what makes it hold `school`.
    func plan(_ school: SchoolDirectory, written: [String: WrittenEntry], passwords: [String: String]) throws -> ConvergencePlan
    /// Runs one operation. Idempotent where LDAP allows: an entry already there is no error for an
    /// add (a run killed after the add and before its journal line), nor a missing one for a delete.
    func execute(_ operation: DirectoryOperation) throws
    /// Whether `login` of this school signs in with `password` (simple bind as that account).
    func authenticate(uai: UAI, kind: PersonKind, login: String, password: String) throws -> Bool
}

/// Bascule's own tree and schema on OpenLDAP (docs/annuaire.md).
public struct OpenLDAPConnector: DirectoryConnector {
    public let connection: LDAPConnection
    public let layout: DirectoryLayout
    public let drift: DriftMode
    /// How to make a separate connection for a bind check (the admin's must stay bound as admin).
    public let connect: @Sendable () throws -> LDAPConnection

    public init(connection: LDAPConnection, layout: DirectoryLayout, drift: DriftMode = .correct,
                connect: @escaping @Sendable () throws -> LDAPConnection) {
        self.connection = connection
        self.layout = layout
        self.drift = drift
        self.connect = connect
    }

    public var target: String { connection.url }

    public func plan(_ school: SchoolDirectory, written: [String: WrittenEntry], passwords: [String: String]) throws -> ConvergencePlan {
        let observed = try connection.search(base: layout.school(school.uai), attributes: ManagedAttributes.read)
        return DirectoryConvergence(layout: layout, drift: drift)
            .plan(desired: school.entries(in: layout), observed: observed, written: written, passwords: passwords)
    }

    public func execute(_ operation: DirectoryOperation) throws {
        switch operation.kind {
        case .addContainer, .addAccount, .addGroup:
            do {
                let ordered = operation.attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                try connection.add(operation.dn, ordered)
            } catch let error as LDAPError where error.isAlreadyExists {
                // Added by the run a crash interrupted: the next plan compares its attributes.
            }
        case .modifyAccount, .modifyGroup:
            try connection.modify(operation.dn, operation.changes)
        case .rename:
            try connection.rename(operation.dn, newRDN: operation.newRDN ?? DN.firstRDN(operation.dn), newSuperior: operation.newSuperior)
        case .deleteAccount, .deleteGroup:
            do { try connection.delete(operation.dn) } catch let error as LDAPError where error.isNoSuchObject {}
        }
    }

    public func authenticate(uai: UAI, kind: PersonKind, login: String, password: String) throws -> Bool {
        let probe = try connect()
        do {
            try probe.bind(dn: layout.account(login: login, kind: kind, uai: uai), password: password)
            return true
        } catch let error as LDAPError where error.isInvalidCredentials {
            return false
        }
    }
}

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
    /// Runs operations that do not depend on one another (distinct entries of one kind, their
    /// parents there), as fast as the directory allows, and returns each one's outcome in order:
    /// nil when done. Once the directory is unreachable, that error is every remaining outcome.
    /// By default one after the other with `execute`.
    func execute(batch operations: [DirectoryOperation]) -> [(any Error)?]
    /// Whether `login` of this school signs in with `password` (simple bind as that account).
    func authenticate(uai: UAI, kind: PersonKind, login: String, password: String) throws -> Bool
}

extension DirectoryConnector {
    public func execute(batch operations: [DirectoryOperation]) -> [(any Error)?] {
        var outcomes: [(any Error)?] = []
        for op in operations {
            do {
                try execute(op)
                outcomes.append(nil)
            } catch let error as LDAPError {
                outcomes.append(error)
                if case .connect = error {
                    outcomes += Array(repeating: error, count: operations.count - outcomes.count)
                    break
                }
            } catch {
                outcomes.append(error)
            }
        }
        return outcomes
    }
}

/// Bascule's own tree and schema on OpenLDAP (docs/annuaire.md).
public struct OpenLDAPConnector: DirectoryConnector {
    public let connection: LDAPConnection
    public let layout: DirectoryLayout
    public let drift: DriftMode
    /// How to make a separate connection for a bind check (the admin's must stay bound as admin).
    public let connect: @Sendable () throws -> LDAPConnection
    /// How many operations of a batch may wait for the server's answer at once.
    public let window: Int

    public init(connection: LDAPConnection, layout: DirectoryLayout, drift: DriftMode = .correct, window: Int = 64,
                connect: @escaping @Sendable () throws -> LDAPConnection) {
        self.connection = connection
        self.layout = layout
        self.drift = drift
        self.window = window
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
                try connection.add(operation.dn, Self.addAttributes(operation).map { ($0.name, $0.values) })
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

    /// Adds, modifications and deletions go through libldap's asynchronous calls, `window` at a
    /// time (`LDAPConnection.pipeline`); a rename waits for its answer, as `execute` does. An
    /// entry already there for an add, or already gone for a delete, is done, as in `execute`.
    public func execute(batch operations: [DirectoryOperation]) -> [(any Error)?] {
        var outcomes = [(any Error)?](repeating: nil, count: operations.count)
        var requests: [LDAPRequest] = []
        var indices: [Int] = []
        for (i, op) in operations.enumerated() {
            switch op.kind {
            case .addContainer, .addAccount, .addGroup:
                requests.append(.add(dn: op.dn, attributes: Self.addAttributes(op)))
                indices.append(i)
            case .modifyAccount, .modifyGroup:
                // Nothing to send: LDAP refuses an empty modification, `execute` skips it.
                guard !op.changes.isEmpty else { continue }
                requests.append(.modify(dn: op.dn, changes: op.changes))
                indices.append(i)
            case .deleteAccount, .deleteGroup:
                requests.append(.delete(dn: op.dn))
                indices.append(i)
            case .rename:
                do { try execute(op) } catch { outcomes[i] = error }
            }
        }
        for (index, outcome) in zip(indices, connection.pipeline(requests, window: window)) {
            guard let outcome else { continue }
            let kind = operations[index].kind
            if [.addContainer, .addAccount, .addGroup].contains(kind) && outcome.isAlreadyExists { continue }
            if [.deleteAccount, .deleteGroup].contains(kind) && outcome.isNoSuchObject { continue }
            outcomes[index] = outcome
        }
        return outcomes
    }

    static func addAttributes(_ operation: DirectoryOperation) -> [LDAPAttribute] {
        operation.attributes.sorted { $0.key < $1.key }.map { LDAPAttribute($0.key, $0.value) }
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

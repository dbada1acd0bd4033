import BasculeDomain

/// Whose lock is on an account. Bascule locks a disabled account three ways
/// (`pwdAccountLockedTime`, `shadowExpire`, a `!` in its hash) and lifts those when it comes
/// back; an administrator who locks a compromised account, or ppolicy locking one after failed
/// binds, uses the same attributes. Bascule lifts only what it wrote itself, as its record of
/// its last write (`directory_entries`) says; anyone else's lock stays, and is reported.
public enum DirectoryLocks {
    /// The lock attributes whose values Bascule writes and compares (lower case, as managed).
    public static let attributes: Set<String> = ["pwdaccountlockedtime", "shadowexpire"]

    /// One lock someone else set: the attribute and the value found.
    public struct Lock: Hashable, Sendable {
        public var attribute: String
        public var value: String

        public var french: String {
            attribute == "userPassword" ? "empreinte du mot de passe verrouillée (« ! »)" : "\(attribute) \(value)"
        }
    }

    /// Whether the `!` on the account's hash is Bascule's: its last write left the account
    /// disabled. Without a record of that write, nothing says so: the lock is someone else's.
    public static func hashLockIsBascules(_ record: WrittenEntry?) -> Bool {
        record?.attributes["basculestatus"]?.contains(AccountStatus.disabled.rawValue) ?? false
    }

    /// The locks on `entry` Bascule did not set: values of the lock attributes its last write did
    /// not hold (nor `wanted`, what it is about to write), and a locked hash it did not lock.
    public static func foreign(on entry: LDAPEntry, record: WrittenEntry?, wanted: [String: [String]] = [:]) -> [Lock] {
        var out: [Lock] = []
        for attribute in attributes.sorted() {
            let written = Set(record?.attributes[attribute] ?? []), want = Set(wanted[attribute] ?? [])
            for value in entry[attribute] where !written.contains(value) && !want.contains(value) {
                out.append(Lock(attribute: name(attribute), value: value))
            }
        }
        if !hashLockIsBascules(record), let locked = entry["userPassword"].first(where: { DirectoryConvergence.unlock($0) != $0 }) {
            // The scheme only: a hash is never shown.
            let scheme = locked.hasPrefix("{") ? String(locked.prefix(while: { $0 != "}" })) + "}" : ""
            out.append(Lock(attribute: "userPassword", value: scheme + "!…"))
        }
        return out
    }

    static func name(_ attribute: String) -> String {
        attribute == "pwdaccountlockedtime" ? "pwdAccountLockedTime" : attribute == "shadowexpire" ? "shadowExpire" : attribute
    }

    /// What the sync says of such a lock, at every run until someone lifts it.
    static func finding(dn: String, _ lock: Lock) -> DirectoryFinding {
        DirectoryFinding(kind: .lockedBySomeoneElse, dn: dn, attribute: lock.attribute, reason: Reason(
            "compte actif verrouillé par quelqu'un d'autre que Bascule (\(lock.french) : un administrateur, ou ppolicy après des échecs de connexion) : laissé tel quel, Bascule ne lève que les verrous qu'elle a posés ; à lever à la main si c'est voulu",
            "active account locked by someone other than Bascule (\(lock.attribute)): left as it is, Bascule lifts only the locks it set; lift it by hand if that is wanted"))
    }
}

import Foundation

/// Who ran a command on this machine, for the audit: the kernel's word, never the caller's.
///
/// `USER`, `LOGNAME` and `SUDO_USER` are variables anyone sets (`USER=principal bascule …`), so
/// they name nobody. The real uid does: its name comes from the system's user database. Under
/// `sudo` the real uid is root's; `SUDO_UID`, which sudo sets, is then noted as the person behind
/// it, and only when it is an existing user's: root could write anything there, and is recorded
/// as root whatever it writes.
public enum SystemUser {
    /// `root`, `root (via sudo : alice)`, or `uid 1234` for a uid the system does not name.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let uid = getuid()
        let name = userName(uid) ?? "uid \(uid)"
        guard uid == 0, let text = environment["SUDO_UID"], let sudoUID = uid_t(text), sudoUID != 0,
              let via = userName(sudoUID) else { return name }
        return "\(name) (via sudo : \(via))"
    }

    /// The name the user database gives `uid`, nil when there is none.
    static func userName(_ uid: uid_t) -> String? {
        var buffer = [CChar](repeating: 0, count: 16_384)
        return buffer.withUnsafeMutableBufferPointer { storage -> String? in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            guard let base = storage.baseAddress, getpwuid_r(uid, &entry, base, storage.count, &result) == 0, result != nil,
                  let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
    }
}

import Foundation

/// A private folder for what Bascule must write while it reads an export (the XML inside a
/// ZIP): made with `mkdtemp`, so 0700 and root's alone whatever the umask, and removed on every
/// way out: when the reader is done or fails, when the CLI is interrupted or terminated (its
/// signal handler calls ``removeAllLive()``), and, for a process killed outright (SIGKILL, a
/// power cut), by the next run's ``sweepLeftovers()``. Its name carries the process id so that
/// the sweep only takes folders of processes that no longer exist.
public final class ScratchDirectory: @unchecked Sendable {
    public let url: URL
    private let lock = NSLock()
    private var removed = false

    /// Every name starts with it: `bascule-scratch-<pid>-XXXXXX`.
    public static let prefix = "bascule-scratch-"

    private init(url: URL) { self.url = url }

    /// A new private folder under the system's temporary folder (`TMPDIR`, else `/tmp`).
    public static func make() throws -> ScratchDirectory {
        var template = Array((parent + "/" + prefix + "\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let scratch = ScratchDirectory(url: URL(fileURLWithPath: String(cString: made)))
        live.insert(scratch)
        return scratch
    }

    /// Removes the folder and all it holds; again is nothing.
    public func remove() {
        let first = lock.withLock { () -> Bool in
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        try? FileManager.default.removeItem(at: url)
        Self.live.remove(self)
    }

    /// Removes every folder this process made and has not removed yet: the signal handler's
    /// clean-up, before the process ends.
    public static func removeAllLive() {
        for scratch in live.all() { scratch.remove() }
        // A folder `mkdtemp` made a moment before the signal, not registered yet: named with our pid.
        let mine = prefix + "\(getpid())-"
        let dir = parent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(mine) {
            try? FileManager.default.removeItem(atPath: dir + "/" + name)
        }
    }

    /// Removes what killed runs left in the temporary folder: `bascule-scratch-<pid>-…` folders
    /// of this user whose process is gone. Returns their paths.
    @discardableResult
    public static func sweepLeftovers() -> [String] {
        let dir = parent
        var swept: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0, pid != getpid() else { continue }
            // Alive, or not ours to know: kill(pid, 0) only fails with ESRCH for a process that is gone.
            guard kill(pid, 0) == -1, errno == ESRCH else { continue }
            let path = dir + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { swept.append(path) }
        }
        return swept
    }

    /// The system's temporary folder, without a trailing slash.
    static var parent: String {
        var p = FileManager.default.temporaryDirectory.path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    private static let live = Registry()

    /// The folders made and not yet removed, for the signal handler.
    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [ObjectIdentifier: ScratchDirectory] = [:]
        func insert(_ s: ScratchDirectory) { lock.withLock { items[ObjectIdentifier(s)] = s } }
        func remove(_ s: ScratchDirectory) { _ = lock.withLock { items.removeValue(forKey: ObjectIdentifier(s)) } }
        func all() -> [ScratchDirectory] { lock.withLock { Array(items.values) } }
    }
}

import Foundation

/// The system tools Bascule drives (setfacl, getfacl, tar, setquota, repquota, quotaon, chattr),
/// run with `posix_spawn` and `waitpid`: Foundation's `Process` can wait forever for a child
/// that leaves daemons behind.
///
/// Bascule runs them as root: a tool is looked for in the system's own folders only, never
/// through the caller's `PATH` (a `setfacl` planted in a folder listed first would run as root),
/// and it gets a fixed, minimal environment, never Bascule's own (which may hold
/// `BASCULE_LDAP_PASSWORD` or `BASCULE_DATABASE_PASSWORD`).
public struct SystemTool: Sendable {
    public let name: String
    /// The Debian package that brings it, for the error message.
    public let package: String

    public init(_ name: String, package: String) {
        self.name = name
        self.package = package
    }

    public static let setfacl = SystemTool("setfacl", package: "acl")
    public static let getfacl = SystemTool("getfacl", package: "acl")
    public static let tar = SystemTool("tar", package: "tar")
    public static let setquota = SystemTool("setquota", package: "quota")
    public static let repquota = SystemTool("repquota", package: "quota")
    public static let quotaon = SystemTool("quotaon", package: "quota")
    public static let chattr = SystemTool("chattr", package: "e2fsprogs")

    /// The only folders a tool is looked for in, whatever `PATH` says: root's own.
    public static let systemFolders = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// Everything a tool's environment holds, besides what a call adds: the system folders as
    /// `PATH` (tar finds gzip there) and the C locale (messages and quoting that parsers here can
    /// rely on).
    public static let environment = ["PATH": systemFolders.joined(separator: ":"), "LC_ALL": "C", "LANG": "C"]

    /// The tool's absolute path in the system folders, nil when it is not installed there.
    public var path: String? {
        guard !name.contains("/") else { return nil }
        return Self.systemFolders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    public var isInstalled: Bool { path != nil }

    /// How a run ended.
    public struct Result: Sendable {
        public var status: Int32
        public var output: [UInt8]
        public var errors: String
        public var succeeded: Bool { status == 0 }
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs the tool, its standard output read through a pipe as it comes (handed to `consume`
    /// when given, kept in the result otherwise) and its errors kept in a temporary file.
    @discardableResult
    public func run(_ args: [String], input: [UInt8]? = nil, environment: [String: String] = [:],
                    consume: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> Result {
        guard let path else { throw SpacesError.missingTool(name, package: package) }
        let errorsFile = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-\(name)-\(UUID().uuidString)").path
        defer { unlink(errorsFile) }
        var inputFile: String?
        defer { if let inputFile { unlink(inputFile) } }
        if let input {
            let f = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-\(name)-in-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: f, contents: Data(input), attributes: [.posixPermissions: 0o600]) else {
                throw SpacesError.system(path: f, call: "création", errno: errno)
            }
            inputFile = f
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpacesError.system(path: name, call: "pipe", errno: errno) }
        // Neither end leaks into other children; the child gets its own copy through dup2.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorsFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = Self.environment
        for (k, v) in environment { env[k] = v }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The CLI ignores stop signals while it cleans up (ProcessSafety); a tool starts with the
        // default actions, so that stopping Bascule's process group stops it too.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw SpacesError.system(path: path, call: "posix_spawn", errno: spawned)
        }
        var output: [UInt8] = []
        var failure: Error?
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fds[0], buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if let consume {
                // A consumer that gives up still drains the pipe, so that the child can end.
                if failure == nil { do { try consume(chunk) } catch { failure = error } }
            } else {
                output.append(contentsOf: chunk)
            }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if let failure { throw failure }
        let exited = (status & 0x7f) == 0
        let errors = (try? String(contentsOfFile: errorsFile, encoding: .utf8)) ?? ""
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output, errors: errors)
    }

    /// Runs the tool and throws its error output when it fails.
    @discardableResult
    public func check(_ args: [String], input: [UInt8]? = nil) throws -> Result {
        let r = try run(args, input: input)
        guard r.succeeded else {
            throw SpacesError.tool("\(name) \(args.prefix(6).joined(separator: " "))\(args.count > 6 ? " …" : "")",
                                   "code \(r.status) : \(r.errors.isEmpty ? r.text : r.errors)")
        }
        return r
    }
}

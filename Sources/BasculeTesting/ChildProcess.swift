import Foundation

/// A program started for a test and waited for with `waitpid`, so that a test can kill it at any
/// moment (crash tests) and always learn how it ended.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `tool` with `args`, its output thrown away; with `environment`, that environment
    /// instead of the test process's.
    /// `followingTestClock: false` keeps it on the real clock (the browser the console's tests
    /// drive: it is not under test, and a moved calendar makes Chromium spin).
    public static func start(_ tool: String, _ args: [String], environment: [String: String]? = nil,
                             followingTestClock: Bool = true) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = spawn(&pid, tool, &actions, argv, environment, followingTestClock: followingTestClock)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return ChildProcess(pid: pid)
    }

    /// Why a tool run with `run` failed: its command line, how it ended and what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Runs a tool and waits for it with `posix_spawn` and `waitpid`: Foundation's `Process` can
    /// miss the exit of a child that starts a daemon (pg_ctl), and then waits forever.
    /// `environment`, when given, is the child's whole environment instead of the test process's.
    @discardableResult
    public static func run(_ tool: String, _ args: [String], environment: [String: String]? = nil) throws -> String {
        let ended = try outcome(tool, args, environment: environment)
        guard ended.code == 0 else {
            throw Failure(message: "\(tool) \(args.joined(separator: " ")) → \(ended.code.map { "code \($0)" } ?? "signal \(ended.signal ?? 0)"): \(ended.output)")
        }
        return ended.output
    }

    /// How a run ended: its exit code (nil when a signal ended it, then `signal`) and what it
    /// printed, standard output and errors together.
    public struct Ended: Sendable {
        public var code: Int32?
        public var signal: Int32?
        public var output: String
    }

    /// Runs a tool to its end, whatever the end.
    public static func outcome(_ tool: String, _ args: [String], environment: [String: String]? = nil) throws -> Ended {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-run-\(UUID().uuidString)").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = spawn(&pid, tool, &actions, argv, environment)
        guard spawned == 0 else { throw Failure(message: "\(tool) : posix_spawn \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return Ended(code: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f, output: text)
    }

    /// `posix_spawn` with `environment`, or the test process's own when nil.
    private static func spawn(_ pid: inout pid_t, _ tool: String, _ actions: inout posix_spawn_file_actions_t,
                              _ argv: [UnsafeMutablePointer<CChar>?], _ environment: [String: String]?,
                              followingTestClock: Bool = true) -> Int32 {
        guard var environment else { return posix_spawn(&pid, tool, &actions, nil, argv, environ) }
        // The clock the tests run under (scripts/test-clock's libfaketime) follows every child, even
        // one given an environment of its own: a child on another day would be another test.
        for (key, value) in ProcessInfo.processInfo.environment
        where followingTestClock && (key.hasPrefix("FAKETIME") || key == "LD_PRELOAD") && environment[key] == nil {
            environment[key] = value
        }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        return posix_spawn(&pid, tool, &actions, nil, argv, envp)
    }

    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    /// True when the process has ended (and is then reaped: don't `wait` for it afterwards).
    public func hasExited() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    /// Waits for the end; the exit code, or nil when a signal ended it.
    @discardableResult
    public func wait() -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
    }

    /// The `bascule` executable of the build the tests run from: next to the test binary, whatever
    /// the configuration (`-c release`) or scratch path, so a test never runs a stale or missing
    /// `.build/debug/bascule` of another build.
    public static var basculeExecutable: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("bascule").path
    }

    /// Waits `seconds` on a thread of its own: unlike `Task.sleep`, whose timer libdispatch keeps on
    /// a clock scripts/test-clock moves years ahead, `nanosleep` counts real time whatever the date.
    public static func pause(seconds: Double) async {
        await BlockingWork.run { if seconds > 0 { usleep(useconds_t(min(seconds, 3600) * 1_000_000)) } }
    }
}

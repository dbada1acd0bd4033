import Foundation

/// What the benchmarks share: timing, medians, a child's time and peak memory, and the one line
/// format `scripts/bench` gathers into its table. Figures are printed, never asserted.
public enum BenchmarkFigures {
    /// Seconds `body` took, on the monotonic clock.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs on the caller's actor (`#isolation`): a benchmark's top-level code is the main actor's.
    public static func seconds(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median of the runs (the middle one of 3): one slow run, another build's burst, does not
    /// move it.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public static func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

    /// `2.41 s` for one run, `2.41 s (2.30–2.77)` for several: the median and the spread.
    public static func describe(_ runs: [Double], unit: String = "s", digits: Int = 2) -> String {
        let m = format(median(runs), digits) + " " + unit
        guard runs.count > 1, let lo = runs.min(), let hi = runs.max() else { return m }
        return m + " (\(format(lo, digits))–\(format(hi, digits)))"
    }

    /// One line of the table `scripts/bench` prints: what is measured, Bascule's figure, the limit
    /// measured in the same run on the same data, and the ratio (limit time over Bascule's: 1 is
    /// the limit's own speed; above 1, faster than the reference). The fields are tab-separated
    /// after `@row`, the rest of the output is for people.
    public static func row(_ what: String, bascule: String, limit: String, ratio: Double?) {
        let r = ratio.map { format($0, 2) + "×" } ?? "—"
        print("@row\t\(what)\t\(bascule)\t\(limit)\t\(r)")
        fflush(nil)  // every stream: `stdout` itself is a global Swift 6 refuses to share
    }

    /// A program run to its end: its wall time, `wait4`'s `ru_maxrss` (which includes this
    /// process's own peak: see `childPeakMiB`) and how it ended.
    public struct ChildRun: Sendable {
        public var seconds: Double
        public var peakMiB: Double
        public var status: Int32
        public var output: String
    }

    /// Runs `tool` (standard output kept, errors thrown away unless `keepErrors`) and measures it.
    public static func measure(_ tool: String, _ args: [String], keepErrors: Bool = false) throws -> ChildRun {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-bench-\(UUID().uuidString)").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if keepErrors {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ChildProcess.Failure(message: "\(tool) : posix_spawn \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return ChildRun(seconds: elapsed, peakMiB: Double(usage.ru_maxrss) / 1024, status: status, output: output)
    }

    /// The peak resident memory of `tool` alone, in MiB, as GNU time reports it. Not `wait4`'s
    /// `ru_maxrss` of a child spawned from here: Linux carries the parent's peak over into a child
    /// that shares its memory until exec (`posix_spawn`), so a large benchmark process would make
    /// every tool it starts look as large. `time` is small, and forks the tool itself.
    public static func childPeakMiB(_ tool: String, _ args: [String]) throws -> Double? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { return nil }
        let run = try measure("/usr/bin/time", ["-f", "@peak %M"] + [tool] + args, keepErrors: true)
        guard let line = run.output.split(separator: "\n").last(where: { $0.hasPrefix("@peak ") }),
              let kib = Double(line.dropFirst("@peak ".count)) else { return nil }
        return kib / 1024
    }

    /// Peak resident memory of this process so far, in MiB: `VmHWM`, which a new program starts
    /// afresh (unlike `ru_maxrss`, which Linux carries over from the parent across exec).
    public static func peakMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kib / 1024
    }

    /// The machine as a table's caption says it: cores, memory, processor, load when asked.
    public static func machine() -> String {
        let cpu = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "?"
        let gib = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
        return "\(ProcessInfo.processInfo.activeProcessorCount) cœurs (\(cpu)), \(gib) Gio"
    }

    /// The load average over the last minute: a figure taken under another build's load says so.
    public static func load() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}

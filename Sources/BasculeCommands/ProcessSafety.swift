import BasculeImport
import Dispatch
import Foundation

/// What the executable does before any command: files it makes are its user's alone, and the
/// private folders where exports are read never outlive the process.
enum ProcessSafety {
    /// Signals a person or a service manager sends to stop a run (Ctrl-C, `systemctl stop`, a
    /// closed terminal): the private folders are removed, then the signal ends the process as it
    /// would have.
    static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func start() {
        // The store, the sheets, the archives, the copies of exports: names, birth dates, INE,
        // password hashes. Whatever a library creates with default modes stays owner-only.
        umask(0o077)
        ScratchDirectory.sweepLeftovers()
        for signal in stopSignals {
            // The handler runs on a queue, not in the signal's context, where removing files is not safe.
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                ScratchDirectory.removeAllLive()
                end(by: signal)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// A command that stops gracefully on `signals` by itself (`bascule serve`, through its service
    /// group) takes them over: otherwise both handlers race, and this one ends the process at once.
    static func handOver(_ signals: [Int32]) {
        for (i, signal) in stopSignals.enumerated() where signals.contains(signal) && i < sources.count {
            sources[i].cancel()
        }
    }

    /// Ends the process as the signal would have: its default action, on this thread, where
    /// dispatch keeps it blocked to read it; an exit code 128 + signal if it still returns.
    private static func end(by signal: Int32) -> Never {
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        _exit(128 + signal)
    }
}

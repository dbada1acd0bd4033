import Foundation

/// Blocking work a test's async code must wait for (a socket read from chromedriver, a sleep),
/// run on a thread of its own. On Swift's cooperative pool it would hold one of as few threads as
/// the machine has cores; when the other end waits on the same process (the browser loading a page
/// from the test's in-process server, whose handlers run on that pool), two such calls on a 2-core
/// machine stop the whole test process until a socket times out. Seen: CI, two browser tests at
/// once, every HTTP test of the run timed out.
public enum BlockingWork {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}

import BasculeTesting
import Foundation
import Testing

@Suite("The browser the console's tests drive")
struct WebDriverTests {
    @Test("The browser runs on the real clock: libfaketime's variables are not passed on, the rest is")
    func browserEnvironmentWithoutFakeClock() {
        let given = ["PATH": "/usr/bin", "HOME": "/root", "LD_PRELOAD": "/usr/$LIB/faketime/libfaketime.so.1",
                     "FAKETIME": "@2031-02-03 10:00:00", "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_SHARED": "/sem /shm"]
        #expect(WebDriver.browserEnvironment(from: given) == ["PATH": "/usr/bin", "HOME": "/root"])
    }

    @Test("Blocking work (the driver's socket reads, pauses) leaves the cooperative pool free: more waits than cores, each released by a task on the pool, all come back")
    func blockingWorkBesideThePool() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let gate = DispatchSemaphore(value: 0)
        let released = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask { await BlockingWork.run { gate.wait(timeout: .now() + 15) == .success } }
            }
            // A task on the pool, as the in-process server's handlers are: it runs only if the
            // waits left it a thread.
            group.addTask {
                await Task.yield()
                for _ in 0..<count { gate.signal() }
                return true
            }
            var all: [Bool] = []
            for await one in group { all.append(one) }
            return all
        }
        #expect(released.count == count + 1 && released.allSatisfy { $0 }, "waits that timed out: \(released.filter { !$0 }.count)")
    }

    @Test("The browser runs on the real clock, and one whose chromedriver died is ended with its session: none keeps a core after its test",
          .enabled(if: WebDriver.isInstalled, "needs Debian's chromium and chromium-driver (scripts/test installs them)"))
    func noBrowserOutlivesItsDriver() async throws {
        var browser: WebDriver? = try await WebDriver()
        let profile = try #require(browser?.profile.path)
        try await browser?.open("about:blank")
        // Under scripts/test-clock (CI's second run), the test process carries libfaketime: its
        // driver and browser must not.
        let pid = try #require(browser?.driverProcess.pid)
        let environment = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data(), as: UTF8.self)
            .split(separator: "\0").map { String($0.prefix { $0 != "=" }) }
        #expect(!environment.isEmpty && !environment.contains { $0 == "LD_PRELOAD" || $0.hasPrefix("FAKETIME") }, "\(environment)")
        #expect(!WebDriver.browsers(using: profile).isEmpty, "the session's browser runs with its own profile")
        // chromedriver gone without closing its session: its Chromium is left to init.
        browser?.driverProcess.kill()
        browser = nil
        var left = WebDriver.browsers(using: profile)
        for _ in 0..<100 where !left.isEmpty {
            await ChildProcess.pause(seconds: 0.1)
            left = WebDriver.browsers(using: profile)
        }
        #expect(left.isEmpty, "browser processes left running: \(left)")
        for pid in left { kill(pid, SIGKILL) }
    }
}

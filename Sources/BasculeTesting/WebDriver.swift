import Foundation

/// A headless Chromium driven through Debian's `chromedriver` (W3C WebDriver over HTTP on
/// loopback): the console's tests click, type and look as a person would, and save screenshots.
/// Started by the test, stopped when the value goes away.
public final class WebDriver: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(String)

        public var description: String {
            switch self {
            case .notInstalled: "chromium et chromium-driver ne sont pas installés (apt-get install chromium chromium-driver)"
            case .failed(let why): "WebDriver : \(why)"
            }
        }
    }

    public static let driverBinary = "/usr/bin/chromedriver"
    public static let browserBinary = "/usr/bin/chromium"
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverBinary) && FileManager.default.isExecutableFile(atPath: browserBinary)
    }

    private let process: ChildProcess
    /// chromedriver's process.
    public var driverProcess: ChildProcess { process }
    private let base: URL
    public let session: String
    /// The browser's profile folder, its own: what tells this session's browser processes apart.
    public let profile: URL

    /// A driver and one browser session, `width`×`height` (a tablet by default: the console must
    /// read there too).
    public init(width: Int = 1280, height: Int = 900) async throws {
        guard Self.isInstalled else { throw Failure.notInstalled }
        var started: (ChildProcess, URL)?
        var lastError = ""
        for _ in 0..<5 {
            let port = SlapdServer.freePort()
            let child = try ChildProcess.start(Self.driverBinary, ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                                               environment: Self.browserEnvironment(), followingTestClock: false)
            let url = URL(string: "http://127.0.0.1:\(port)")!
            var ready = false
            for _ in 0..<100 {
                if child.hasExited() { break }
                do {
                    _ = try await Self.call(url.appendingPathComponent("status"), method: "GET", body: nil)
                    ready = true
                    break
                } catch {
                    lastError = "\(error)"
                }
                await ChildProcess.pause(seconds: 0.05)
            }
            if ready { started = (child, url); break }
            child.kill()
            child.wait()
        }
        guard let (child, url) = started else { throw Failure.failed("chromedriver ne répond pas (\(lastError))") }
        process = child
        base = url
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-chromium-\(UUID().uuidString)")
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": Self.browserBinary,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=fr-FR",
                         "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)"],
            ],
        ]]]
        let created = try await Self.call(url.appendingPathComponent("session"), method: "POST", body: capabilities)
        guard let value = created["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            child.kill()
            child.wait()
            throw Failure.failed("pas de session : \(created)")
        }
        session = id
    }

    /// The test process's environment without libfaketime: `scripts/test-clock` moves the clock of
    /// the code under test, and a browser given a calendar years away spins on it (seen: a CI run
    /// whose Chromium took both cores for minutes and timed out every test around it). The
    /// browser's own clock plays no part in what is tested (cookies carry a Max-Age, not a date).
    public static func browserEnvironment(from environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { key, _ in key != "LD_PRELOAD" && !key.hasPrefix("FAKETIME") }
    }

    deinit {
        _ = try? Self.exchange(port: base.port ?? 80, method: "DELETE", path: "/session/\(session)", body: Data())
        process.kill()
        process.wait()
        Self.killBrowsers(using: profile.path)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Chromium outlives a killed chromedriver (its parent becomes init): the browsers started
    /// with this session's profile folder are ended too, so that none keeps a core after its test.
    public static func browsers(using profile: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(),
                  let line = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            return String(decoding: line, as: UTF8.self).contains("--user-data-dir=\(profile)") ? pid : nil
        }
    }

    static func killBrowsers(using profile: String) {
        for pid in browsers(using: profile) { _ = kill(pid, SIGKILL) }
    }

    // MARK: - What a person does

    public func open(_ url: String) async throws { _ = try await command("url", ["url": url]) }

    public var title: String { get async throws { try await command("title", method: "GET") as? String ?? "" } }
    public var currentURL: String { get async throws { try await command("url", method: "GET") as? String ?? "" } }
    public var source: String { get async throws { try await command("source", method: "GET") as? String ?? "" } }

    /// The first element matching a CSS selector.
    public func element(_ css: String) async throws -> Element {
        let found = try await command("element", ["using": "css selector", "value": css])
        guard let object = found as? [String: Any], let id = object.values.first as? String else {
            throw Failure.failed("aucun élément « \(css) »")
        }
        return Element(driver: self, id: id)
    }

    public func elements(_ css: String) async throws -> [Element] {
        let found = try await command("elements", ["using": "css selector", "value": css]) as? [[String: Any]] ?? []
        return found.compactMap { $0.values.first as? String }.map { Element(driver: self, id: $0) }
    }

    /// Runs a script in the page and returns its value.
    public func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("execute/sync", ["script": script, "args": arguments])
    }

    /// A PNG of the window, written to `path`.
    /// Keys pressed one after the other on whatever has the focus, as a keyboard would (WebDriver
    /// actions): `WebDriver.tab`, `WebDriver.enter`, or text.
    public func press(_ keys: String) async throws {
        let actions = keys.unicodeScalars.flatMap { key -> [[String: Any]] in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }
        _ = try await command("actions", ["actions": [["type": "key", "id": "clavier", "actions": actions]]])
    }

    public static let tab = "\u{E004}"
    public static let enter = "\u{E007}"

    public func screenshot(to path: String) async throws {
        guard let text = try await command("screenshot", method: "GET") as? String, let data = Data(base64Encoded: text) else {
            throw Failure.failed("capture d'écran vide")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The cookies the browser holds for the page, by name.
    public func cookies() async throws -> [[String: Any]] {
        try await command("cookie", method: "GET") as? [[String: Any]] ?? []
    }

    /// An element of the page.
    public struct Element: Sendable {
        let driver: WebDriver
        public let id: String

        public func click() async throws { _ = try await driver.command("element/\(id)/click", [:]) }
        public func type(_ text: String) async throws { _ = try await driver.command("element/\(id)/value", ["text": text]) }
        public func clear() async throws { _ = try await driver.command("element/\(id)/clear", [:]) }
        public var text: String { get async throws { try await driver.command("element/\(id)/text", method: "GET") as? String ?? "" } }
        public func attribute(_ name: String) async throws -> String? {
            try await driver.command("element/\(id)/attribute/\(name)", method: "GET") as? String
        }
    }

    // MARK: - The protocol

    @discardableResult
    func command(_ path: String, _ body: [String: Any]? = nil, method: String = "POST") async throws -> Any? {
        let answer = try await Self.call(base.appendingPathComponent("session/\(session)/\(path)"), method: method,
                                         body: method == "GET" ? nil : (body ?? [:]))
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure.failed("\(path) : \(error) — \(value["message"] as? String ?? "")")
        }
        return answer["value"]
    }

    /// One request to chromedriver over a plain HTTP/1.1 socket on loopback (FoundationNetworking's
    /// URLSession fails on chromedriver's answers here: "Failed writing header").
    static func call(_ url: URL, method: String, body: [String: Any]?) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let data = try await BlockingWork.run { try exchange(port: url.port ?? 80, method: method, path: url.path, body: payload) }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure.failed("réponse illisible de \(url.path)")
        }
        return object
    }

    private static func exchange(port: Int, method: String, path: String, body: Data) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.failed("socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure.failed("connexion refusée sur le port \(port)") }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if method != "GET" { request += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        var bytes = Array((request + "\r\n").utf8)
        if method != "GET" { bytes += body }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure.failed("envoi interrompu") }
            sent += n
        }
        // Read until the body is whole (Content-Length, or the last chunk): the server may keep the
        // connection open whatever `Connection: close` asked.
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func complete() -> Bool {
            guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else { return false }
            let head = String(decoding: answer[..<split.lowerBound], as: UTF8.self).lowercased()
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
               let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
                return answer.count - split.upperBound >= length
            }
            if head.contains("transfer-encoding: chunked") { return answer.suffix(5) == Data("0\r\n\r\n".utf8) }
            return false
        }
        while !complete() {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else { throw Failure.failed("réponse sans en-têtes") }
        let head = String(decoding: answer[..<split.lowerBound], as: UTF8.self).lowercased()
        var content = Data(answer[split.upperBound...])
        if head.contains("transfer-encoding: chunked") {
            var decoded = Data()
            var rest = content[...]
            while let line = rest.range(of: Data("\r\n".utf8)),
                  let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";").first ?? "", radix: 16),
                  size > 0 {
                let start = line.upperBound
                decoded.append(rest[start..<rest.index(start, offsetBy: size)])
                rest = rest[rest.index(start, offsetBy: size + 2)...]
            }
            content = decoded
        }
        return content
    }
}

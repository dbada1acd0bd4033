import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeStore
import Foundation
import Logging

/// How `bascule serve` runs: where it listens, what it serves, and the clock it reads. Every
/// value is checked by the command before the service starts.
public struct ServerSettings: Sendable {
    /// `127.0.0.1` by default: behind a reverse proxy on the same machine (docs/api.md).
    public var host: String
    /// 0: the kernel picks a free port (tests); `onListening` hears which.
    public var port: Int
    /// A TLS reverse proxy is in front: cookies are `Secure`, and the client's address is the last
    /// one the proxy appended to `X-Forwarded-For`.
    public var behindProxy: Bool
    /// PEM files: the service speaks TLS itself.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The data folder: drop folders, calendars, the sheets' key.
    public var dataDirectory: String
    /// `bascule.yml`, when there is one.
    public var configuration: Configuration?
    /// The directory's bind password (`BASCULE_LDAP_PASSWORD`), when a directory is configured.
    public var directoryPassword: String?
    /// Cost of the hashes of new passwords (the temporary ones, people's own, administrators').
    public var passwordRounds: Int
    /// Largest export accepted by an upload.
    public var maxUploadBytes: Int
    /// A session ends after this long without a request…
    public var sessionIdle: TimeInterval
    /// …and after this long in any case.
    public var sessionLifetime: TimeInterval
    /// How often the in-memory access index is rebuilt from the store besides after each change
    /// made through the service (changes made by the CLI in another process are seen then).
    public var accessIndexRefresh: TimeInterval
    /// Failed logins before the delays start, per account and per address.
    public var throttle: LoginThrottle.Policy
    /// The wall clock; tests give their own.
    public var now: @Sendable () -> Date
    /// The day an action acts as of when none is given: the local day of `now`.
    public var today: @Sendable () -> CivilDate
    public var logger: Logger

    public init(host: String = "127.0.0.1", port: Int = 8080, behindProxy: Bool = false, tlsCertificate: String? = nil,
                tlsKey: String? = nil, dataDirectory: String, configuration: Configuration? = nil, directoryPassword: String? = nil,
                passwordRounds: Int = PasswordHasher.productionRounds, maxUploadBytes: Int = 256 << 20,
                sessionIdle: TimeInterval = 30 * 60, sessionLifetime: TimeInterval = 10 * 3600,
                accessIndexRefresh: TimeInterval = 300, throttle: LoginThrottle.Policy = .init(),
                now: @escaping @Sendable () -> Date = { Date() }, today: (@Sendable () -> CivilDate)? = nil,
                logger: Logger = Logger(label: "bascule.serve")) {
        self.host = host
        self.port = port
        self.behindProxy = behindProxy
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.directoryPassword = directoryPassword
        self.passwordRounds = passwordRounds
        self.maxUploadBytes = maxUploadBytes
        self.sessionIdle = sessionIdle
        self.sessionLifetime = sessionLifetime
        self.accessIndexRefresh = accessIndexRefresh
        self.throttle = throttle
        self.now = now
        self.today = today ?? { CivilDate.local(now()) }
        self.logger = logger
    }

    /// Cookies carry `Secure` when the browser reaches the service over TLS: its own, or a proxy's.
    public var secureCookies: Bool { behindProxy || tlsCertificate != nil }
}

extension CivilDate {
    /// The local calendar day of `date`.
    static func local(_ date: Date) -> CivilDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}

/// The store, one operation at a time. `Store` is an actor over one connection, and an actor lets
/// another call in at each `await`: two requests could interleave inside one transaction. The
/// service (and what runs beside it, the daily scheduler) goes through this gate instead.
public actor StoreAccess {
    public nonisolated let store: Store
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(_ store: Store) { self.store = store }

    public func run<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        let store = await borrow()
        defer { giveBack() }
        return try await body(store)
    }

    /// The store, once every operation before is done; nothing else gets it until ``giveBack()``.
    /// For what holds it across calls it does not own (the daily scheduler's school day).
    public func borrow() async -> Store {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        return store
    }

    /// Done with what ``borrow()`` gave: the next in line gets it.
    public func giveBack() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

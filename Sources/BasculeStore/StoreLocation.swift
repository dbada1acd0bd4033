import BasculeDomain
import Foundation

/// Where the store lives: an SQLite file (the embedded default, under `--data`) or a PostgreSQL
/// database (a department's or academy's server).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// `password` is the database password when the URL holds none (the CLI takes it from the
    /// environment or a file, never from its command line, which `ps` shows to every local user).
    /// `allowCleartext` lets the connection to a server that is not on this machine go without TLS:
    /// the documented insecure setting, off by default.
    case postgres(url: String, password: String? = nil, allowCleartext: Bool = false)

    /// The embedded default: `<data>/bascule.sqlite`.
    public static func embedded(dataDirectory: String) -> StoreLocation {
        .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("bascule.sqlite").path)
    }

    /// The URL schemes that name PostgreSQL (over TCP, or a local socket with `+uds`).
    public static let postgresSchemes = ["postgres", "postgresql", "postgres+tcp", "postgresql+tcp", "postgres+uds", "postgresql+uds"]

    /// `postgres://` (and the other PostgreSQL schemes) name PostgreSQL; anything else is an SQLite path.
    public static func parse(_ text: String, password: String? = nil, allowCleartext: Bool = false) -> StoreLocation {
        isPostgres(text) ? .postgres(url: text, password: password, allowCleartext: allowCleartext) : .sqlite(path: text)
    }

    public static func isPostgres(_ text: String) -> Bool {
        postgresSchemes.contains { text.lowercased().hasPrefix($0 + "://") }
    }

    /// True when the URL itself holds a password (`postgres://user:password@…`).
    public static func urlHoldsPassword(_ text: String) -> Bool {
        URLComponents(string: text)?.password != nil
    }

    /// The server's host when the connection may go in clear to a machine other than this one
    /// (the insecure setting is on and the URL does not ask for TLS): every run says so.
    public var cleartextHost: String? {
        guard case let .postgres(url, _, allowCleartext) = self, allowCleartext,
              let endpoint = PostgresEndpoint(url), !endpoint.isLocal, endpoint.mode != .require else { return nil }
        return endpoint.host
    }

    /// Safe to print: a PostgreSQL password is masked.
    public var description: String {
        switch self {
        case .sqlite(let p): return p
        case .postgres(let url, _, _):
            if let c = URLComponents(string: url), c.password != nil {
                var masked = c
                masked.password = "***"
                return masked.string ?? "postgres://…"
            }
            return url
        }
    }
}

/// A PostgreSQL URL as far as transport security goes: where it leads, and what TLS it asks for.
struct PostgresEndpoint {
    enum Mode { case disable, prefer, require }

    var host: String
    /// A Unix socket (`postgres+uds://`): never leaves the machine.
    var isSocket: Bool
    /// The URL's `tlsmode` (or `sslmode`, `ssl`, `tls`), nil when it says none.
    var mode: Mode?
    /// `sslrootcert`: the CA that signed the server's certificate, instead of the system's.
    var rootCertificate: String?

    init?(_ url: String) {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased() else { return nil }
        isSocket = scheme.hasSuffix("+uds")
        host = c.host ?? ""
        let items = c.queryItems ?? []
        switch items.last(where: { ["tlsmode", "sslmode", "ssl", "tls"].contains($0.name.lowercased()) })?.value?.lowercased() {
        case nil: mode = nil
        case "disable", "false": mode = .disable
        case "prefer", "allow", "true": mode = .prefer
        default: mode = .require // require, verify-ca, verify-full, or a word postgres-kit refuses anyway
        }
        rootCertificate = items.last { $0.name.lowercased() == "sslrootcert" }?.value
    }

    /// On this machine: a local socket, or a loopback address (`localhost`, 127.0.0.0/8, ::1).
    var isLocal: Bool { isSocket || NetworkHost.isLoopback(host) }
}

import Foundation

/// Where the store lives: an SQLite file (the embedded default, under `--data`) or a PostgreSQL
/// database (a department's or academy's server).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// The embedded default: `<data>/bascule.sqlite`.
    public static func embedded(dataDirectory: String) -> StoreLocation {
        .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("bascule.sqlite").path)
    }

    /// `postgres://` and `postgresql://` URLs name PostgreSQL; anything else is an SQLite path.
    public static func parse(_ text: String) -> StoreLocation {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") ? .postgres(url: text) : .sqlite(path: text)
    }

    /// Safe to print: a PostgreSQL password is masked.
    public var description: String {
        switch self {
        case .sqlite(let p): return p
        case .postgres(let url):
            if let c = URLComponents(string: url), c.password != nil {
                var masked = c
                masked.password = "***"
                return masked.string ?? "postgres://…"
            }
            return url
        }
    }
}

import Foundation

/// Bascule's LDAP schema (slapd.conf format), shipped with the program: `bascule annuaire schema`
/// prints it for the directory's administrator.
public enum OpenLDAPSchema {
    public static var fileURL: URL? {
        Bundle.module.url(forResource: "bascule", withExtension: "schema", subdirectory: "Resources")
    }

    public static var text: String {
        fileURL.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
    }
}

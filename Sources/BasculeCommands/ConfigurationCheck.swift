import BasculeLDAP
import Foundation

extension DataOptions {
    /// `bascule.yml` read and checked as a whole, whether or not the command needs it: a broken
    /// file is refused by the first command run on the data folder (exit 2), not found out the
    /// day a school first reaches the directory or the spaces.
    var checkedConfiguration: Configuration? {
        get throws {
            let configuration = try self.configuration
            try configuration?.check(dataDirectory: data)
            return configuration
        }
    }
}

extension Configuration {
    /// The smallest number Bascule may give as uidNumber or gidNumber: below it are the system's
    /// accounts and groups (Debian gives people numbers from 1000), and 0 is root.
    static let lowestPosixNumber = 1000

    /// Every value that can be checked without reaching the directory or the tree: the drift
    /// mode, the first POSIX number, the spaces' root, quotas, archives and retention.
    func check(dataDirectory: String) throws {
        if let annuaire {
            _ = try Self.driftMode(annuaire.derive)
            if let first = annuaire.premier_numero, first < Self.lowestPosixNumber {
                throw ConfigurationError.invalid("annuaire.premier_numero : \(first) (au moins \(Self.lowestPosixNumber) : les numéros plus petits sont ceux du système, 0 est root)")
            }
        }
        _ = try spacesSettings(dataDirectory: dataDirectory)
    }

    /// `derive`: `corriger` (the default) or `signaler`.
    static func driftMode(_ text: String?) throws -> DriftMode {
        switch text ?? "corriger" {
        case "corriger", "correct": .correct
        case "signaler", "report": .report
        case let other: throw ConfigurationError.invalid("annuaire.derive : « \(other) » (corriger ou signaler)")
        }
    }
}

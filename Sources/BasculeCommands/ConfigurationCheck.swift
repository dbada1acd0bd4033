import BasculeApp
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
    /// Connects to the configured directory with the password the command's environment holds.
    func connector() throws -> OpenLDAPConnector? {
        try connector(password: CommandEnvironment.current.variable(Self.passwordVariable), warn: { BasculeCommands.warn($0) })
    }
}

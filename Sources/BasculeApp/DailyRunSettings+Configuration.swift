import BasculeCalendarFiles
import BasculeDomain
import BasculeLDAP
import Foundation

extension DailyRunSettings {
    /// The daily run's settings as `bascule.yml` and the environment give them: the one way
    /// `bascule run` and the service (`bascule serve`) build them, so that both run the same day.
    /// - Parameters:
    ///   - variables: the environment (the directory's bind password, `BASCULE_LDAP_PASSWORD`,
    ///     never in the file), read once here.
    ///   - warn: what every run must say (a directory reached without TLS, as configured).
    public static func configured(dataDirectory: String, configuration: Configuration,
                                  variables: @Sendable (String) -> String?,
                                  passwordRounds: Int = PasswordHasher.productionRounds, actor: String,
                                  warn: @escaping @Sendable (String) -> Void) throws -> DailyRunSettings {
        try configuration.check(dataDirectory: dataDirectory)
        let calendars = CalendarStore(dataDirectory: dataDirectory)
        var directory: (@Sendable () throws -> OpenLDAPConnector)?
        if configuration.annuaire != nil {
            let password = variables(Configuration.passwordVariable)
            directory = { @Sendable () throws -> OpenLDAPConnector in
                guard let connector = try configuration.connector(password: password, warn: warn) else {
                    throw ConfigurationError.invalid("annuaire")
                }
                return connector
            }
        }
        let calendar: @Sendable (UAI, SchoolYear) throws -> SchoolCalendar = { uai, year in
            try calendars.calendar(for: year, school: uai).calendar
        }
        let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: passwordRounds), vault: try SheetVault(dataDirectory: dataDirectory))
        return DailyRunSettings(
            dataDirectory: dataDirectory, policy: try configuration.policy(), calendar: calendar, credentials: issuer,
            directory: directory, spaces: try configuration.spacesSettings(dataDirectory: dataDirectory),
            firstPosixNumber: configuration.firstPosixNumber, auditRetentionMonths: try configuration.auditRetentionMonths(),
            actor: actor)
    }
}

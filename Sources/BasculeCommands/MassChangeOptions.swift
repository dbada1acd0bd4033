import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeSpaces

/// `--allow-mass-change --reason "…"` on the syncs, as on `apply`: removals in the real
/// directory or the spaces that no applied plan decided, past 10 % of the school's entries,
/// are refused without them.
struct MassChangeOptions: ParsableArguments {
    @Flag(help: "Accepte des suppressions hors de l'ordinaire (plus de 10 % des entrées de Bascule, sans plan appliqué qui les ait décidées), avec --reason.")
    var allowMassChange = false

    @Option(help: "Pourquoi ces suppressions sont acceptées.")
    var reason: String?

    func validate() throws {
        if allowMassChange && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--allow-mass-change demande --reason \"…\".")
        }
    }

    var deletions: SyncDeletionGuard { SyncDeletionGuard(allowMassChange: allowMassChange, reason: reason) }
}

extension DataOptions {
    /// Whether the spaces of groups gone may be archived and removed on `day`: the school's
    /// calendar's clean-up window of classes and Commun, else the next one.
    func sharedSpaceRemovals(uai: UAI, on day: CivilDate) throws -> SharedSpaceRemovals {
        let calendars = CalendarStore(dataDirectory: data)
        let year = SchoolCalendar.rolloverYear(for: day)
        let calendar = try calendars.calendar(for: year, school: uai).calendar
        let following = try? calendars.calendar(for: SchoolYear(startYear: year.startYear + 1), school: uai).calendar
        return SharedSpaceRemovals(calendar: calendar, following: following, on: day)
    }
}

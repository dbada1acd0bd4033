/// What a calendar entry is about: a platform or service touched by the rollover.
///
/// A string id rather than an enum, so that a department can add a target in its YAML file
/// without a new Bascule; the known ones have constants and French labels.
public struct CalendarTarget: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let id: String

    public init(_ id: String) { self.id = id }

    /// The ENT (ENEJ86).
    public static let ent = CalendarTarget("ent")
    /// The school's pedagogical server (KoXo).
    public static let pedagogicalServer = CalendarTarget("serveur-pedagogique")
    /// GAR and TNE resources (licences in the GAR console).
    public static let gar = CalendarTarget("gar")
    /// Moodlecol, the academic Moodle being replaced by Éléa.
    public static let moodlecol = CalendarTarget("moodlecol")

    public static let known: [CalendarTarget] = [.ent, .pedagogicalServer, .gar, .moodlecol]

    /// French label for display; an unknown target shows its id.
    public var label: String {
        switch id {
        case "ent": "ENT (ENEJ86)"
        case "serveur-pedagogique": "Serveur pédagogique (KoXo)"
        case "gar": "GAR / TNE"
        case "moodlecol": "Moodlecol"
        default: id
        }
    }

    public var description: String { id }
    public static func < (a: CalendarTarget, b: CalendarTarget) -> Bool { a.id < b.id }

    public init(from decoder: any Decoder) throws {
        id = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }
}

/// What an entry says happens. Raw values are the stable ids of the JSON output.
public enum CalendarEntryKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// Directory imports to the target are paused (exports are still accepted and staged).
    case importsPaused
    /// Directory imports to the target resume on `from`.
    case importsResumed
    /// Access to the target is closed to `roles` during the window.
    case accessClosed
    /// Access for `roles` remains possible until `until` (inclusive).
    case accessUntil
    /// Spaces on the target are cleaned during the window.
    case cleanup
    /// Accounts of `roles` are deleted during the window.
    case deletion
    /// Licences remain usable until `until` (inclusive).
    case licenceEnd
    /// The platform is read-only during the window.
    case platformReadOnly
    /// The platform is stopped from `from` on.
    case platformStopped
    /// Users are asked to check their access from `from` on.
    case verification

    public var label: String {
        switch self {
        case .importsPaused: "imports suspendus"
        case .importsResumed: "imports repris"
        case .accessClosed: "accès fermé"
        case .accessUntil: "accès jusqu'au"
        case .cleanup: "nettoyage"
        case .deletion: "suppression de comptes"
        case .licenceEnd: "fin des licences"
        case .platformReadOnly: "lecture seule"
        case .platformStopped: "arrêt"
        case .verification: "vérification"
        }
    }

    /// The kind that ends an open-ended phase of this kind on the same target, if any: a pause
    /// without `until` lasts until the day before the imports resume, a read-only phase until the
    /// day before the platform stops.
    public var endedBy: CalendarEntryKind? {
        switch self {
        case .importsPaused: .importsResumed
        case .platformReadOnly: .platformStopped
        default: nil
        }
    }
}

/// Who carries out an entry, or may lift it.
public enum CalendarActor: String, Hashable, Sendable, Codable, CaseIterable {
    case department, academy, school, principal, deputy

    public var label: String {
        switch self {
        case .department: "département"
        case .academy: "rectorat"
        case .school: "établissement"
        case .principal: "principal"
        case .deputy: "principal adjoint"
        }
    }
}

/// People an entry concerns.
public enum CalendarRole: String, Hashable, Sendable, Codable, CaseIterable {
    case students, parents, staff

    public var label: String {
        switch self {
        case .students: "élèves"
        case .parents: "responsables"
        case .staff: "personnels"
        }
    }
}

/// A span of days, both ends inclusive.
///
/// `from == nil`: already in force before the calendar starts (e.g. students' ENT access, which
/// only has an end). `until == nil`: from `from` on, with no end (e.g. imports resumed).
public struct DayWindow: Hashable, Sendable, Codable {
    public var from: CivilDate?
    public var until: CivilDate?

    public init(from: CivilDate?, until: CivilDate?) {
        self.from = from
        self.until = until
    }

    public func contains(_ day: CivilDate) -> Bool {
        if let from, day < from { return false }
        if let until, day > until { return false }
        return true
    }

    /// True when the window starts strictly after `day`.
    public func startsAfter(_ day: CivilDate) -> Bool {
        guard let from else { return false }
        return from > day
    }
}

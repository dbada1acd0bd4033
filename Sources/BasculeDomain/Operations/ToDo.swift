/// Something the daily run could not do alone: held for a person, never forced. Each says why,
/// and who can act (the memo's roles), so that it reaches them.
public struct ToDo: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A plan out of the ordinary (a truncated export, mass departures): a person confirms it
        /// with a reason, or fixes the exports.
        case planHeld = "plan-held"
        /// Corrected names would change logins: a person accepts or declines each.
        case renamesProposed = "renames-proposed"
        /// Former staff wait for the school's approval, where the calendar asks for it.
        case approvalNeeded = "approval-needed"
        /// An export dropped for import was refused: fixed and dropped again.
        case importRefused = "import-refused"
        /// The directory could not be reached or refused operations.
        case directoryFailed = "directory-failed"
        /// The file spaces could not be brought in step, or cleaned.
        case spacesFailed = "spaces-failed"
        /// The rentrée check found something to fix.
        case verificationFindings = "verification-findings"
    }

    /// Who can act on it.
    public enum Role: String, Sendable, Codable {
        /// The school's digital referent (the `rupn` right).
        case rupn
        /// The principal or deputy (STS-Web `DIR`).
        case direction
        /// The department's administrators.
        case department = "departement"
    }

    public var kind: Kind
    public var role: Role
    public var uai: UAI
    public var reason: Reason

    public init(kind: Kind, role: Role, uai: UAI, reason: Reason) {
        self.kind = kind
        self.role = role
        self.uai = uai
        self.reason = reason
    }
}

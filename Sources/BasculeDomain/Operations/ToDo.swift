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
        /// The school's day could not be run at all (an error the run did not expect): the next
        /// run starts that day again; the other schools are not held up.
        case runFailed = "run-failed"
    }

    /// Who can act on it.
    public enum Role: String, Sendable, Codable {
        /// The school's digital referent (the `rupn` right).
        case rupn
        /// The principal or deputy (STS-Web `DIR`).
        case direction
        /// The department's administrators.
        case department = "departement"

        /// As a person reads it in a message.
        public var label: String {
            switch self {
            case .rupn: "RUPN"
            case .direction: "direction"
            case .department: "département"
            }
        }
    }

    public var kind: Kind
    public var role: Role
    public var uai: UAI
    public var reason: Reason
    /// For a held plan: the hash of what was held (``Plan`` without its day), the one a person
    /// confirms. A confirmation is for that plan only: a plan changed since is held again.
    public var planHash: String?

    public init(kind: Kind, role: Role, uai: UAI, reason: Reason, planHash: String? = nil) {
        self.kind = kind
        self.role = role
        self.uai = uai
        self.reason = reason
        self.planHash = planHash
    }

    /// What makes two to-dos the same one, from one day to the next: the kind and the reason; a
    /// held plan is one per school, whatever it holds (its reason and hash follow the newest plan),
    /// so that it stays the same to-do, with the same number, until a plan is applied.
    public var identity: String { kind == .planHeld ? kind.rawValue : "\(kind.rawValue)|\(reason.french)" }

    /// Whether a person can settle it with `bascule todos confirm` (a held plan, with its hash).
    public var isConfirmable: Bool { kind == .planHeld && planHash != nil }
}

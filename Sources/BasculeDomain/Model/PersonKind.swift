/// The roles Bascule knows people in. The JSON names are part of the CLI's contract.
public enum PersonKind: String, Sendable, Codable, CaseIterable, Comparable {
    case student
    case teacher
    /// Direction, education, documentation, administration: staff who do not teach.
    case staff
    case parent

    public var french: String {
        switch self {
        case .student: "élève"
        case .teacher: "enseignant"
        case .staff: "personnel"
        case .parent: "responsable"
        }
    }

    public static func < (a: PersonKind, b: PersonKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A person's name as the source gives it. `displayFamilyName` is the usage name when there is
/// one: it is the name the person goes by at school (a married or chosen name), which is also
/// the name logins are made from.
public struct PersonName: Hashable, Sendable, Codable {
    public var familyName: String
    public var usageName: String?
    public var firstName: String
    public var otherFirstNames: [String]

    public init(familyName: String, usageName: String? = nil, firstName: String, otherFirstNames: [String] = []) {
        self.familyName = familyName
        self.usageName = usageName.flatMap { $0.isEmpty ? nil : $0 }
        self.firstName = firstName
        self.otherFirstNames = otherFirstNames.filter { !$0.isEmpty }
    }

    public var displayFamilyName: String { usageName ?? familyName }

    /// True where SIECLE replaced a character it could not write by `?`.
    public var hasPlaceholder: Bool {
        ([familyName, usageName ?? "", firstName] + otherFirstNames).contains { $0.contains("?") }
    }

    public var full: String { "\(firstName) \(displayFamilyName)" }
}

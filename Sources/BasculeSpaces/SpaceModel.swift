import Foundation
import BasculeDomain

/// What a folder of the tree is for. Raw values are the JSON output's and the configuration's.
public enum SpaceKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// `<UAI>`, `perso`, `classes`, `groupes`, `matieres`: Bascule's structure, no one's files.
    case container = "conteneur"
    /// A student's or staff member's own folder.
    case personal = "perso"
    case classSpace = "classe"
    case group = "groupe"
    case subject = "matiere"
    case staffRoom = "salle-des-profs"
    case mediaprof
    case common = "commun"
    /// `Travaux_eleves` in a class, group or Commun space: the students' folders are in it.
    case studentsFolder = "travaux-eleves"
    /// A student's own folder in `Travaux_eleves`: theirs and the space's teachers'.
    case studentWork = "travail-eleve"
    /// `ReferentsInformatique`: the credential sheets, readable by the RUPNs alone.
    case referents = "referents-informatique"

    public var french: String {
        switch self {
        case .container: "dossier de structure"
        case .personal: "espace personnel"
        case .classSpace: "espace classe"
        case .group: "espace groupe"
        case .subject: "espace matière"
        case .staffRoom: "salle des professeurs"
        case .mediaprof: "Mediaprof"
        case .common: "espace commun"
        case .studentsFolder: "dossier des travaux d'élèves"
        case .studentWork: "dossier de travaux d'un·e élève"
        case .referents: "espace des référents (fiches de connexion)"
        }
    }

    /// Part of a class, group or Commun space (its `Travaux_eleves`), not a space of its own:
    /// measured, archived and cleaned with that space.
    public var isInsideSpace: Bool { self == .studentsFolder || self == .studentWork }

    public static func < (a: SpaceKind, b: SpaceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who a quota counts against: Linux counts a user's blocks (user quota) or a folder tree's
/// (project quota, on filesystems that have them).
public enum QuotaSubject: Hashable, Sendable, Codable {
    case user(Int)
    case project(Int)
}

/// A named holder of rights on a space, as the report shows it.
public struct SpaceAccess: Hashable, Sendable, Codable {
    /// `user` or `group`.
    public var kind: String
    /// Login or group name.
    public var name: String
    public var id: Int
    public var rights: Permissions

    public init(kind: String, name: String, id: Int, rights: Permissions) {
        self.kind = kind
        self.name = name
        self.id = id
        self.rights = rights
    }
}

/// A folder Bascule wants under `<racine>`, with its owner, its rights and its quota.
public struct DesiredFolder: Hashable, Sendable {
    /// Stable across renames: `perso:<person id>`, `classe:<division>`, `groupe:<code>`,
    /// `matiere:<code>`, `salle-des-profs`, `mediaprof`, `commun`, `conteneur:<path>`.
    public var key: String
    public var kind: SpaceKind
    /// Relative to the root: `0860001X/perso/mdupont`.
    public var path: String
    /// What the report calls it: the login, the class, the subject's code.
    public var name: String
    public var uid: Int
    public var gid: Int
    /// setuid, setgid and sticky bits (the rest comes from the ACL).
    public var specialBits: Int
    public var acl: ACL
    /// Bytes; nil for containers.
    public var quota: Int64?
    public var quotaSubject: QuotaSubject?
    /// Named holders of rights, for the report (owner first).
    public var access: [SpaceAccess]

    public init(key: String, kind: SpaceKind, path: String, name: String, uid: Int, gid: Int, specialBits: Int = 0,
                acl: ACL, quota: Int64? = nil, quotaSubject: QuotaSubject? = nil, access: [SpaceAccess] = []) {
        self.key = key
        self.kind = kind
        self.path = path
        self.name = name
        self.uid = uid
        self.gid = gid
        self.specialBits = specialBits
        self.acl = acl
        self.quota = quota
        self.quotaSubject = quotaSubject
        self.access = access
    }

    /// The full mode the folder must have: special bits and the ACL's owner, group class, other.
    public var mode: Int { specialBits | acl.modeBits }
}

/// Quotas by kind of space, in bytes. The memo's figures by default.
public struct SpaceQuotas: Hashable, Sendable, Codable {
    public var studentPersonal: Int64
    public var teacherPersonal: Int64
    public var staffPersonal: Int64
    public var classSpace: Int64
    public var group: Int64
    public var subject: Int64
    public var staffRoom: Int64
    public var mediaprof: Int64
    public var common: Int64

    public static let gigabyte: Int64 = 1 << 30
    public static let megabyte: Int64 = 1 << 20

    /// "Perso élève : 1Go, Perso enseignant : 6Go, Espace classe : 20Go, Espace matière : 20Go et
    /// Salle des professeurs : 20Go" (memo). Administrative staff get a teacher's; a teaching
    /// group half a class's (one subject's work, for part of a class); Mediaprof and Commun the
    /// staff room's (shared spaces of the whole school).
    public static let memo = SpaceQuotas(
        studentPersonal: 1 * gigabyte, teacherPersonal: 6 * gigabyte, staffPersonal: 6 * gigabyte,
        classSpace: 20 * gigabyte, group: 10 * gigabyte, subject: 20 * gigabyte,
        staffRoom: 20 * gigabyte, mediaprof: 20 * gigabyte, common: 20 * gigabyte)

    public init(studentPersonal: Int64, teacherPersonal: Int64, staffPersonal: Int64, classSpace: Int64, group: Int64,
                subject: Int64, staffRoom: Int64, mediaprof: Int64, common: Int64) {
        self.studentPersonal = studentPersonal
        self.teacherPersonal = teacherPersonal
        self.staffPersonal = staffPersonal
        self.classSpace = classSpace
        self.group = group
        self.subject = subject
        self.staffRoom = staffRoom
        self.mediaprof = mediaprof
        self.common = common
    }

    /// The configuration's keys (`espaces.quotas` in bascule.yml).
    public static let keys = ["perso_eleve", "perso_enseignant", "perso_administratif", "classe", "groupe", "matiere",
                              "salle_des_profs", "mediaprof", "commun"]

    public subscript(key: String) -> Int64? {
        get {
            switch key {
            case "perso_eleve": studentPersonal
            case "perso_enseignant": teacherPersonal
            case "perso_administratif": staffPersonal
            case "classe": classSpace
            case "groupe": group
            case "matiere": subject
            case "salle_des_profs": staffRoom
            case "mediaprof": mediaprof
            case "commun": common
            default: nil
            }
        }
        set {
            guard let v = newValue else { return }
            switch key {
            case "perso_eleve": studentPersonal = v
            case "perso_enseignant": teacherPersonal = v
            case "perso_administratif": staffPersonal = v
            case "classe": classSpace = v
            case "groupe": group = v
            case "matiere": subject = v
            case "salle_des_profs": staffRoom = v
            case "mediaprof": mediaprof = v
            case "commun": common = v
            default: break
            }
        }
    }

    public func personal(_ kind: PersonKind) -> Int64 {
        switch kind {
        case .student: studentPersonal
        case .teacher: teacherPersonal
        case .staff, .parent: staffPersonal
        }
    }

    /// `1Go`, `500 Mo`, `1,5 Go`, `2G`, `750M` (binary units, as setquota counts them); nil when unreadable.
    public static func parseSize(_ text: String) -> Int64? {
        let t = text.trimmingSpaces.replacingOccurrences(of: ",", with: ".").lowercased()
        let units: [(String, Int64)] = [("go", gigabyte), ("gio", gigabyte), ("gb", gigabyte), ("g", gigabyte),
                                        ("mo", megabyte), ("mio", megabyte), ("mb", megabyte), ("m", megabyte)]
        for (suffix, factor) in units.sorted(by: { $0.0.count > $1.0.count }) where t.hasSuffix(suffix) {
            let number = String(t.dropLast(suffix.count)).trimmingSpaces
            guard let v = Double(number), v > 0, v.isFinite, v * Double(factor) < 1e18 else { return nil }
            // At least a megabyte: a size that rounds to a few bytes (or 0, which setquota reads
            // as « no limit ») is a mistake, never a quota.
            let bytes = Int64((v * Double(factor)).rounded())
            return bytes >= megabyte ? bytes : nil
        }
        return nil
    }

    /// `1 Go`, `500 Mo`, `1,5 Go`.
    public static func format(_ bytes: Int64) -> String {
        if bytes >= gigabyte {
            let v = Double(bytes) / Double(gigabyte)
            return (v == v.rounded() ? String(Int64(v)) : String(format1(v))) + " Go"
        }
        if bytes >= megabyte {
            let v = Double(bytes) / Double(megabyte)
            return (v == v.rounded() ? String(Int64(v)) : String(format1(v))) + " Mo"
        }
        if bytes >= 1024 { return "\(bytes / 1024) Ko" }
        return "\(bytes) o"
    }

    static func format1(_ v: Double) -> String {
        let tenths = Int64((v * 10).rounded())
        return "\(tenths / 10),\(tenths % 10)"
    }
}

/// Where the spaces are and what the department chose: `espaces` in bascule.yml.
public struct SpacesSettings: Hashable, Sendable {
    /// Absolute, never `/`: the tree is `<root>/<UAI>/…`.
    public var root: String
    public var quotas: SpaceQuotas
    /// Where archives go, `<archives>/<UAI>/…`.
    public var archiveDirectory: String
    /// Days an archive of a class, group or Commun space is kept before `bascule spaces clean`
    /// purges it.
    public var archiveRetentionDays: Int
    /// Days the archive of a departed person's personal space is kept: 90 by default, like the
    /// account itself (no personal data outlives a departure by more than three months).
    public var personalArchiveRetentionDays: Int
    /// The role groups' names (students, teachers, administrative staff).
    public var roleGroups: [PersonKind: String]

    public static let defaultRetentionDays = 365
    public static let defaultPersonalRetentionDays = 90

    public init(root: String, quotas: SpaceQuotas = .memo, archiveDirectory: String,
                archiveRetentionDays: Int = SpacesSettings.defaultRetentionDays,
                personalArchiveRetentionDays: Int = SpacesSettings.defaultPersonalRetentionDays,
                roleGroups: [PersonKind: String] = PlanningPolicy.default.roleGroupNames) throws(SpacesError) {
        guard root.hasPrefix("/") else { throw .unsafeRoot(root, "le chemin n'est pas absolu") }
        let trimmed = SpaceTree.trimmed(root)
        guard trimmed != "/" else { throw .unsafeRoot(root, "la racine du système ne peut pas accueillir les espaces") }
        guard !trimmed.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            throw .unsafeRoot(root, "« . » et « .. » ne sont pas admis dans la racine")
        }
        guard archiveDirectory.hasPrefix("/") else { throw .unsafeRoot(archiveDirectory, "le dossier des archives doit être un chemin absolu") }
        let archives = SpaceTree.trimmed(archiveDirectory)
        guard archives != "/", !(archives + "/").hasPrefix(trimmed + "/") else {
            throw .unsafeRoot(archiveDirectory, "le dossier des archives ne peut être ni « / » ni sous la racine des espaces (\(trimmed))")
        }
        guard archiveRetentionDays >= 1 else { throw .invalidSetting("conservation des archives : au moins 1 jour") }
        guard (1...PlanningPolicy.legalRetentionDays).contains(personalArchiveRetentionDays) else {
            throw .invalidSetting("conservation des archives des espaces personnels : de 1 à \(PlanningPolicy.legalRetentionDays) jours (trois mois au plus après le départ)")
        }
        self.personalArchiveRetentionDays = personalArchiveRetentionDays
        self.root = trimmed
        self.quotas = quotas
        self.archiveDirectory = archives
        self.archiveRetentionDays = archiveRetentionDays
        self.roleGroups = roleGroups
    }

    public func absolute(_ relative: String) -> String { root + "/" + relative }
}

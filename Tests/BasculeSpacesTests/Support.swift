import BasculeApp
import BasculeDomain
import BasculeGenerator
import BasculeImport
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// A generated collège over two school years, two students taking a usage name in the second
/// (their logins are proposed a rename), written once for the suite.
enum Academy {
    static let generated: (files: [GeneratedFile], academy: GeneratedAcademy, dir: TemporaryDirectory) = {
        let dir = try! TemporaryDirectory(prefix: "bascule-spaces-academy")
        let generator = AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 120, seed: 41, firstYear: 2025,
                                                                   years: 2, usageNameChanges: 2))
        let academy = generator.generate()
        return (try! generator.write(academy, to: dir.url), academy, dir)
    }()

    static var uai: UAI { generated.academy.schools[0].uai }

    static func files(_ year: Int) -> [URL] { generated.files.filter { $0.year.startYear == year }.map(\.url) }
}

let rentree2025 = CivilDate(year: 2025, month: 9, day: 3)!

/// A fresh store and folder tree: the school imported, its plan applied, then its spaces.
struct Rig {
    let store: Store
    let dir: TemporaryDirectory
    let settings: SpacesSettings
    var uai: UAI { Academy.uai }
    var root: String { settings.root }

    static func make(quotas: SpaceQuotas = .memo, retention: Int = 365) async throws -> Rig {
        let (store, dir) = try await Backend.sqlite.openFreshStore()
        let settings = try SpacesSettings(root: dir.path + "/espaces", quotas: quotas, archiveDirectory: dir.path + "/archives",
                                          archiveRetentionDays: retention)
        return Rig(store: store, dir: dir, settings: settings)
    }

    /// Year one imported and applied at its rentrée.
    static func firstYear(quotas: SpaceQuotas = .memo, retention: Int = 365) async throws -> Rig {
        let rig = try await make(quotas: quotas, retention: retention)
        try await rig.importYear(2025, on: rentree2025)
        try await rig.apply(rentree2025)
        return rig
    }

    var service: SpacesService { SpacesService(store: store, settings: settings) }
    var planning: PlanningService { PlanningService(store: store) }

    func importYear(_ year: Int, on date: CivilDate) async throws {
        _ = try await ImportService(store: store, today: date).importFiles(Academy.files(year))
    }

    func apply(_ date: CivilDate) async throws {
        _ = try await planning.apply(uai: uai, date: date, expectedHash: nil, allowMassChange: false, actor: "test")
    }

    @discardableResult
    func sync(_ date: CivilDate = rentree2025, dryRun: Bool = false) async throws -> SpacesSyncReport {
        try await service.sync(uai: uai, date: date, dryRun: dryRun, actor: "test")
    }

    func school() async throws -> SchoolDirectory {
        try await DirectorySyncService.school(store: store, uai: uai, firstPosixNumber: 100_000, assignNumbers: false)
    }

    func path(_ relative: String) -> String { root + "/" + uai.code + "/" + relative }

    func close() async {
        await store.close()
        dir.remove()
    }
}

/// `getfacl` as a person would run it: numeric ids, no header, one entry a line.
func getfacl(_ path: String) throws -> Set<String> {
    let text = try ChildProcess.run("/usr/bin/getfacl", ["--numeric", "--omit-header", "--no-effective", "--absolute-names", path])
    return Set(text.split(separator: "\n").map(String.init).filter { !$0.isEmpty })
}

struct Owner: Equatable { var uid: Int; var gid: Int; var mode: Int }

func owner(_ path: String) -> Owner? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return Owner(uid: Int(st.st_uid), gid: Int(st.st_gid), mode: Int(st.st_mode & 0o7777))
}

/// How a command run as someone ended: done, refused by the kernel (EACCES or EPERM, as the tool
/// reports them), or failed for any other reason, which no access check may count as a refusal.
enum Access: Equatable, CustomStringConvertible {
    case allowed
    case denied
    case failed(String)

    var description: String {
        switch self {
        case .allowed: "allowed"
        case .denied: "denied"
        case .failed(let why): "failed: \(why)"
        }
    }
}

/// Runs `command` as `uid` with exactly `groups` (the host need not know them: the kernel checks
/// the ACLs against these numbers). The tools speak C locale, so that a refusal is recognised by
/// strerror's own words for EACCES and EPERM, and a missing path or a setpriv error is not.
func asUser(uid: Int, gid: Int, groups: [Int], _ command: [String]) -> Access {
    let args = ["--reuid=\(uid)", "--regid=\(gid)", "--groups=\(Set(groups + [gid]).sorted().map(String.init).joined(separator: ","))", "--"] + command
    do {
        try ChildProcess.run("/usr/bin/setpriv", args, environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
        return .allowed
    } catch let failure as ChildProcess.Failure {
        let text = failure.message
        if text.contains("Permission denied") || text.contains("Operation not permitted") { return .denied }
        return .failed(text)
    } catch {
        return .failed("\(error)")
    }
}

/// The groups (gids) an account belongs to in the school, as the directory says.
func gids(of login: String, in school: SchoolDirectory) -> [Int] {
    school.groups.filter { $0.group.members.contains(login) }.map(\.gidNumber)
}

func write(_ path: String, bytes count: Int, uid: Int? = nil) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x61, count: count)) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    if let uid { chown(path, uid_t(uid), gid_t(uid)) }
}

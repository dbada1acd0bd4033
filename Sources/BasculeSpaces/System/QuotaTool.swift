import BasculeDomain
import Foundation

/// Whether the filesystem holding the spaces enforces quotas, and why not when it does not.
public struct QuotaSupport: Hashable, Sendable, Codable {
    /// User quotas are on: personal spaces get theirs (the kernel counts all of a user's files
    /// on that filesystem, personal space and shared ones alike).
    public var user: Bool
    /// Project quotas are on: shared spaces get a tree quota of their own.
    public var project: Bool
    public var mountPoint: String?
    public var filesystem: String?
    public var reason: Reason

    public init(user: Bool, project: Bool, mountPoint: String?, filesystem: String?, reason: Reason) {
        self.user = user
        self.project = project
        self.mountPoint = mountPoint
        self.filesystem = filesystem
        self.reason = reason
    }

    public static func none(_ reason: Reason) -> QuotaSupport {
        QuotaSupport(user: false, project: false, mountPoint: nil, filesystem: nil, reason: reason)
    }

    /// The mount holding `path` in `/proc/self/mountinfo`: its mount point, type and options.
    public static func mount(of path: String, mountinfo: String) -> (point: String, type: String, options: Set<String>)? {
        var best: (point: String, type: String, options: Set<String>)?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard let dash = fields.firstIndex(of: "-"), fields.count > dash + 3, fields.count > 5 else { continue }
            let point = ACLTool.unescape(fields[4])
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            guard inside, point.count >= (best?.point.count ?? -1) else { continue }
            let options = Set((fields[5] + "," + fields[dash + 3]).split(separator: ",").map(String.init))
            best = (point, fields[dash + 1], options)
        }
        return best
    }

    /// Decides from what the system says: the mount's options, and `quotaon -p` (nil when the
    /// quota tools are not installed). Pure, so that every case is tested here, where the kernel
    /// has no quotas.
    public static func decide(path: String, mountinfo: String, quotaonUser: String?, quotaonProject: String?) -> QuotaSupport {
        guard let m = mount(of: path, mountinfo: mountinfo) else {
            return .none(Reason("montage de \(path) introuvable", "mount of \(path) not found"))
        }
        let userOption = m.options.contains { ["usrquota", "quota", "uquota"].contains($0) || $0.hasPrefix("usrjquota=") }
        let projectOption = m.options.contains { ["prjquota", "pquota"].contains($0) }
        guard userOption || projectOption else {
            return QuotaSupport(user: false, project: false, mountPoint: m.point, filesystem: m.type, reason: Reason(
                "le système de fichiers \(m.type) monté sur \(m.point) n'a pas les quotas activés (options de montage sans usrquota ni prjquota) : quotas non appliqués, l'usage est mesuré",
                "the \(m.type) filesystem mounted on \(m.point) has no quotas enabled (no usrquota nor prjquota): quotas not applied, usage measured"))
        }
        guard let quotaonUser else {
            return QuotaSupport(user: false, project: false, mountPoint: m.point, filesystem: m.type, reason: Reason(
                "outils de quota absents (paquet Debian quota) : quotas non appliqués, l'usage est mesuré",
                "quota tools missing (Debian package quota): quotas not applied, usage measured"))
        }
        let user = userOption && quotaonUser.contains(" is on")
        let project = projectOption && (quotaonProject ?? "").contains(" is on")
        let what = [user ? "utilisateur" : nil, project ? "projet" : nil].compactMap { $0 }
        let reason = what.isEmpty
            ? Reason("quotas déclarés au montage de \(m.point) mais pas en service (quotaon) : quotas non appliqués, l'usage est mesuré",
                     "quotas declared when mounting \(m.point) but not turned on (quotaon): not applied, usage measured")
            : Reason("quotas \(what.joined(separator: " et ")) en service sur \(m.point) (\(m.type))" + (project ? "" : " ; espaces partagés : mesurés seulement (pas de quotas de projet)"),
                     "\(user ? "user " : "")\(project ? "project " : "")quotas on \(m.point) (\(m.type))")
        return QuotaSupport(user: user, project: project, mountPoint: m.point, filesystem: m.type, reason: reason)
    }
}

/// The Linux quota tools (Debian package `quota`).
public enum QuotaTool {
    /// Asks the system about the filesystem holding `root`.
    public static func detect(root: String) -> QuotaSupport {
        let real = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard let mountinfo = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else {
            return .none(Reason("/proc/self/mountinfo illisible : quotas non appliqués", "/proc/self/mountinfo unreadable"))
        }
        var user: String?, project: String?
        if let m = QuotaSupport.mount(of: real, mountinfo: mountinfo), SystemTool.quotaon.isInstalled {
            // `quotaon -p` prints the state and exits non-zero when quotas are off: both are answers.
            user = (try? SystemTool.quotaon.run(["-p", "-u", m.point])).map { $0.text + $0.errors } ?? ""
            project = (try? SystemTool.quotaon.run(["-p", "-P", m.point])).map { $0.text + $0.errors } ?? ""
        }
        return QuotaSupport.decide(path: real, mountinfo: mountinfo, quotaonUser: user, quotaonProject: project)
    }

    /// `setquota` arguments giving `subject` a hard and soft limit of `bytes` (in 1 KiB blocks,
    /// rounded up) and no limit on the number of files.
    public static func setArguments(_ subject: QuotaSubject, bytes: Int64, mountPoint: String) -> [String] {
        let blocks = String((bytes + 1023) / 1024)
        switch subject {
        case let .user(uid): return ["-u", String(uid), blocks, blocks, "0", "0", mountPoint]
        case let .project(id): return ["-P", String(id), blocks, blocks, "0", "0", mountPoint]
        }
    }

    /// `chattr` arguments putting a shared space's tree in its project (new files inherit it).
    public static func projectArguments(_ id: Int, path: String) -> [String] {
        ["-R", "-p", String(id), "+P", path]
    }

    /// Hard block limits by numeric id from `repquota -n -p` output, in bytes; ids without a
    /// limit (0) are left out.
    public static func parseReport(_ text: String) -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 5, let id = Int(f[0].dropFirst()), let hard = Int64(f[4]), hard > 0 else { continue }
            out[id] = hard * 1024
        }
        return out
    }

    /// The limits in force now.
    public static func state(_ support: QuotaSupport) -> QuotaState {
        guard let point = support.mountPoint, support.user || support.project else { return QuotaState(support: support) }
        var users: [Int: Int64] = [:], projects: [Int: Int64] = [:]
        if support.user, let r = try? SystemTool.repquota.run(["-u", "-n", "-p", point]), r.succeeded { users = parseReport(r.text) }
        if support.project, let r = try? SystemTool.repquota.run(["-P", "-n", "-p", point]), r.succeeded { projects = parseReport(r.text) }
        return QuotaState(support: support, userLimits: users, projectLimits: projects)
    }

    public static func apply(_ subject: QuotaSubject, bytes: Int64, path: String, support: QuotaSupport) throws {
        guard let point = support.mountPoint else { return }
        if case let .project(id) = subject { try SystemTool.chattr.check(projectArguments(id, path: path)) }
        try SystemTool.setquota.check(setArguments(subject, bytes: bytes, mountPoint: point))
    }
}

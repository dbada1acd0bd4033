import BasculeDomain
import BasculeStore
import Foundation

/// Bascule's own copy of every export it imported, under `<data>/imports/<UAI>/<source>/`: what
/// a plan was computed from, kept until the summer clean-up ("les anciens fichiers d'importation
/// seront supprimés"). The files hold students' names and birth dates: readable by the owner
/// only, and removed once they are old, always keeping the newest of each school and source,
/// which the directory still follows.
public struct ImportFileArchive: Sendable {
    public let root: URL

    public init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("imports")
    }

    /// One kept copy. Its name orders copies by import (`000012_2026-08-24_ab12cd34ef56_export.zip`).
    public struct KeptFile: Sendable, Hashable, Codable {
        public var uai: String
        public var source: String
        public var seq: Int
        public var importedOn: String
        public var fileName: String
        public var path: String
        public var bytes: Int64
    }

    /// Copies `url`, imported as `info` on `day`.
    @discardableResult
    public func keep(_ url: URL, info: ImportInfo, day: CivilDate) throws -> URL {
        let folder = root.appendingPathComponent(info.uai.code).appendingPathComponent(info.source.rawValue)
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for dir in [root, root.appendingPathComponent(info.uai.code), folder] {
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        }
        let name = String(format: "%06d", info.seq) + "_\(day)_\(info.fileSHA256.prefix(12))_" + url.lastPathComponent
        let target = folder.appendingPathComponent(name)
        if fm.fileExists(atPath: target.path) { return target }
        let partial = folder.appendingPathComponent("." + name + ".partiel")
        try? fm.removeItem(at: partial)
        try fm.copyItem(at: url, to: partial)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial.path)
        // Renamed once complete: a copy interrupted half-way is never mistaken for an export.
        try fm.moveItem(at: partial, to: target)
        return target
    }

    /// Every kept copy, by school, source and import order.
    public func list() throws -> [KeptFile] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.path) else { return [] }
        var out: [KeptFile] = []
        for uai in try fm.contentsOfDirectory(atPath: root.path).sorted() {
            let school = root.appendingPathComponent(uai)
            guard let sources = try? fm.contentsOfDirectory(atPath: school.path) else { continue }
            for source in sources.sorted() {
                let folder = school.appendingPathComponent(source)
                guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { continue }
                for name in names where !name.hasPrefix(".") {
                    let parts = name.split(separator: "_", maxSplits: 3)
                    guard parts.count == 4, let seq = Int(parts[0]) else { continue }
                    let path = folder.appendingPathComponent(name).path
                    let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                    out.append(KeptFile(uai: uai, source: source, seq: seq, importedOn: String(parts[1]),
                                        fileName: String(parts[3]), path: path, bytes: size))
                }
            }
        }
        return out.sorted { ($0.uai, $0.source, $0.seq) < ($1.uai, $1.source, $1.seq) }
    }

    /// The copies a clean-up removes: all but the newest of each school and source.
    public static func old(_ files: [KeptFile]) -> [KeptFile] {
        let newest = Dictionary(files.map { ("\($0.uai)/\($0.source)", $0.seq) }, uniquingKeysWith: max)
        return files.filter { newest["\($0.uai)/\($0.source)"] != $0.seq }
    }

    /// Removes `files`, auditing each removal, and returns those removed.
    public func purge(_ files: [KeptFile], store: Store, actor: String, reason: String, now: Date = Date()) async throws -> [KeptFile] {
        var removed: [KeptFile] = []
        var audit: [AuditEntry] = []
        for f in files {
            try FileManager.default.removeItem(atPath: f.path)
            removed.append(f)
            audit.append(AuditEntry(at: now.formatted(.iso8601), actor: actor, uai: UAI(f.uai) ?? UAI("0000000A")!,
                                    event: "purge-import-file", target: f.fileName,
                                    french: "ancien fichier d'import supprimé (\(f.source), importé le \(f.importedOn)) ; \(reason)",
                                    english: "old import file removed (\(f.source), imported on \(f.importedOn)); \(reason)", planHash: nil))
        }
        try await store.audit(audit)
        return removed
    }
}

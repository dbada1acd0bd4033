import BasculeDomain
import Crypto
import Foundation

/// What an archive holds, written next to it (`.manifest.json`): the space, the school, the
/// day, the reason, and every entry with its size, date, owner and SHA-256.
public struct ArchiveManifest: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        /// Relative to the space; names that are not UTF-8 also have `pathBase64`, exact.
        public var path: String
        public var pathBase64: String?
        public var type: TreeEntry.Kind
        public var size: Int64
        /// ISO 8601, UTC.
        public var mtime: String
        public var uid: Int
        public var gid: Int
        /// Octal.
        public var mode: String
        /// Regular files only.
        public var sha256: String?
        /// Symbolic links only.
        public var target: String?

        var bytes: [UInt8] {
            pathBase64.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? Array(path.utf8)
        }
    }

    public var format: String
    public var uai: String
    /// The space's key (`perso:<id>`, `classe:6A`…) and kind.
    public var space: String
    public var spaceKind: SpaceKind
    /// The space's folder, absolute.
    public var folder: String
    public var createdOn: CivilDate
    public var createdAt: String
    public var reason: Reason
    /// The archive's file name, next to this manifest.
    public var archive: String
    public var compression: String
    public var fileCount: Int
    /// Sum of the regular files' sizes.
    public var byteCount: Int64
    public var entries: [Entry]

    public static let formatName = "bascule-archive-espace/1"
}

/// An archive made, checked, and in its place.
public struct ArchiveResult: Sendable, Hashable {
    public var archivePath: String
    public var manifestPath: String
    public var manifestSHA256: String
    public var fileCount: Int
    public var byteCount: Int64
    public var manifest: ArchiveManifest
}

/// Archives a space with the system's `tar` (gzip, numeric owners, ACLs kept, sparse files
/// stored as such) and checks the archive against the manifest before anyone removes anything.
public enum Archiver {
    /// What the space holds, read once: the manifest's entries, files hashed.
    public static func inventory(_ folder: String, hashing: Bool = true) throws -> [ArchiveManifest.Entry] {
        var entries: [ArchiveManifest.Entry] = []
        try FileTree.walk(folder) { e, open in
            var sha: String?
            if e.kind == .file && hashing {
                let fd = try open()
                defer { close(fd) }
                sha = try sha256(fd: fd, shown: folder + "/" + e.pathString)
            }
            let valid = String(validating: e.path, as: UTF8.self)
            entries.append(.init(
                path: valid ?? e.pathString, pathBase64: valid == nil ? Data(e.path).base64EncodedString() : nil,
                type: e.kind, size: e.kind == .file ? e.size : 0,
                mtime: Date(timeIntervalSince1970: TimeInterval(e.mtime)).formatted(.iso8601),
                uid: e.uid, gid: e.gid, mode: String(e.mode, radix: 8), sha256: sha,
                target: e.linkTarget.map { String(decoding: $0, as: UTF8.self) }))
        }
        return entries
    }

    static func sha256(fd: Int32, shown: String) throws -> String {
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw SpacesError.system(path: shown, call: "lecture", errno: errno) }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// Archives `folder` into `directory` as `<name>.tar.gz` with `<name>.manifest.json`; nil
    /// when the folder is empty (nothing to keep). The archive is listed back and its content
    /// hashed against the manifest before it takes its final name: a result means it is good.
    public static func archive(folder: String, into directory: String, name: String, uai: UAI, key: String,
                               kind: SpaceKind, reason: Reason, on day: CivilDate, at now: Date = Date()) throws -> ArchiveResult? {
        let entries = try inventory(folder)
        guard !entries.isEmpty else { return nil }
        try makeDirectories(directory)
        var base = name
        var n = 2
        while FileManager.default.fileExists(atPath: "\(directory)/\(base).tar.gz")
            || FileManager.default.fileExists(atPath: "\(directory)/\(base).manifest.json") {
            base = "\(name)_\(n)"
            n += 1
        }
        let archivePath = "\(directory)/\(base).tar.gz", manifestPath = "\(directory)/\(base).manifest.json"
        let partial = archivePath + ".partiel", list = "\(directory)/.\(base).liste"
        defer { unlink(list) }
        var names: [UInt8] = []
        for e in entries { names += e.bytes + [0] }
        guard FileManager.default.createFile(atPath: list, contents: Data(names), attributes: [.posixPermissions: 0o600]) else {
            throw SpacesError.system(path: list, call: "écriture", errno: errno)
        }
        do {
            // tar's exit code 1 ("file changed as we read it") fails too: the manifest would lie.
            try SystemTool.tar.check(["--create", "--gzip", "--file", partial, "--directory", folder, "--numeric-owner", "--acls",
                                      "--sparse", "--hard-dereference", "--no-recursion", "--null", "--verbatim-files-from",
                                      "--no-unquote", "--files-from", list])
            // tar follows the umask; an archive of students' files is root's alone.
            guard chmod(partial, 0o600) == 0 else { throw SpacesError.system(path: partial, call: "chmod", errno: errno) }
            let files = entries.filter { $0.type == .file }
            let manifest = ArchiveManifest(
                format: ArchiveManifest.formatName, uai: uai.code, space: key, spaceKind: kind, folder: folder, createdOn: day,
                createdAt: now.formatted(.iso8601), reason: reason, archive: (archivePath as NSString).lastPathComponent,
                compression: "gzip", fileCount: files.count, byteCount: files.reduce(0) { $0 + $1.size }, entries: entries)
            try verify(archive: partial, manifest: manifest)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(manifest)
            guard FileManager.default.createFile(atPath: manifestPath, contents: body, attributes: [.posixPermissions: 0o600]) else {
                throw SpacesError.system(path: manifestPath, call: "écriture", errno: errno)
            }
            guard rename(partial, archivePath) == 0 else { throw SpacesError.system(path: partial, call: "rename", errno: errno) }
            return ArchiveResult(archivePath: archivePath, manifestPath: manifestPath, manifestSHA256: hex(SHA256.hash(data: body)),
                                 fileCount: manifest.fileCount, byteCount: manifest.byteCount, manifest: manifest)
        } catch {
            unlink(partial)
            unlink(manifestPath)
            throw error
        }
    }

    /// Reads the archive back in one pass: every entry's name (in order) and each regular
    /// file's content, hashed and compared with the manifest. Throws
    /// ``SpacesError/archiveMismatch(path:detail:)`` at the first difference.
    public static func verify(archive: String, manifest: ArchiveManifest) throws {
        // `--to-stdout` writes the regular files' content one after the other, in archive order;
        // `--verbose` with `--index-file` writes the names elsewhere: one decompression, not two.
        let index = (archive as NSString).deletingLastPathComponent + "/." + (archive as NSString).lastPathComponent + ".index"
        defer { unlink(index) }
        let files = manifest.entries.filter { $0.type == .file }
        var position = 0
        var remaining = files.first?.size ?? 0
        var hasher = SHA256()
        func finishFiles() throws {
            while position < files.count && remaining == 0 {
                let got = hex(hasher.finalize())
                guard got == files[position].sha256 else {
                    throw SpacesError.archiveMismatch(path: archive, detail: "contenu différent pour \(files[position].path)")
                }
                position += 1
                hasher = SHA256()
                remaining = position < files.count ? files[position].size : 0
            }
        }
        try finishFiles()
        let run = try SystemTool.tar.run(["--extract", "--gzip", "--file", archive, "--to-stdout", "--verbose",
                                          "--index-file=\(index)", "--quoting-style=escape"]) { chunk in
            var offset = 0
            while offset < chunk.count {
                guard position < files.count else {
                    throw SpacesError.archiveMismatch(path: archive, detail: "contenu en trop après le dernier fichier")
                }
                let take = Int(min(Int64(chunk.count - offset), remaining))
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[offset..<(offset + take)]))
                offset += take
                remaining -= Int64(take)
                try finishFiles()
            }
        }
        guard run.succeeded else { throw SpacesError.tool("tar --extract --to-stdout", run.errors) }
        guard position == files.count else {
            throw SpacesError.archiveMismatch(path: archive, detail: "contenu manquant à partir de \(files[position].path)")
        }
        let names = FileManager.default.contents(atPath: index).map { [UInt8]($0) } ?? []
        let listed = names.split(separator: 10, omittingEmptySubsequences: true).map { line -> [UInt8] in
            let name = unescapeTar(Array(line))
            return name.last == 47 ? Array(name.dropLast()) : name
        }
        let expected = manifest.entries.map(\.bytes)
        guard listed == expected else {
            let missing = Set(expected).subtracting(listed).first.map { String(decoding: $0, as: UTF8.self) }
            let extra = Set(listed).subtracting(expected).first.map { String(decoding: $0, as: UTF8.self) }
            throw SpacesError.archiveMismatch(path: archive, detail: "\(listed.count) entrée(s) listée(s) pour \(expected.count) au manifeste"
                + (missing.map { ", absente : \($0)" } ?? "") + (extra.map { ", en trop : \($0)" } ?? ""))
        }
    }

    /// GNU tar's `escape` quoting: `\\`, C escapes, `\ooo`.
    static func unescapeTar(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        let simple: [UInt8: UInt8] = [92: 92, 110: 10, 116: 9, 114: 13, 97: 7, 98: 8, 102: 12, 118: 11, 63: 63, 34: 34, 39: 39]
        while i < b.count {
            if b[i] == 92, i + 1 < b.count {
                if let v = simple[b[i + 1]] { out.append(v); i += 2; continue }
                if i + 3 < b.count, let v = ACLTool.octal(b[(i + 1)...(i + 3)]) { out.append(v); i += 4; continue }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// Missing folders of `path`, made with `mode` (owner-only by default: an archive holds
    /// students' files).
    /// Makes the folders of `path` that are missing, each with exactly `mode`: the umask (077 in
    /// the CLI) must not close a spaces' root that everyone of the school goes through.
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) == 0 {
                if chmod(current, mode) != 0 { throw SpacesError.system(path: current, call: "chmod", errno: errno) }
            } else if errno != EEXIST {
                throw SpacesError.system(path: current, call: "mkdir", errno: errno)
            }
        }
    }

    /// Removes an archive and its manifest (retention over).
    public static func purge(archivePath: String, manifestPath: String) throws {
        for p in [archivePath, manifestPath] where unlink(p) != 0 && errno != ENOENT {
            throw SpacesError.system(path: p, call: "suppression", errno: errno)
        }
    }

    /// Reads a manifest back.
    public static func readManifest(_ path: String) throws -> ArchiveManifest {
        guard let data = FileManager.default.contents(atPath: path) else { throw SpacesError.system(path: path, call: "lecture", errno: errno) }
        let decoder = JSONDecoder()
        return try decoder.decode(ArchiveManifest.self, from: data)
    }
}

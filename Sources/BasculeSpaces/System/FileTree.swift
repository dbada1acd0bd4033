import Foundation

/// One entry met while walking a space: never a symbolic link followed, never another filesystem.
public struct TreeEntry: Sendable {
    public enum Kind: String, Sendable, Codable { case file = "fichier", directory = "dossier", symlink = "lien", other = "autre" }
    /// Relative to the walked folder, as the bytes the filesystem holds (names need not be UTF-8).
    public var path: [UInt8]
    public var kind: Kind
    public var size: Int64
    /// Bytes the filesystem allocated (`st_blocks` × 512): what a sparse file really takes.
    public var allocated: Int64
    public var mtime: Int64
    public var mtimeNanoseconds: Int
    public var uid: Int
    public var gid: Int
    public var mode: Int
    public var device: UInt64
    public var inode: UInt64
    public var links: Int
    public var linkTarget: [UInt8]?

    public var pathString: String { String(decoding: path, as: UTF8.self) }
}

/// How much a space holds.
public struct SpaceUsage: Hashable, Sendable, Codable {
    /// Allocated bytes, hard links counted once.
    public var allocated: Int64 = 0
    /// Sum of file sizes (a sparse file counts its whole length here, not above).
    public var apparent: Int64 = 0
    public var files: Int = 0
    public var directories: Int = 0
    public var symlinks: Int = 0
    public var oldest: Int64?
    public var newest: Int64?
    /// Allocated bytes of each entry directly in the space (folders and files), for "biggest folders".
    public var topLevel: [String: Int64] = [:]

    public init() {}
}

/// Safe operations on a tree: every step below a known folder goes through `openat` with
/// `O_NOFOLLOW`, so a symbolic link planted in a space is never followed out of it.
public enum FileTree {
    public static func stat(_ path: String) -> ObservedFolder? {
        var st = Glibc.stat()
        guard lstat(path, &st) == 0 else { return nil }
        return observed(st)
    }

    static func observed(_ st: Glibc.stat) -> ObservedFolder {
        let type: ObservedFolder.FileType
        switch st.st_mode & S_IFMT {
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symlink
        default: type = .other
        }
        return ObservedFolder(type: type, uid: Int(st.st_uid), gid: Int(st.st_gid), mode: Int(st.st_mode & 0o7777))
    }

    /// Names directly in a folder, sorted; empty when it cannot be read.
    public static func names(in path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return ((try? rawNames(fd)) ?? []).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// Names of the regular files directly in a folder (no link, no folder), sorted.
    public static func regularFiles(in path: String) -> [String] {
        names(in: path).filter { isRegularFile(path + "/" + $0) }
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var st = Glibc.stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    /// A regular file's mode, through a descriptor opened without following a link.
    public static func setFileMode(_ path: String, _ mode: Int) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw SpacesError.system(path: path, call: "ouverture", errno: errno) }
        defer { close(fd) }
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { throw SpacesError.system(path: path, call: "chmod", errno: EINVAL) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SpacesError.system(path: path, call: "chmod", errno: errno) }
    }

    /// Opens a folder for the operations below; a symbolic link or a file is refused.
    static func openDirectory(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP || e == ENOTDIR, stat(path)?.type == .symlink { throw SpacesError.symlink(path) }
            throw SpacesError.system(path: path, call: "ouverture", errno: e)
        }
        return fd
    }

    /// Checks that no component of `relative` below `root` is a symbolic link (the root itself is
    /// the administrator's choice), so that nothing done there lands outside the root.
    public static func checkNoSymlink(root: String, relative: String) throws {
        var path = root
        for part in relative.split(separator: "/") {
            path += "/" + part
            guard let o = stat(path) else { return }
            if o.type == .symlink { throw SpacesError.symlink(path) }
        }
    }

    /// Creates the folder if missing (its parent must exist), then gives it its owner and mode.
    public static func makeDirectory(_ path: String, uid: Int, gid: Int, mode: Int) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw SpacesError.system(path: path, call: "mkdir", errno: errno) }
        try setOwner(path, uid: uid, gid: gid)
        try setMode(path, mode)
    }

    public static func setOwner(_ path: String, uid: Int, gid: Int) throws {
        let fd = try openDirectory(path)
        defer { close(fd) }
        guard fchown(fd, uid_t(uid), gid_t(gid)) == 0 else { throw SpacesError.system(path: path, call: "chown", errno: errno) }
    }

    public static func setMode(_ path: String, _ mode: Int) throws {
        let fd = try openDirectory(path)
        defer { close(fd) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SpacesError.system(path: path, call: "chmod", errno: errno) }
    }

    /// Moves a folder to a name that must not exist yet.
    public static func move(_ from: String, to: String) throws {
        guard stat(to) == nil else { throw SpacesError.system(path: to, call: "déplacement", errno: EEXIST) }
        guard rename(from, to) == 0 else { throw SpacesError.system(path: from, call: "déplacement vers \(to)", errno: errno) }
    }

    /// Removes everything in the folder, and the folder itself when `keepFolder` is false.
    public static func remove(_ path: String, keepFolder: Bool) throws {
        let fd = try openDirectory(path)
        do {
            try removeContents(fd, shown: path)
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        if !keepFolder && rmdir(path) != 0 { throw SpacesError.system(path: path, call: "rmdir", errno: errno) }
    }

    static func removeContents(_ fd: Int32, shown: String) throws {
        for name in try rawNames(fd) {
            var st = Glibc.stat()
            let r = name.withCString { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }
            guard r == 0 else { continue }
            let shownChild = shown + "/" + String(decoding: name, as: UTF8.self)
            if st.st_mode & S_IFMT == S_IFDIR {
                let child = name.withCString { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard child >= 0 else { throw SpacesError.system(path: shownChild, call: "ouverture", errno: errno) }
                do { try removeContents(child, shown: shownChild) } catch { close(child); throw error }
                close(child)
                guard name.withCString({ unlinkat(fd, $0, AT_REMOVEDIR) }) == 0 else {
                    throw SpacesError.system(path: shownChild, call: "rmdir", errno: errno)
                }
            } else {
                guard name.withCString({ unlinkat(fd, $0, 0) }) == 0 else {
                    throw SpacesError.system(path: shownChild, call: "unlink", errno: errno)
                }
            }
        }
    }

    /// Entries of a folder, names as bytes, `.` and `..` left out.
    static func rawNames(_ fd: Int32) throws -> [[UInt8]] {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw SpacesError.system(path: "fd \(fd)", call: "opendir", errno: errno)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var out: [[UInt8]] = []
        while let e = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: &e.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: 256) { p in Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))) }
            }
            if name == [46] || name == [46, 46] { continue }
            out.append(name)
        }
        return out
    }

    /// Visits every entry under `path`, parents before their content, names sorted byte-wise;
    /// symbolic links are reported, not followed, and other filesystems are not entered.
    /// `open` gives the visitor a way to read a regular file (by descriptor) during the walk.
    public static func walk(_ path: String, _ visit: (TreeEntry, _ open: () throws -> Int32) throws -> Void) throws {
        let fd = try openDirectory(path)
        defer { close(fd) }
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else { throw SpacesError.system(path: path, call: "stat", errno: errno) }
        try walk(fd, prefix: [], device: UInt64(st.st_dev), shown: path, visit)
    }

    private static func walk(_ fd: Int32, prefix: [UInt8], device: UInt64, shown: String,
                             _ visit: (TreeEntry, () throws -> Int32) throws -> Void) throws {
        for name in try rawNames(fd).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var st = Glibc.stat()
            guard name.withCString({ fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }
            let relative = prefix.isEmpty ? name : prefix + [47] + name
            let kind: TreeEntry.Kind
            switch st.st_mode & S_IFMT {
            case S_IFREG: kind = .file
            case S_IFDIR: kind = .directory
            case S_IFLNK: kind = .symlink
            default: kind = .other
            }
            var target: [UInt8]?
            if kind == .symlink {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = name.withCString { readlinkat(fd, $0, &buffer, buffer.count) }
                if n >= 0 { target = Array(buffer[0..<n]) }
            }
            let entry = TreeEntry(path: relative, kind: kind, size: Int64(st.st_size), allocated: Int64(st.st_blocks) * 512,
                                  mtime: Int64(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec),
                                  uid: Int(st.st_uid), gid: Int(st.st_gid), mode: Int(st.st_mode & 0o7777),
                                  device: UInt64(st.st_dev), inode: UInt64(st.st_ino), links: Int(st.st_nlink), linkTarget: target)
            try visit(entry) {
                let f = name.withCString { openat(fd, $0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
                guard f >= 0 else { throw SpacesError.system(path: shown + "/" + entry.pathString, call: "ouverture", errno: errno) }
                return f
            }
            if kind == .directory && UInt64(st.st_dev) == device {
                let child = name.withCString { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard child >= 0 else { continue }
                defer { close(child) }
                try walk(child, prefix: relative, device: device, shown: shown, visit)
            }
        }
    }

    /// What a space holds: allocated bytes (hard links once), apparent size, counts, dates.
    public static func measure(_ path: String) throws -> SpaceUsage {
        var usage = SpaceUsage()
        var seen = Set<[UInt64]>()
        try walk(path) { e, _ in
            // A file with several names takes its blocks once.
            let first = e.kind == .directory || e.links <= 1 || seen.insert([e.device, e.inode]).inserted
            let counted = first ? e.allocated : 0
            usage.allocated += counted
            switch e.kind {
            case .file:
                usage.files += 1
                if first { usage.apparent += e.size }
                usage.oldest = min(usage.oldest ?? e.mtime, e.mtime)
                usage.newest = max(usage.newest ?? e.mtime, e.mtime)
            case .directory: usage.directories += 1
            case .symlink: usage.symlinks += 1
            case .other: break
            }
            let top = e.path.split(separator: 47, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            usage.topLevel[top, default: 0] += counted
        }
        return usage
    }
}

extension Array where Element == UInt8 {
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (self + [0]).withUnsafeBufferPointer { try $0.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) } }
    }
}

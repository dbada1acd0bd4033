import BasculeDomain
import Foundation

/// The tree under the root, read and changed. Every path is checked for symbolic links below
/// the root before anything is done there.
public struct SpaceFiles: Sendable {
    public let root: String

    public init(root: String) {
        self.root = SpaceTree.trimmed(root)
    }

    public func absolute(_ relative: String) -> String { root + "/" + relative }

    /// What Bascule needs to compare: the folders it wants and the ones it recorded (with their
    /// ACLs), and the entries directly in the school's containers.
    public func read(uai: UAI, desired: [DesiredFolder], records: [SpaceRecord]) throws -> ObservedTree {
        var tree = ObservedTree()
        var paths = Set(desired.map(\.path))
        for r in records {
            paths.insert(r.path)
            if let m = r.movingFrom { paths.insert(m) }
        }
        for p in paths {
            if let o = FileTree.stat(absolute(p)) { tree.folders[p] = o }
        }
        let wanted = Set(desired.map(\.path))
        let directories = tree.folders.filter { wanted.contains($0.key) && $0.value.type == .directory }.map(\.key).sorted()
        let acls = try ACLTool.read(directories.map(absolute))
        for p in directories { tree.folders[p]?.acl = acls[absolute(p)] }
        // The files of spaces whose files carry the space's readers, with their ACL.
        for f in desired where SpaceConvergence.filesFollowFolder.contains(f.kind) && tree.folders[f.path]?.type == .directory {
            for name in FileTree.regularFiles(in: absolute(f.path)) {
                if let o = FileTree.stat(absolute(f.path + "/" + name)) { tree.files[f.path + "/" + name] = o }
            }
        }
        let fileACLs = try ACLTool.read(tree.files.keys.sorted().map(absolute))
        for p in tree.files.keys { tree.files[p]?.acl = fileACLs[absolute(p)] }
        let school = uai.code
        for container in [school] + [SpaceTree.personal, SpaceTree.classes, SpaceTree.groups, SpaceTree.subjects].map({ "\(school)/\($0)" })
        where tree.folders[container]?.type == .directory {
            tree.listings[container] = FileTree.names(in: absolute(container))
        }
        return tree
    }

    /// The root itself, if missing (its parent must exist): root's, readable by all, since each
    /// school's folder below closes itself.
    public func ensureRoot() throws {
        if FileTree.stat(root) == nil {
            try Archiver.makeDirectories(root, mode: 0o755)
        }
    }

    /// Makes the folder (if missing) and gives it its owner, mode and ACL.
    public func create(_ f: DesiredFolder) throws {
        try FileTree.checkNoSymlink(root: root, relative: f.path)
        let path = absolute(f.path)
        try FileTree.makeDirectory(path, uid: f.uid, gid: f.gid, mode: f.mode)
        try setPermissions(f)
    }

    public func setOwner(_ f: DesiredFolder) throws {
        try FileTree.checkNoSymlink(root: root, relative: f.path)
        try FileTree.setOwner(absolute(f.path), uid: f.uid, gid: f.gid)
    }

    /// ACL first (setfacl rewrites the group bits from the mask), then the mode with its special
    /// bits. `f` may be a file of a space whose files carry its readers.
    public func setPermissions(_ f: DesiredFolder) throws {
        try FileTree.checkNoSymlink(root: root, relative: f.path)
        let path = absolute(f.path)
        try ACLTool.set(f.acl, on: path)
        if FileTree.isRegularFile(path) {
            try FileTree.setFileMode(path, f.mode)
        } else {
            try FileTree.setMode(path, f.mode)
        }
    }

    /// Moves a folder; done already (source gone, destination there) is not an error.
    public func move(from: String, to: String) throws {
        try FileTree.checkNoSymlink(root: root, relative: from)
        try FileTree.checkNoSymlink(root: root, relative: to)
        if FileTree.stat(absolute(from)) == nil, FileTree.stat(absolute(to))?.type == .directory { return }
        try FileTree.move(absolute(from), to: absolute(to))
    }

    /// Removes the folder and all it holds; an already missing folder is not an error.
    public func remove(_ relative: String) throws {
        try FileTree.checkNoSymlink(root: root, relative: relative)
        guard FileTree.stat(absolute(relative)) != nil else { return }
        try FileTree.remove(absolute(relative), keepFolder: false)
    }

    /// Removes what the folder holds, keeping the folder and its rights.
    public func empty(_ relative: String) throws {
        try FileTree.checkNoSymlink(root: root, relative: relative)
        try FileTree.remove(absolute(relative), keepFolder: true)
    }

    public func measure(_ relative: String) throws -> SpaceUsage {
        try FileTree.checkNoSymlink(root: root, relative: relative)
        return try FileTree.measure(absolute(relative))
    }
}

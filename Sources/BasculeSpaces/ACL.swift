/// Read, write and execute bits of one ACL entry (`rwx`, `r-x`, `---`).
public struct Permissions: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var bits: Int

    public init(_ bits: Int) { self.bits = bits & 7 }

    public static let none = Permissions(0)
    public static let traverse = Permissions(1)
    public static let read = Permissions(5)
    public static let all = Permissions(7)
    /// For files: `rw-` and `r--`.
    public static let readWrite = Permissions(6)
    public static let readOnly = Permissions(4)

    /// `rwx`, `r-x`, `---`; nil for anything else.
    public init?(text: some StringProtocol) {
        let c = Array(text)
        guard c.count == 3 else { return nil }
        var b = 0
        for (i, (on, bit)) in [("r", 4), ("w", 2), ("x", 1)].enumerated() {
            if String(c[i]) == on { b |= bit } else if c[i] != "-" { return nil }
        }
        bits = b
    }

    public var description: String {
        (bits & 4 != 0 ? "r" : "-") + (bits & 2 != 0 ? "w" : "-") + (bits & 1 != 0 ? "x" : "-")
    }

    public static func < (a: Permissions, b: Permissions) -> Bool { a.bits < b.bits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let p = Permissions(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "permissions \(text)"))
        }
        self = p
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One line of a POSIX ACL, ids always numeric: the host may not resolve the directory's names.
public struct ACLEntry: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Tag: Int, Hashable, Sendable, Comparable {
        case user = 0, group = 1, mask = 2, other = 3
        public static func < (a: Tag, b: Tag) -> Bool { a.rawValue < b.rawValue }
        var text: String { ["user", "group", "mask", "other"][rawValue] }
    }

    /// Part of the default ACL, which new files and folders inherit.
    public var isDefault: Bool
    public var tag: Tag
    /// A named user or group; nil for the owner (`user::`), the owning group (`group::`), mask and other.
    public var id: Int?
    public var permissions: Permissions

    public init(default isDefault: Bool = false, _ tag: Tag, _ id: Int? = nil, _ permissions: Permissions) {
        self.isDefault = isDefault
        self.tag = tag
        self.id = (tag == .user || tag == .group) ? id : nil
        self.permissions = permissions
    }

    /// `setfacl`'s and `getfacl --numeric`'s form: `default:group:100042:rwx`.
    public var description: String {
        (isDefault ? "default:" : "") + "\(tag.text):\(id.map(String.init) ?? ""):\(permissions)"
    }

    public static func < (a: ACLEntry, b: ACLEntry) -> Bool {
        (a.isDefault ? 1 : 0, a.tag, a.id ?? -1) < (b.isDefault ? 1 : 0, b.tag, b.id ?? -1)
    }
}

/// A folder's access and default ACL, compared entry by entry.
public struct ACL: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [ACLEntry]

    public init(_ entries: [ACLEntry]) {
        // One entry per tag and id: the last one given wins, as with setfacl.
        var byKey: [String: ACLEntry] = [:]
        for e in entries { byKey["\(e.isDefault) \(e.tag.rawValue) \(e.id ?? -1)"] = e }
        self.entries = byKey.values.sorted()
    }

    public var access: [ACLEntry] { entries.filter { !$0.isDefault } }
    public var defaults: [ACLEntry] { entries.filter(\.isDefault) }

    /// The comma-separated list `setfacl --set` takes.
    public var description: String { entries.map(\.description).joined(separator: ",") }

    /// An ACL from owner, owning group and other permissions and named entries, with a mask that
    /// lets every named entry through, and the same as default when `inherited`.
    public static func make(owner: Permissions, group: Permissions, other: Permissions = .none,
                            users: [(Int, Permissions)] = [], groups: [(Int, Permissions)] = [],
                            inherited: Bool) -> ACL {
        func set(_ d: Bool) -> [ACLEntry] {
            var out = [ACLEntry(default: d, .user, nil, owner), ACLEntry(default: d, .group, nil, group),
                       ACLEntry(default: d, .other, nil, other)]
            out += users.map { ACLEntry(default: d, .user, $0.0, $0.1) }
            out += groups.map { ACLEntry(default: d, .group, $0.0, $0.1) }
            // POSIX wants a mask as soon as there is a named entry; it caps the group class.
            if !users.isEmpty || !groups.isEmpty {
                let union = ([group] + users.map(\.1) + groups.map(\.1)).reduce(0) { $0 | $1.bits }
                out.append(ACLEntry(default: d, .mask, nil, Permissions(union)))
            }
            return out
        }
        return ACL(set(false) + (inherited ? set(true) : []))
    }

    /// The permission bits `chmod` sees: owner, group class (the mask when there is one), other.
    public var modeBits: Int {
        func p(_ tag: ACLEntry.Tag) -> Int? { access.first { $0.tag == tag && $0.id == nil }?.permissions.bits }
        return (p(.user) ?? 0) << 6 | (p(.mask) ?? p(.group) ?? 0) << 3 | (p(.other) ?? 0)
    }

    /// Entries of `getfacl --numeric --absolute-names --no-effective` output for one file (the
    /// `# file:` block); comments and blank lines are skipped. Nil when a line is not an entry.
    public static func parse(getfacl lines: some Sequence<Substring>) -> ACL? {
        var entries: [ACLEntry] = []
        for raw in lines {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingSpaces } ?? ""
            if line.isEmpty { continue }
            var parts = line.split(separator: ":", omittingEmptySubsequences: false)
            var isDefault = false
            if parts.first == "default" { isDefault = true; parts.removeFirst() }
            guard parts.count == 3, let perms = Permissions(text: parts[2]) else { return nil }
            let tag: ACLEntry.Tag
            switch parts[0] {
            case "user": tag = .user
            case "group": tag = .group
            case "mask": tag = .mask
            case "other": tag = .other
            default: return nil
            }
            let id: Int?
            if parts[1].isEmpty { id = nil } else if let n = Int(parts[1]) { id = n } else { return nil }
            entries.append(ACLEntry(default: isDefault, tag, id, perms))
        }
        return ACL(entries)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

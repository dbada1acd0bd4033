/// POSIX ACLs through `setfacl` and `getfacl` (Debian package `acl`), ids always numeric.
public enum ACLTool {
    /// The ACL of each folder, read with one `getfacl` per batch of paths. A path missing from
    /// the answer (gone meanwhile, or not a folder) is missing from the result.
    public static func read(_ paths: [String], batch: Int = 256) throws -> [String: ACL] {
        var out: [String: ACL] = [:]
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start..<min(start + batch, paths.count)])
            start += batch
            // Physical walk: a symbolic link argument is skipped, never followed.
            let r = try SystemTool.getfacl.run(["--numeric", "--absolute-names", "--no-effective", "--physical", "--"] + chunk)
            out.merge(parse(r.text), uniquingKeysWith: { _, b in b })
        }
        return out
    }

    /// `getfacl` output, block by block (`# file: <path>` then the entries).
    public static func parse(_ text: String) -> [String: ACL] {
        var out: [String: ACL] = [:]
        var file: String?
        var lines: [Substring] = []
        func flush() {
            if let file, let acl = ACL.parse(getfacl: lines) { out[file] = acl }
            file = nil
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# file: ") {
                flush()
                file = unescape(String(line.dropFirst("# file: ".count)))
            } else if line.hasPrefix("#") {
                continue
            } else if !line.isEmpty {
                lines.append(line)
            }
        }
        flush()
        return out
    }

    /// getfacl writes a backslash as `\\` and unprintable bytes as `\ooo`.
    static func unescape(_ s: String) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 92, i + 1 < b.count {
                if b[i + 1] == 92 { out.append(92); i += 2; continue }
                if i + 3 < b.count, let v = octal(b[(i + 1)...(i + 3)]) { out.append(v); i += 4; continue }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var v = 0
        for d in digits {
            guard (48...55).contains(d) else { return nil }
            v = v * 8 + Int(d - 48)
        }
        return v <= 255 ? UInt8(v) : nil
    }

    /// The arguments that replace a folder's ACL by `acl`: without default entries in `acl`,
    /// the default ACL is removed first (`--set` alone would keep it).
    public static func setArguments(_ acl: ACL, path: String) -> [String] {
        ["--physical"] + (acl.defaults.isEmpty ? ["--remove-default"] : []) + ["--set", acl.description, "--", path]
    }

    public static func set(_ acl: ACL, on path: String) throws {
        try SystemTool.setfacl.check(setArguments(acl, path: path))
    }
}

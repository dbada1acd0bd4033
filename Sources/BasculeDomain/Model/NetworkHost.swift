/// Where a server is, as far as secrets on the wire go: on this machine or not.
public enum NetworkHost {
    /// True for `localhost`, an IPv4 address in 127.0.0.0/8 and `::1` (with or without brackets,
    /// or IPv4-mapped): traffic to them never leaves the machine. Any other name is taken as
    /// remote, even one that resolves to loopback today: a name can be made to resolve elsewhere.
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h == "localhost." { return true }
        if h.hasPrefix("::ffff:") { h = String(h.dropFirst("::ffff:".count)) }
        if isIPv4Loopback(h) { return true }
        return h == "::1" || h == "0:0:0:0:0:0:0:1"
    }

    static func isIPv4Loopback(_ h: String) -> Bool {
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let numbers = parts.compactMap { p -> Int? in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(p)
        }
        return numbers.count == 4 && numbers.allSatisfy { $0 <= 255 } && numbers[0] == 127
    }
}

/// An e-mail address Bascule may write to or from: `local@domain` in plain ASCII, nothing else.
///
/// An address reaches an SMTP command line (`RCPT TO:<…>`) and a header, so anything that could
/// end a line or a bracket there (CR, LF, `<`, `>`, a space, a quote, a comma) is refused rather
/// than escaped: quoted local parts, comments and international addresses are legal in RFC 5321
/// and 5322 but no school's address needs them, and refusing them leaves no way to smuggle a
/// second recipient or a header in.
public struct MailAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// As given, the domain in lower case.
    public let value: String

    static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
    static let labelCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")

    public init?(_ text: String) {
        guard text.utf8.count <= 254, text.allSatisfy(\.isASCII) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        guard (1...64).contains(local.count), local.allSatisfy(Self.localCharacters.contains),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.count) && label.allSatisfy(Self.labelCharacters.contains)
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }) else { return nil }
        value = "\(local)@\(domain)"
    }

    /// What follows the `@`.
    public var domain: String { String(value[value.index(after: value.firstIndex(of: "@")!)...]) }

    /// Two addresses of one mailbox (the local part compared without case, as every school's
    /// server does): one digest, not two.
    public var key: String { value.lowercased() }

    public var description: String { value }

    public static func < (a: MailAddress, b: MailAddress) -> Bool { a.key < b.key }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = MailAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "« \(text) » n'est pas une adresse de courriel"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

import BasculeDomain

/// ISO-8859-15 (Latin-9), the encoding SIECLE and STS-Web write. Latin-1 with eight changes:
/// € Š š Ž ž Œ œ Ÿ take the places of ¤ ¦ ¨ ´ ¸ ¼ ½ ¾. What it cannot write becomes `?`, as SIECLE does.
public enum Latin9 {
    /// The byte for a scalar, or nil when ISO-8859-15 has none.
    @inline(__always)
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 0x80 { return UInt8(v) }
        if v < 0xA0 { return nil }
        if v <= 0xFF {
            switch v {
            case 0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE: return nil
            default: return UInt8(v)
            }
        }
        switch v {
        case 0x20AC: return 0xA4 // €
        case 0x0160: return 0xA6 // Š
        case 0x0161: return 0xA8 // š
        case 0x017D: return 0xB4 // Ž
        case 0x017E: return 0xB8 // ž
        case 0x0152: return 0xBC // Œ
        case 0x0153: return 0xBD // œ
        case 0x0178: return 0xBE // Ÿ
        default: return nil
        }
    }

    /// The text as ISO-8859-15 bytes, `?` for anything unrepresentable.
    public static func encode(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { byte(for: $0) ?? 0x3F }
    }

    /// Bytes read as ISO-8859-15.
    public static func decode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32
            switch b {
            case 0xA4: v = 0x20AC
            case 0xA6: v = 0x0160
            case 0xA8: v = 0x0161
            case 0xB4: v = 0x017D
            case 0xB8: v = 0x017E
            case 0xBC: v = 0x0152
            case 0xBD: v = 0x0153
            case 0xBE: v = 0x0178
            default: v = UInt32(b)
            }
            s.append(Unicode.Scalar(v)!)
        }
        return String(s)
    }

    /// The text as SIECLE would store it: unrepresentable characters replaced by `?`.
    public static func representable(_ text: String) -> String { decode(encode(text)) }

    /// True when every character of the text has a byte in ISO-8859-15.
    public static func canEncode(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { byte(for: $0) != nil } }
}

/// An XML document being written straight into ISO-8859-15 bytes, indented two spaces a level.
/// Tag and attribute names are static ASCII; values are escaped and encoded on the way in.
struct XMLBuffer {
    private(set) var bytes: [UInt8] = []
    private var depth = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
        ascii("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>")
    }

    mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Escaped, encoded text: `& < > " '` become entities, control characters and anything
    /// ISO-8859-15 cannot write become `?`. Reads the UTF-8 bytes directly (names are mostly ASCII).
    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                if b < 0x80 {
                    switch b {
                    case 0x26: ascii("&amp;")
                    case 0x3C: ascii("&lt;")
                    case 0x3E: ascii("&gt;")
                    case 0x22: ascii("&quot;")
                    case 0x27: ascii("&apos;")
                    case 0x09, 0x0A, 0x0D: bytes.append(b)
                    case 0..<0x20, 0x7F: bytes.append(0x3F)
                    default: bytes.append(b)
                    }
                    i += 1
                    continue
                }
                // A multi-byte sequence (the string is valid UTF-8).
                var v: UInt32
                var length: Int
                if b >= 0xF0 {
                    v = UInt32(b & 0x07)
                    length = 4
                } else if b >= 0xE0 {
                    v = UInt32(b & 0x0F)
                    length = 3
                } else {
                    v = UInt32(b & 0x1F)
                    length = 2
                }
                for k in 1..<length where i + k < n { v = (v << 6) | UInt32(utf8[i + k] & 0x3F) }
                i += length
                bytes.append(Unicode.Scalar(v).flatMap(Latin9.byte(for:)) ?? 0x3F)
            }
        }
    }

    /// Two digits, or four.
    private mutating func digits(_ value: Int, _ count: Int) {
        var divisor = count == 4 ? 1000 : 10
        while divisor > 0 {
            bytes.append(UInt8(0x30 + (value / divisor) % 10))
            divisor /= 10
        }
    }

    /// `<TAG>DD/MM/YYYY</TAG>` (SIECLE) or `<TAG>YYYY-MM-DD</TAG>` (STS-Web).
    mutating func date(_ tag: StaticString, _ d: CivilDate, french: Bool = true) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        bytes.append(0x3E)
        if french {
            digits(d.day, 2)
            bytes.append(0x2F)
            digits(d.month, 2)
            bytes.append(0x2F)
            digits(d.year, 4)
        } else {
            digits(d.year, 4)
            bytes.append(0x2D)
            digits(d.month, 2)
            bytes.append(0x2D)
            digits(d.day, 2)
        }
        ascii("</")
        ascii(tag)
        bytes.append(0x3E)
    }

    private mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<depth {
            bytes.append(0x20)
            bytes.append(0x20)
        }
    }

    private mutating func attribute(_ name: StaticString, _ value: String) {
        bytes.append(0x20)
        ascii(name)
        ascii("=\"")
        text(value)
        bytes.append(0x22)
    }

    mutating func open(_ tag: StaticString) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        bytes.append(0x3E)
        depth += 1
    }

    mutating func open(_ tag: StaticString, _ a: StaticString, _ av: String) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        attribute(a, av)
        bytes.append(0x3E)
        depth += 1
    }

    mutating func open(_ tag: StaticString, _ a: StaticString, _ av: String, _ b: StaticString, _ bv: String) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        attribute(a, av)
        attribute(b, bv)
        bytes.append(0x3E)
        depth += 1
    }

    mutating func close(_ tag: StaticString) {
        depth -= 1
        newline()
        ascii("</")
        ascii(tag)
        bytes.append(0x3E)
    }

    /// `<TAG A="v"/>`
    mutating func empty(_ tag: StaticString, _ a: StaticString, _ av: String) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        attribute(a, av)
        ascii("/>")
    }

    /// `<TAG A="v" B="w"/>`
    mutating func empty(_ tag: StaticString, _ a: StaticString, _ av: String, _ b: StaticString, _ bv: String) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        attribute(a, av)
        attribute(b, bv)
        ascii("/>")
    }

    /// `<TAG>value</TAG>`; an empty value gives `<TAG></TAG>`, as SIECLE writes empty strings.
    mutating func leaf(_ tag: StaticString, _ value: String) {
        newline()
        bytes.append(0x3C)
        ascii(tag)
        bytes.append(0x3E)
        text(value)
        ascii("</")
        ascii(tag)
        bytes.append(0x3E)
    }

    /// Omitted when nil, as SIECLE omits null values.
    mutating func leaf(_ tag: StaticString, ifPresent value: String?) {
        if let value { leaf(tag, value) }
    }

    mutating func finish() { bytes.append(0x0A) }
}

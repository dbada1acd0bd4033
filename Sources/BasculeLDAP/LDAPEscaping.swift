/// Escaping of values that reach LDAP inside a DN or a search filter. Names and group codes come
/// from exports anyone can type into: `*)(uid=*` or `6A,ou=admin` must stay a value.
public enum LDAPEscape {
    /// An attribute value inside a DN (RFC 4514 §2.4): the specials, a leading `#` or space, a
    /// trailing space and NUL are written `\XX`. Other characters stay as they are (UTF-8).
    public static func dnValue(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var out = ""
        for (i, s) in scalars.enumerated() {
            switch s {
            case ",", "+", "\"", "\\", "<", ">", ";", "=", "\0": out += hex(s)
            case "#" where i == 0: out += hex(s)
            case " " where i == 0 || i == scalars.count - 1: out += hex(s)
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// An assertion value inside a filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL as `\XX`.
    public static func filterValue(_ value: String) -> String {
        var out = ""
        for s in value.unicodeScalars {
            switch s {
            case "*", "(", ")", "\\", "\0": out += hex(s)
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// One RDN, `attribute=value`, the value escaped.
    public static func rdn(_ attribute: String, _ value: String) -> String { "\(attribute)=\(dnValue(value))" }

    private static func hex(_ s: Unicode.Scalar) -> String {
        let digits = Array("0123456789abcdef")
        let b = Int(s.value)
        return "\\" + String(digits[b >> 4]) + String(digits[b & 0xf])
    }
}

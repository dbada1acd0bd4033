/// Folds French names to plain lower-case ASCII, so that names can be compared (and, later,
/// logins made) whatever accents, ligatures, case or separators a source used.
public enum NameFolding {
    /// Letters whose folding is not a mere accent removal.
    private static let special: [Character: String] = [
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d",
    ]

    /// `"Jean-Étienne"` → `"jean-etienne"`: accents and ligatures folded, case lowered,
    /// separators kept. Characters with no Latin reading become nothing.
    public static func fold(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            if let s = special[ch] {
                out += s
                continue
            }
            // Canonical decomposition puts the base letter first; the combining marks follow.
            guard let base = ch.unicodeScalars.first else { continue }
            let decomposed = String(ch).decomposedBaseScalar ?? base
            if decomposed.isASCII {
                out.unicodeScalars.append(contentsOf: String(decomposed).lowercased().unicodeScalars)
            } else if ch.isWhitespace {
                out += " "
            } else if ch == "’" || ch == "‘" || ch == "ʼ" {
                out += "'"
            }
        }
        return out
    }

    /// Only letters and digits, folded: `"D'Alembert"` → `"dalembert"`, `"De La Fontaine"` →
    /// `"delafontaine"`. The key two spellings of one name agree on.
    public static func key(_ text: String) -> String {
        String(fold(text).filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") })
    }
}

extension String {
    /// The first scalar of the canonical decomposition (NFD) of a one-character string.
    fileprivate var decomposedBaseScalar: Unicode.Scalar? {
        guard let scalar = unicodeScalars.first else { return nil }
        return Self.latinBase[scalar] ?? scalar
    }

    /// Base letters of the precomposed Latin letters French and European names use. Written out
    /// because the pure domain avoids Foundation's normalisation.
    private static let latinBase: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        let groups: [(String, String)] = [
            ("a", "àáâãäåāăą"), ("A", "ÀÁÂÃÄÅĀĂĄ"), ("c", "çćĉċč"), ("C", "ÇĆĈĊČ"),
            ("d", "ď"), ("D", "Ď"), ("e", "èéêëēĕėęě"), ("E", "ÈÉÊËĒĔĖĘĚ"),
            ("g", "ĝğġģ"), ("G", "ĜĞĠĢ"), ("h", "ĥħ"), ("H", "ĤĦ"), ("i", "ìíîïĩīĭįı"), ("I", "ÌÍÎÏĨĪĬĮİ"),
            ("j", "ĵ"), ("J", "Ĵ"), ("k", "ķ"), ("K", "Ķ"), ("l", "ĺļľŀ"), ("L", "ĹĻĽĿ"),
            ("n", "ñńņňŉ"), ("N", "ÑŃŅŇ"), ("o", "òóôõöōŏő"), ("O", "ÒÓÔÕÖŌŎŐ"),
            ("r", "ŕŗř"), ("R", "ŔŖŘ"), ("s", "śŝşšș"), ("S", "ŚŜŞŠȘ"), ("t", "ţťŧț"), ("T", "ŢŤŦȚ"),
            ("u", "ùúûüũūŭůűų"), ("U", "ÙÚÛÜŨŪŬŮŰŲ"), ("w", "ŵ"), ("W", "Ŵ"),
            ("y", "ýÿŷ"), ("Y", "ÝŸŶ"), ("z", "źżž"), ("Z", "ŹŻŽ"),
        ]
        for (base, letters) in groups {
            let b = base.unicodeScalars.first!
            for l in letters.unicodeScalars { map[l] = b }
        }
        return map
    }()
}

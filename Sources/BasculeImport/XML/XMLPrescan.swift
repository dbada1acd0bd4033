import Foundation

/// Looks at the first bytes of an XML file before the parser does: the encoding it declares
/// (only those SIECLE and STS-Web use are accepted) and any DOCTYPE, refused outright so that
/// neither external entities (XXE) nor entity expansion can ever be reached.
enum XMLPrescan {
    static let acceptedEncodings: Set<String> = [
        "UTF-8", "UTF8", "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1", "ISO-8859-15", "ISO8859-15",
        "LATIN-9", "LATIN9", "WINDOWS-1252", "CP1252", "US-ASCII", "ASCII",
    ]

    static func check(_ url: URL, displayName: String) throws(ImportError) {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw .unreadable(file: displayName, reason: "ouverture impossible")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8192)) ?? Data()
        let bytes = [UInt8](head)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw .unsupportedEncoding(file: displayName, declared: "UTF-16")
        }
        // ASCII view of the head: every byte above 0x7F becomes '?', enough to find markup.
        let ascii = String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
        if let decl = ascii.range(of: "<?xml"), let end = ascii.range(of: "?>", range: decl.upperBound..<ascii.endIndex) {
            let declaration = ascii[decl.lowerBound..<end.upperBound]
            if let enc = attribute("encoding", in: String(declaration)), !acceptedEncodings.contains(enc.uppercased()) {
                throw .unsupportedEncoding(file: displayName, declared: enc)
            }
        }
        if let doctype = ascii.range(of: "<!DOCTYPE", options: .caseInsensitive) {
            let line = ascii[..<doctype.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            throw .doctypeForbidden(file: displayName, line: line)
        }
    }

    private static func attribute(_ name: String, in declaration: String) -> String? {
        guard let r = declaration.range(of: name) else { return nil }
        var rest = declaration[r.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        return String(rest.prefix { $0 != quote })
    }
}

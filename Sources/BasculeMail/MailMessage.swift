import Foundation

/// A plain-text message in French, as it goes on the wire: RFC 5322 headers, UTF-8 body in
/// quoted-printable (so that the message is 7-bit whatever the relay supports), CRLF lines.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    public var date: Date
    /// `<…@domain>`, unique per message.
    public var messageID: String

    public init(from: MailAddress, to: MailAddress, subject: String, body: String, date: Date, messageID: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(from.domain)>"
    }

    /// The message as `DATA` sends it, before dot-stuffing: headers, a blank line, the body.
    public var rendered: String {
        let headers = [
            "Date: \(Self.dateHeader(date))",
            "From: \(from.value)",
            "To: \(to.value)",
            "Subject: \(Self.encodedHeader(subject))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + QuotedPrintable.encode(body)
    }

    /// RFC 5322's date: `Fri, 28 Aug 2026 06:30:00 +0000`, in UTC (no locale, no time zone file).
    static func dateHeader(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(names[weekday]), \(two(day)) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// A header value: control characters (a line break would start a header of the sender's
    /// choosing) become spaces; anything but printable ASCII is sent as RFC 2047 encoded words
    /// of UTF-8, folded so that no line passes 78 characters.
    static func encodedHeader(_ text: String) -> String {
        let clean = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && clean.count <= 60 { return clean }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            // 45 bytes of UTF-8 make 60 characters of base64, the word then 72.
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }
}

/// Quoted-printable (RFC 2045, section 6.7) of UTF-8 text, lines ending in CRLF.
public enum QuotedPrintable {
    public static func encode(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false).map { encodeLine(Array($0.utf8)) }
            .joined(separator: "\r\n")
    }

    static func encodeLine(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = "", line = ""
        for (i, b) in bytes.enumerated() {
            let last = i == bytes.count - 1
            let token: String
            if (b == 0x20 || b == 0x09) && !last {
                token = String(UnicodeScalar(b))
            } else if b >= 33 && b <= 126 && b != 61 {
                token = String(UnicodeScalar(b))
            } else {
                token = "=" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0x0F)])
            }
            // 76 characters at most, the soft break's `=` included.
            if line.count + token.count > 75 {
                out += line + "=\r\n"
                line = ""
            }
            line += token
        }
        return out + line
    }
}

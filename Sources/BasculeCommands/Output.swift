import Foundation

/// Where commands write what the user reads. A task-local, so that tests capture a command's
/// output exactly as a user would see it, without spawning a process.
public struct Output: Sendable {
    public let write: @Sendable (String) -> Void
    public let writeError: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void) {
        self.write = write
        self.writeError = writeError
    }

    public static let standard = Output(
        write: { text in FileHandle.standardOutput.write(Data((text + "\n").utf8)) },
        writeError: { text in FileHandle.standardError.write(Data((text + "\n").utf8)) })

    @TaskLocal public static var current: Output = .standard
}

func say(_ text: String) { Output.current.write(Output.terminalSafe(text)) }
func warn(_ text: String) { Output.current.writeError(Output.terminalSafe(text)) }

extension Output {
    /// What a terminal shows as text, whatever a name from an export holds: control characters
    /// other than a line break and a tab (C1's CSI, U+009B, starts an escape sequence as ESC does)
    /// and the bidirectional overrides that reorder what is read are written out (`\u009B`, which
    /// a JSON output's reader reads back as the character). XML 1.0 lets an export carry them
    /// (`&#155;`, `&#x202E;`).
    static func terminalSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                // \u and four digits: readable, and the same character once a JSON output is read.
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}

/// An optional that the JSON output writes as `null` when absent, where synthesized encoding
/// would leave the key out: the documented keys are always there.
@propertyWrapper
struct NullWhenAbsent<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

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

func say(_ text: String) { Output.current.write(text) }
func warn(_ text: String) { Output.current.writeError(text) }

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

/// An error from the Parquet codec: a stable code and a message that says what is wrong and what to do.
///
/// UpliftParquet depends on nothing of ours (only zlib), so it cannot throw `UpliftError`; the storage
/// layer maps these codes one to one (`corrupt`, `invalidInput`, `unsupported`, `io`, `notFound`).
public struct ParquetError: Error, Sendable, CustomStringConvertible {
    /// A stable, growable error code (a struct over a private enum, as SwiftNIO does).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case corrupt, invalidInput = "invalid_input", unsupported, io = "io_error", notFound = "not_found"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not a valid Parquet file of ours (bad magic, checksum, length or structure).
        public static let corrupt = Code(.corrupt)
        /// The caller passed data that does not fit the schema.
        public static let invalidInput = Code(.invalidInput)
        /// A valid Parquet feature this codec does not implement.
        public static let unsupported = Code(.unsupported)
        public static let io = Code(.io)
        public static let notFound = Code(.notFound)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func corrupt(_ message: String) -> ParquetError {
        ParquetError(.corrupt, message + "; the file is damaged: restore it from a replica or backup")
    }
}

/// An error from the Parquet codec: a stable code and a message that says what is wrong and what to do.
///
/// UpliftParquet depends on nothing of ours (only zlib), so it cannot throw `UpliftError`; the storage
/// layer maps these codes one to one (`corrupt`, `invalidInput`, `unsupported`, `io`, `notFound`).
package struct ParquetError: Error, Sendable, CustomStringConvertible {
    /// A stable, growable error code (a struct over a private enum, as SwiftNIO does).
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case corrupt
            case invalidInput = "invalid_input"
            case unsupported
            case io = "io_error"
            case notFound = "not_found"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not a valid Parquet file of ours (bad magic, checksum, length or structure).
        package static let corrupt = Code(.corrupt)
        /// The caller passed data that does not fit the schema.
        package static let invalidInput = Code(.invalidInput)
        /// A valid Parquet feature this codec does not implement.
        package static let unsupported = Code(.unsupported)
        package static let io = Code(.io)
        package static let notFound = Code(.notFound)

        package var description: String { base.rawValue }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }

    static func corrupt(_ message: String) -> ParquetError {
        ParquetError(.corrupt, message + "; the file is damaged: restore it from a replica or backup")
    }
}

package import Foundation
package import UpliftWorkload

/// Generated NDJSON fixtures for tests of every layer.
package enum Workloads {
    /// A whole workload as NDJSON bytes.
    package static func ndjson(
        events: Int, users: Int = 200, days: Int = 14, seed: UInt64 = 7, dialect: Dialect = .mixed
    ) -> [UInt8] {
        let config = GeneratorConfig(events: events, users: users, days: days, seed: seed, dialect: dialect)
        return (try? EventGenerator.generateAll(config)) ?? []
    }

    /// Splits NDJSON bytes into lines (without the newline); a missing final newline is fine.
    package static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 10, omittingEmptySubsequences: true)
    }

    /// Parses every line with the naive reference reader; fails on the first unreadable line.
    package static func parsed(_ bytes: [UInt8]) throws -> [GeneratedLine] {
        try lines(bytes).enumerated().map { index, line in
            guard let parsed = GeneratedLine(Data(line)) else {
                throw WorkloadFixtureError(message: "line \(index + 1) is not a generated Segment/PostHog message")
            }
            return parsed
        }
    }

    /// Writes a workload to `url` and returns the bytes written.
    @discardableResult
    package static func write(
        to url: URL, events: Int, users: Int = 200, days: Int = 14, seed: UInt64 = 7
    ) throws -> [UInt8] {
        let bytes = ndjson(events: events, users: users, days: days, seed: seed)
        try Data(bytes).write(to: url)
        return bytes
    }
}

package struct WorkloadFixtureError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

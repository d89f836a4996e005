import ArgumentParser
import Foundation
import UpliftModel
import UpliftWorkload

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write deterministic synthetic events (NDJSON) to standard output.",
        discussion: """
            Realistic product usage with known effects: users arriving over the period, sessions, a Zipf-like \
            event mix, anonymous visitors who identify later, and a signed_up → onboarding_completed → \
            purchase_completed funnel with known conversion. The same options always give the same bytes.
            """)

    @Option(help: "Number of events.") var events: Int = 100_000
    @Option(help: "Number of users.") var users: Int = 2_000
    @Option(help: "Number of days.") var days: Int = 30
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "First day (YYYY-MM-DD, UTC).") var start: String = "2026-01-01"
    @Option(help: "Wire dialect: segment, posthog or mixed.") var dialect: String = "mixed"

    func run() async throws {
        try await reportingErrors {
            guard let dialect = Dialect(rawValue: dialect) else {
                throw UpliftError(.invalidInput, "--dialect must be segment, posthog or mixed, not '\(dialect)'")
            }
            let config = GeneratorConfig(
                events: events, users: users, days: days, seed: seed,
                start: try GeneratorConfig.parseStartDate(start), dialect: dialect)
            try config.validate()
            var generator = EventGenerator(config)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            while generator.next(into: &buffer) {
                if buffer.count >= 1 << 20 {
                    try writeStdout(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try writeStdout(buffer)
        }
    }

    private func writeStdout(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0, errno == EINTR { continue }
            // A closed pipe (`| head`) ends the output quietly.
            if n <= 0 { throw ExitCode(errno == EPIPE ? 0 : 1) }
            offset += n
        }
    }
}

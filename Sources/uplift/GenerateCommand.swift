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
            var generator = try EventGenerator(config)
            // A closed pipe (`generate | head`) ends the output quietly instead of killing the process.
            signal(SIGPIPE, SIG_IGN)
            do {
                _ = try generator.write(toFileDescriptor: 1)
            } catch  where errno == EPIPE {
                return
            }
        }
    }
}

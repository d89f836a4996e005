import ArgumentParser
import Foundation
import UpliftStorage

@main
struct Uplift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uplift",
        abstract: "Self-hosted product analytics and experimentation backend.",
        discussion: """
            Events live in a data directory (--data, default ./data or $UPLIFT_DATA) as Parquet segments \
            partitioned by project and day, behind a write-ahead log.

            Quick tour:
              uplift generate --events 100000 --users 2000 --days 30 | uplift import --project demo -
              uplift stats --project demo
              uplift verify
            """,
        version: "0.1.0",
        subcommands: [
            Generate.self, Import.self, Stats.self, Verify.self, Compact.self,
            ProjectCommand.self, PersonCommand.self, KeyCommand.self, Migrate.self, Serve.self,
            FunnelCommand.self, TrendCommand.self, AdoptionCommand.self, RetentionCommand.self, LifecycleCommand.self,
            FeedbackCommand.self, ExperimentCommand.self, FlagCommand.self, PrfaqCommand.self, GoalsCommand.self,
            ReportCommand.self, SegmentsCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, after setting the modes of what the process creates (owner
    /// only unless `UPLIFT_GROUP_READABLE=1`; see `FileModes`) before any command touches a file.
    static func main() async {
        FileModes.configureProcess(environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser

@main
struct Uplift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uplift",
        abstract: "Self-hosted product analytics and experimentation backend."
    )
}

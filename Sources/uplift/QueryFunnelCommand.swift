import ArgumentParser
import UpliftAnalysis
import UpliftModel
import UpliftSQL

struct FunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "Persons who went through steps in order within a window: conversion and time per step.",
        discussion: """
            Reads the segments on disk (works beside a running server; events it has not flushed yet are \
            not seen). Ids linked by identify/alias count as one person. --json prints the same document \
            as POST /v1/query/funnel.

            Example: uplift funnel --project demo --steps signed_up,created_project,invited --window 7d \
            --from 2026-03-01 --to 2026-04-01
            """)

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: ArgumentHelp("Step events, comma-separated (2 to 20).", valueName: "a,b,c")) var steps: String
    @Option(help: ArgumentHelp("Conversion window: 30m, 24h, 7d, 2w (default 14d).", valueName: "length")) var window:
        String?
    @Option(help: "ordered (default), strict (no other event between steps) or any (any order).") var order: String?
    @Option(
        name: .customLong("exclude"),
        help: ArgumentHelp(
            "An event that voids an attempt when it happens between its steps (repeatable).", valueName: "event"))
    var exclusions: [String] = []
    @Option(help: ArgumentHelp("Property of the step-1 event to break persons down by.", valueName: "property"))
    var breakdown: String?
    @Option(help: "Conversion over time by day (default) or week.") var conversionInterval: String?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var members: [(String, JSONValue)] = [
            ("steps", .array(steps.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) }))
        ]
        if let window { members.append(("window", .string(window))) }
        if let order { members.append(("order", .string(order))) }
        if !exclusions.isEmpty { members.append(("exclude", .array(exclusions.map { .string($0) }))) }
        if let breakdown { members.append(("breakdown", .string(breakdown))) }
        if let conversionInterval { members.append(("conversion_interval", .string(conversionInterval))) }
        try await runQuery(
            scope, members: members,
            decode: { (json, zone) throws(UpliftError) in try FunnelQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, snapshot, links) throws(UpliftError) in
                try engine.funnel(q, snapshot: snapshot, links: links)
            },
            events: \.eventNames, properties: \.propertyRefs,
            json: \.json, table: QueryTables.funnel,
            sql: sql, compiled: .funnel)
    }
}

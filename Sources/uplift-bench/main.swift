import Foundation
import UpliftModel

// Micro-benchmarks driven by the scripts under loadtests/.
let args = CommandLine.arguments
switch args.dropFirst().first {
case "json" where args.count >= 3:
    try JSONBench.run(path: args[2], onlyWire: args.count >= 4 && args[3] == "--only-wire")
case "gen-segment" where args.count >= 3:
    let count = args.count >= 4 ? Int(args[3]) ?? 100_000 : 100_000
    let text = SegmentSample.lines(count: count).joined(separator: "\n") + "\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: args[2]))
    print("wrote \(count) Segment track lines to \(args[2])")
case "decode" where args.count >= 3:
    // One record per line on stdout (schemas/event-record.schema.json), rejections on stderr.
    let receivedAt = Int64(Date().timeIntervalSince1970 * 1_000_000)
    let text = try String(contentsOfFile: args[2], encoding: .utf8)
    for (n, line) in text.split(separator: "\n").enumerated() {
        let result = WireDecoder().decode(Array(line.utf8), receivedAt: receivedAt)
        for event in result.events { print(event.jsonRecord) }
        if let body = result.bodyRejection { FileHandle.standardError.write(Data("line \(n + 1): \(body)\n".utf8)) }
        for r in result.rejections {
            FileHandle.standardError.write(Data("line \(n + 1) message \(r.index): \(r.reason)\n".utf8))
        }
    }
case "scan" where args.count >= 3:
    let columns =
        args.count >= 4 ? args[3].split(separator: ",").map(String.init) : ["event", "distinct_id", "timestamp"]
    try ScanBench.run(dataDirectory: args[2], columns: columns)
case "frame" where args.count >= 5:
    // frame DATA PROJECT EVENT[,EVENT…] [--all] [REPEATS]: `*` is any event.
    let repeats = args.count >= 6 ? Int(args.last!) ?? 3 : 3
    try FrameBench.run(
        dataDirectory: args[2], project: args[3], roles: args[4].split(separator: ",").map(String.init),
        allEvents: args.contains("--all"), repeats: repeats)
case "query" where args.count >= 6:
    // query DATA PROJECT KIND JSON [REPEATS]
    try QueryBench.run(
        dataDirectory: args[2], project: args[3], kind: args[4], body: args[5],
        repeats: args.count > 6 ? Int(args[6]) ?? 5 : 5)
case "experiment" where args.count >= 4:
    try ExperimentBench.run(dataDirectory: args[2], project: args[3], repeats: args.count >= 5 ? Int(args[4]) ?? 3 : 3)
default:
    print(
        """
        usage: uplift-bench <name> ...
          gen-segment FILE [N]   write N (default 100000) realistic Segment track lines as NDJSON
          decode FILE            decode NDJSON bodies and print the stored records as NDJSON
          json FILE              JSONDecoder vs JSONSerialization vs our parser/decoder on NDJSON
          frame DATA PROJECT EVENTS [--all] [N]   build a query frame cold, then N times warm
          experiment DATA PROJECT [N]   the workload's experiment data cold, then N times warm
          query DATA PROJECT KIND JSON [N]   a funnel, trend or adoption query (HTTP body) cold, then N times warm
          scan DATA [COLUMNS]    read columns (default event,distinct_id,timestamp) of every segment
        """)
}

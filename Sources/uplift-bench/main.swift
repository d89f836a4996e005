import Foundation

// Micro-benchmarks driven by the scripts under loadtests/.
let args = CommandLine.arguments
switch args.dropFirst().first {
case "json" where args.count >= 3:
    try JSONBench.run(path: args[2])
case "gen-segment" where args.count >= 3:
    let count = args.count >= 4 ? Int(args[3]) ?? 100_000 : 100_000
    let text = SegmentSample.lines(count: count).joined(separator: "\n") + "\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: args[2]))
    print("wrote \(count) Segment track lines to \(args[2])")
default:
    print("""
        usage: uplift-bench <name> ...
          gen-segment FILE [N]   write N (default 100000) realistic Segment track lines as NDJSON
          json FILE              JSONDecoder vs JSONSerialization vs our parser/decoder on NDJSON
        """)
}

import Foundation
import UpliftModel

/// `uplift-bench json FILE`: the same NDJSON through JSONDecoder, JSONSerialization, our parser
/// alone, and our full wire decoder (parse, validate, map, re-serialise). Lines are split before timing.
enum JSONBench {
    static func run(path: String, rounds: Int = 3, onlyWire: Bool = false) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        var lines: [[UInt8]] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            if i > start { lines.append(Array(bytes[start..<i])) }
            start = i + 1
        }
        if start < bytes.count { lines.append(Array(bytes[start...])) }
        let lineData = lines.map { Data($0) }
        let total = lines.reduce(0) { $0 + $1.count }
        print("file: \(path)  lines: \(lines.count)  bytes: \(total)  avg line: \(total / max(lines.count, 1)) B")

        if onlyWire {
            // For profiling the decoder alone.
            measure("UpliftModel WireDecoder (to Event)", lines.count, total, 10) {
                let decoder = WireDecoder()
                var ok = 0
                for line in lines { ok += decoder.decode(line, receivedAt: 1_714_564_800_000_000).events.count }
                return ok
            }
            return
        }
        measure("JSONDecoder (Codable struct)", lines.count, total, rounds) {
            let decoder = JSONDecoder()
            var ok = 0
            for d in lineData where (try? decoder.decode(CodableSegmentMessage.self, from: d)) != nil { ok += 1 }
            return ok
        }
        measure("JSONSerialization", lines.count, total, rounds) {
            var ok = 0
            for d in lineData where (try? JSONSerialization.jsonObject(with: d)) != nil { ok += 1 }
            return ok
        }
        measure("UpliftModel JSONParser (tape only)", lines.count, total, rounds) {
            var ok = 0
            for line in lines where (try? JSONParser.parse(line)) != nil { ok += 1 }
            return ok
        }
        measure("UpliftModel WireDecoder (to Event)", lines.count, total, rounds) {
            let decoder = WireDecoder()
            var ok = 0
            for line in lines { ok += decoder.decode(line, receivedAt: 1_714_564_800_000_000).events.count }
            return ok
        }
    }

    static func measure(_ name: String, _ count: Int, _ bytes: Int, _ rounds: Int, _ body: () -> Int) {
        var best = Duration.seconds(1_000_000)
        var ok = 0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            ok = body()
            best = min(best, clock.now - start)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        let linesPerSecond = Double(count) / seconds
        let mbPerSecond = Double(bytes) / seconds / 1_000_000
        let rate = String(Int(linesPerSecond.rounded()))
        print(
            "\(name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(rate.leftPad(10)) lines/s  "
                + "\(String(format: "%8.1f", mbPerSecond)) MB/s  (ok \(ok)/\(count), best of \(rounds))")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}

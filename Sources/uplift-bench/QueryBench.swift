import Foundation
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Times one query (the JSON body of `POST /v1/query/<kind>`) in process, cold then warm, with the
/// CPU time each run took (on a busy machine CPU time moves less than wall time).
enum QueryBench {
    static func run(dataDirectory: String, project: String, kind: String, body: String, repeats: Int) throws {
        let snapshot = try Snapshot.onDisk(dataDirectory: dataDirectory, project: try ProjectSlug(project))
        let engine = AnalysisEngine()
        let json = try JSONValue(parsing: Array(body.utf8))
        let query: () throws -> String
        switch kind {
        case "funnel":
            let q = try FunnelQuery(json: json)
            query = { try engine.funnel(q, snapshot: snapshot, links: [:]).json.compactText }
        case "trend":
            let q = try TrendQuery(json: json)
            query = { try engine.trend(q, snapshot: snapshot, links: [:]).json.compactText }
        case "adoption":
            let q = try AdoptionQuery(json: json)
            query = { try engine.adoption(q, snapshot: snapshot, links: [:]).json.compactText }
        default:
            throw UpliftError(.invalidInput, "kind must be funnel, trend or adoption")
        }
        for run in 0...repeats {
            let (start, cpu) = (Date(), cpuSeconds())
            let answer = try query()
            print(
                "\(run == 0 ? "cold" : "warm") \(String(format: "%.3f", Date().timeIntervalSince(start))) s, cpu \(String(format: "%.3f", cpuSeconds() - cpu)) s: \(answer.prefix(80))"
            )
        }
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
            usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

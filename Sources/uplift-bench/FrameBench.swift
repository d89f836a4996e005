import Foundation
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Times building query frames over a data directory: cold (decoding segments) then warm (cached).
enum FrameBench {
    static func run(dataDirectory: String, project: String, roles: [String], allEvents: Bool, repeats: Int) throws {
        let snapshot = try Snapshot.onDisk(dataDirectory: dataDirectory, project: try ProjectSlug(project))
        let engine = AnalysisEngine()
        let request = FrameRequest(
            roles: roles.map { .init(event: $0 == "*" ? nil : $0) }, allEvents: allEvents, from: 0, to: Int64.max / 2)
        for run in 0...repeats {
            let start = Date()
            let frame = try engine.frame(snapshot, links: [:], request: request)
            let seconds = Date().timeIntervalSince(start)
            print(
                "\(run == 0 ? "cold" : "warm") \(String(format: "%.3f", seconds)) s: \(frame.rowCount) rows, \(frame.personCount) persons"
            )
        }
    }
}

import Foundation
import UpliftParquet

/// Reads the named columns of every segment under a data directory with Uplift's own reader,
/// the way a funnel scan would, and reports the rate.
enum ScanBench {
    static func run(dataDirectory: String, columns: [String], repeats: Int = 3) throws {
        let root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("events")
        let files =
            FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".parquet") && !$0.contains("/.") }.map { root.appendingPathComponent($0).path }
            .sorted() ?? []
        var best = Double.infinity
        var rows = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now()
            rows = 0
            for path in files {
                let file = try ParquetFile(path: path)
                for g in 0..<file.rowGroups.count {
                    for name in columns {
                        // Dictionary columns stay as indices, as a query engine would keep them.
                        if let column = try file.readDictionary(column: name, rowGroup: g) {
                            rows &+= column.indices.count
                        } else {
                            rows &+= try file.read(column: name, rowGroup: g).count
                        }
                    }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        let events = rows / max(1, columns.count)
        print(
            "scan \(columns.joined(separator: ",")): \(files.count) segments, \(events) events, best of \(repeats): \(String(format: "%.3f", best)) s, \(String(format: "%.1f", Double(events) / best / 1e6)) M events/s"
        )
    }
}

import Foundation
import UpliftModel

/// Reads the JSON fixtures next to this file (Fixtures/, excluded from the build).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    static func load(_ name: String) -> JSONValue {
        let path = directory.appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path), let value = try? JSONValue(parsing: [UInt8](data))
        else {
            return .null
        }
        return value
    }

    static let growthBook = load("growthbook-cases.json")

    static func list(_ section: String) -> [[JSONValue]] {
        guard case .array(let items)? = growthBook[section] else { return [] }
        return items.compactMap { if case .array(let row) = $0 { row } else { nil } }
    }

    static func doubles(_ v: JSONValue) -> [Double]? {
        guard case .array(let items) = v else { return nil }
        return items.compactMap(\.doubleValue)
    }

    static func ranges(_ v: JSONValue) -> [(Double, Double)] {
        guard case .array(let items) = v else { return [] }
        return items.compactMap { doubles($0).flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil } }
    }

    static func string(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return ""
    }
}

import Foundation
import TestSupport

/// Parses generated NDJSON with the naive reference reader.
func parse(_ bytes: [UInt8]) throws -> [GeneratedLine] {
    try Workloads.parsed(bytes)
}

/// Resolves any id a person used (anonymous or user id) to one key, via identify / alias lines.
struct PersonResolver {
    private var anonymousToUser: [String: String] = [:]

    init(_ lines: [GeneratedLine]) {
        for line in lines where line.type == "identify" || line.type == "alias" {
            if let user = line.userID, let anonymous = line.anonymousID { anonymousToUser[anonymous] = user }
        }
    }

    func person(_ line: GeneratedLine) -> String {
        if let user = line.userID { return user }
        return anonymousToUser[line.distinctID] ?? line.distinctID
    }
}

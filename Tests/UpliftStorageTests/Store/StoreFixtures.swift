import Foundation
import TestSupport
import UpliftModel

@testable import UpliftStorage

/// A fresh temporary data directory, removed afterwards.
func withDataDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("uplift-store-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Events with varied shapes: optional fields absent and present, unicode, several days.
func sampleEvents(
    count: Int, seed: UInt64, startDay: Int64 = 20_454, days: Int64 = 3, idPrefix: String = "e"
) -> [Event] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { i in
        let user = rng.next() % 50
        let identified = rng.next() % 3 == 0
        let ts =
            (startDay + Int64(rng.next() % UInt64(days))) * UTCDay.microsecondsPerDay
            + Int64(rng.next() % 86_400_000_000)
        let types = EventType.allCases
        return Event(
            eventID: "\(idPrefix)-\(seed)-\(i)", type: types[Int(rng.next() % UInt64(types.count))],
            event: ["signed_up", "search", "$pageview", "purchase_completed", "émoji 🎉"][Int(rng.next() % 5)],
            distinctID: identified ? "user-\(user)" : "anon-\(user)",
            userID: identified ? "user-\(user)" : nil, anonymousID: identified ? nil : "anon-\(user)",
            timestamp: ts, sentAt: rng.next() % 2 == 0 ? ts + 1_000 : nil, receivedAt: ts + 2_000,
            properties: #"{"n":\#(i),"plan":"pro"}"#, context: rng.next() % 4 == 0 ? "{}" : #"{"library":{"name":"t"}}"#
        )
    }
}

func sortedByID(_ events: [Event]) -> [Event] { events.sorted { $0.eventID < $1.eventID } }

func smallConfiguration(_ path: String) -> StoreConfiguration {
    var c = StoreConfiguration(dataDirectory: path)
    c.rowGroupRows = 100
    c.flushEvents = 1_000
    return c
}

import Foundation
import TestSupport
import Testing
import UpliftWorkload

@Suite struct FormatTests {
    @Test(arguments: Dialect.allCases)
    func everyLineIsAValidMessageOfTheDialect(_ dialect: Dialect) throws {
        let config = GeneratorConfig(events: 20_000, users: 400, days: 12, seed: 21, dialect: dialect)
        let bytes = try EventGenerator.generateAll(config)
        let raw = Workloads.lines(bytes)
        #expect(raw.count == 20_000)
        for line in raw {
            #expect(line.count <= 32 * 1024)
            #expect(line.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        }
        let lines = try parse(bytes)
        let posthog = lines.count { $0.dialect == .posthog }
        switch dialect {
        case .segment: #expect(posthog == 0)
        case .posthog: #expect(posthog == lines.count)
        case .mixed: #expect(posthog > 0 && posthog < lines.count)
        }
        let averageBytes = Double(bytes.count) / Double(lines.count)
        // "About 250-400 bytes": Segment lines (with receivedAt and context) run ~410, PostHog ~360.
        #expect(averageBytes >= 300 && averageBytes <= 420, "average \(averageBytes) bytes per line")
    }

    @Test func idsAreUniqueVersion4UUIDs() throws {
        let lines = try parse(
            try EventGenerator.generateAll(GeneratorConfig(events: 50_000, users: 1_000, days: 20, seed: 8)))
        var seen = Set<String>()
        for line in lines {
            let uuid = try #require(UUID(uuidString: line.id), "\(line.id) is not a UUID")
            #expect(line.id == uuid.uuidString.lowercased())
            let bytes = Array(line.id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
            seen.insert(line.id)
        }
        #expect(seen.count == lines.count)
    }

    @Test func messagesCarryTheExpectedFields() throws {
        let lines = try parse(
            try EventGenerator.generateAll(GeneratorConfig(events: 10_000, users: 300, days: 10, seed: 4)))
        for line in lines {
            #expect(line.sentAtMs >= line.timestampMs)
            switch (line.dialect, line.type) {
            case (.segment, "identify"):
                #expect(line.object["traits"] != nil && line.userID != nil && line.anonymousID != nil)
            case (.segment, "alias"):
                #expect(line.object["previousId"] is String && line.userID != nil)
            case (.segment, _):
                let context = try #require(line.object["context"] as? [String: Any])
                #expect(context["library"] is [String: Any] && context["locale"] is String)
                #expect(line.properties["country"] is String && line.properties["platform"] is String)
                #expect(line.receivedAtMs != nil)
            case (.posthog, _):
                #expect(line.properties["$lib"] is String)
            }
            if line.type == "page" {
                #expect((line.properties["path"] as? String)?.hasPrefix("/") == true)
            }
            if line.event == Truth.purchaseEvent {
                let amount = try #require(line.properties["amount"] as? Double)
                #expect([29.0, 290.0, 99.0, 990.0].contains(amount))
                #expect(line.properties["currency"] as? String == "USD")
            }
            if line.userID != nil && line.type != "alias" && line.type != "identify" {
                #expect(Truth.plans.contains(line.properties["plan"] as? String ?? ""))
            }
        }
        let names = Set(lines.map(\.event))
        #expect(names.count >= 30, "only \(names.count) distinct event names")
    }
}

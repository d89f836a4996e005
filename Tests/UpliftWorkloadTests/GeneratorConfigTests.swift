import TestSupport
import Testing
import UpliftModel

@testable import UpliftWorkload

@Suite struct GeneratorConfigTests {
    @Test(arguments: [
        GeneratorConfig(events: -1),
        GeneratorConfig(users: 0),
        GeneratorConfig(days: 0),
        GeneratorConfig(days: 5_000),
        GeneratorConfig(start: -86_400),
    ])
    func rejectsOutOfRangeParameters(_ config: GeneratorConfig) {
        #expect(throws: UpliftError.self) { try EventGenerator(config) }
        do {
            try config.validate()
            Issue.record("expected a validation error")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("must"))
        }
    }

    @Test func parsesStartDates() throws {
        #expect(try GeneratorConfig.parseStartDate("2026-01-01") == GeneratorConfig.defaultStart)
        #expect(try GeneratorConfig.parseStartDate("1970-01-01") == 0)
        #expect(try GeneratorConfig.parseStartDate("2024-02-29") == 1_709_164_800)
    }

    @Test(arguments: [
        "", "2026-1-01", "2026-13-01", "2025-02-29", "2026-01-32", "1969-12-31", "2026/01/01", "2026-01-01T00",
    ])
    func rejectsBadStartDates(_ text: String) {
        #expect(throws: UpliftError.self) { try GeneratorConfig.parseStartDate(text) }
    }

    @Test func capsPeopleByEvents() {
        #expect(GeneratorConfig(events: 80, users: 1_000).effectiveUsers == 10)
        #expect(GeneratorConfig(events: 3, users: 1_000).effectiveUsers == 1)
        #expect(GeneratorConfig(events: 1_000_000, users: 1_000).effectiveUsers == 1_000)
    }

    @Test func startDateIsRespected() throws {
        let start = try GeneratorConfig.parseStartDate("2025-06-15")
        let config = GeneratorConfig(events: 2_000, users: 100, days: 3, seed: 3, start: start, dialect: .segment)
        let lines = try parse(try EventGenerator.generateAll(config))
        let startMs = start * 1000
        let endMs = startMs + 3 * 86_400_000
        // Event times are true times; receivedAt never carries client skew.
        for line in lines {
            let received = try #require(line.receivedAtMs)
            #expect(received >= startMs && received < endMs + 3_600_000)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing
import UpliftModel
import UpliftServer

/// Items 5 and 7 of the hardening issue, against a running server: poisoned numbers and keys planted
/// with the public write key. Each attacking request is answered within 2 s and the liveness probe
/// (`/healthz` and `/v1/track` within 100 ms) holds throughout.
struct HostileValueAttackTests {
    static let answerBound: Duration = .seconds(2)

    struct Trend: Decodable {
        struct Point: Decodable {
            var date: String
            var value: Double?
        }
        struct Series: Decodable {
            var value: String?
            var total: Double?
        }
        var series: [Point]
        var total: Double?
        var breakdown: [Series]
    }

    @Test func nonFiniteNumbersAreRefusedAndSumsStayNumbers() async throws {
        try await ServerFixture.with { fixture in
            let key = fixture.writeKey
            let readKey = fixture.readKey
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let (_, report) = try await LivenessProbe.during(port: port, writeKey: key) { () async throws in
                    func paid(_ id: String, _ amount: String, day: String = "2026-03-02") -> String {
                        #"{"type":"track","event":"paid","userId":"u-\#(id)","messageId":"\#(id)","#
                            + #""timestamp":"\#(day)T10:00:00Z","properties":{"amount":\#(amount)}}"#
                    }
                    let batch =
                        #"{"batch":["#
                        + [
                            paid("ok", "10"), paid("inf", "1e400"), paid("text", #""1e400""#),
                            paid("hex", #""0x1p+2000""#), paid("big1", "1e308"), paid("big2", "1e308"),
                            paid("neg", "-1e400", day: "2026-03-03"), paid("deep", #"{"x":[1e999]}"#),
                        ].joined(separator: ",") + "]}"
                    let started = ContinuousClock.now
                    let answer = try await client.post("/v1/batch", json: batch, key: .basic(key))
                    #expect(ContinuousClock.now - started < Self.answerBound)
                    #expect(answer.status == .ok, "\(answer.text)")
                    let ack = try answer.decode(Acknowledgement.self)
                    #expect(ack.accepted == 5)
                    #expect(ack.rejected.map(\.index) == [1, 6, 7])
                    #expect(ack.rejected.allSatisfy { $0.code == "number_out_of_range" })
                    #expect(
                        ack.rejected.map(\.message).map { $0.contains("`properties.amount`") } == [true, true, false])
                    #expect(ack.rejected.last?.message.contains("`properties.amount.x[0]`") == true)

                    let single = try await client.post("/v1/track", json: paid("one", "2e400"), key: .basic(key))
                    #expect(single.status.code / 100 == 4 || single.status == .ok, "\(single.text)")
                    #expect(single.text.contains("number_out_of_range"))

                    let query =
                        #"{"event":"paid","from":"2026-03-01","to":"2026-03-03","measure":"sum","property":"amount"}"#
                    let asked = ContinuousClock.now
                    let trend = try await client.post("/v1/query/trend", json: query, key: .bearer(readKey))
                    #expect(ContinuousClock.now - asked < Self.answerBound)
                    #expect(trend.status == .ok, "\(trend.text)")
                    let result = try trend.decode(Trend.self)
                    // 10 + 1e308 + 1e308 saturates; the strings are text, not numbers; nothing is null.
                    #expect(result.series.map(\.value) == [0, .greatestFiniteMagnitude, 0])
                    #expect(result.total == .greatestFiniteMagnitude)
                }
                #expect(report.held(), "\(report)")
            }
        }
    }

    @Test func aPostHogTokenInPropertiesIsNeverStoredNorReturned() async throws {
        try await ServerFixture.with { fixture in
            let key = fixture.writeKey
            let readKey = fixture.readKey
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let (_, report) = try await LivenessProbe.during(port: port, writeKey: key) { () async throws in
                    // What posthog-js sends: the project token in the body and again in the properties.
                    let capture =
                        #"{"api_key":"\#(key)","event":"$pageview","distinct_id":"d1","timestamp":"2026-03-02T10:00:00Z","#
                        + #""properties":{"token":"\#(key)","$token":"\#(key)","$lib":"web","note":"\#(key)"}}"#
                    let started = ContinuousClock.now
                    let answer = try await client.post("/capture", json: capture, key: .none)
                    #expect(ContinuousClock.now - started < Self.answerBound)
                    #expect(answer.status == .ok, "\(answer.text)")

                    for property in ["token", "$token", "note"] {
                        let query =
                            #"{"event":"$pageview","from":"2026-03-01","to":"2026-03-04","breakdown":"\#(property)"}"#
                        let trend = try await client.post("/v1/query/trend", json: query, key: .bearer(readKey))
                        #expect(trend.status == .ok, "\(trend.text)")
                        #expect(!trend.text.contains(key), "breakdown by \(property) returned the write key")
                        let result = try trend.decode(Trend.self)
                        #expect(result.total == 1)
                    }
                }
                #expect(report.held(), "\(report)")
            }
            let stored = try await fixture.storedEvents()
            // (The liveness probe's own events are stored beside it.)
            #expect(stored.filter { $0.event == "$pageview" }.count == 1)
            #expect(stored.allSatisfy { !$0.properties.contains(key) && !$0.context.contains(key) })
        }
    }

    /// The `weekly-revenue` goal of the issue: planted strings and overflowing sums leave every week a
    /// number (never null), and the goal's status follows from the real amounts.
    @Test func theWeeklyRevenueGoalStaysANumber() async throws {
        let prfaq = """
            ---
            id: shop
            title: Revenue
            owner: Test
            feature: checkout
            launch: 2026-01-05
            goals:
              - id: weekly-revenue
                title: Weekly revenue from purchases
                metric: property_sum
                event: purchase_completed
                property: amount
                interval: week
                target: 50
                deadline: 2026-04-27
            ---
            # Revenue
            """
        try await ServerFixture.with { fixture in
            try await withTemporaryDirectory(prefix: "uplift-goals") { dir in
                try prfaq.write(to: dir.appendingPathComponent("shop.md"), atomically: true, encoding: .utf8)
                var configuration = ServerConfiguration()
                configuration.dashboards = dir.path
                let key = fixture.writeKey
                let readKey = fixture.readKey
                try await fixture.serve(.live, configuration: configuration) { client in
                    let port = try #require(client.port)
                    let (_, report) = try await LivenessProbe.during(port: port, writeKey: key) { () async throws in
                        // Eight weeks from Monday 2026-01-05, 100 a week; the last week also gets the planted
                        // strings, the fourth two amounts near 1e308, and 1e400 (refused) goes to the sixth.
                        var messages: [String] = []
                        func purchase(_ id: String, day: Int, _ amount: String) {
                            let date = UTCDay(year: 2026, month: 1, day: 5)!.adding(days: Int64(day))
                            messages.append(
                                #"{"type":"track","event":"purchase_completed","userId":"u\#(id)","messageId":"\#(id)","#
                                    + #""timestamp":"\#(date)T10:00:00Z","properties":{"amount":\#(amount)}}"#)
                        }
                        for week in 0..<8 { purchase("w\(week)", day: 7 * week, "100") }
                        purchase("s1", day: 50, #""1e400""#)
                        purchase("s2", day: 51, #""0x1p+2000""#)
                        purchase("b1", day: 22, "1e308")
                        purchase("b2", day: 23, "1e308")
                        purchase("inf", day: 36, "1e400")
                        purchase("last", day: 55, "0")
                        let answer = try await client.post(
                            "/v1/batch", json: #"{"batch":["# + messages.joined(separator: ",") + "]}", key: .basic(key)
                        )
                        #expect(try answer.acknowledgement.accepted == messages.count - 1, "\(answer.text)")
                        let started = ContinuousClock.now
                        let goals = try await client.get(
                            "/v1/goals/weekly-revenue?now=2026-03-02", key: .bearer(readKey))
                        #expect(ContinuousClock.now - started < Self.answerBound)
                        #expect(goals.status == .ok, "\(goals.text)")
                        let body = try #require(
                            JSONSerialization.jsonObject(with: Data(goals.text.utf8)) as? [String: Any], "\(goals.text)"
                        )
                        let goal = try #require(
                            ((body["prfaqs"] as? [[String: Any]])?.first?["goals"] as? [[String: Any]])?.first
                                ?? (body["goals"] as? [[String: Any]])?.first ?? body["goal"] as? [String: Any]
                                ?? (body["id"] != nil ? body : nil), "\(goals.text)")
                        let series = try #require(goal["series"] as? [[String: Any]])
                        #expect(series.count == 8)
                        #expect(series.allSatisfy { $0["value"] is Double }, "no week is null: \(series)")
                        #expect(
                            series.compactMap { $0["value"] as? Double }
                                == [100, 100, 100, Double.greatestFiniteMagnitude, 100, 100, 100, 100])
                        #expect(goal["current"] as? Double == 100)
                        #expect(goal["status"] as? String == "achieved")
                    }
                    #expect(report.held(), "\(report)")
                }
            }
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing
import UpliftServer

/// A PR/FAQ goal naming an event (or a property) the project never had is still evaluated, with an
/// `unknown_event` (`unknown_property`) warning in the goals API and a visible warning in the report.
struct GoalWarningRouteTests {
    @Test func aMisspeltGoalEventWarnsInTheAPIAndTheReport() async throws {
        try await ServerFixture.with { fixture in
            try await withTemporaryDirectory(prefix: "uplift-goal-warnings") { dir in
                let misspelt = GoalRouteTests.prfaq(id: "typo").replacingOccurrences(
                    of: "event: signed_up", with: "event: signedup")
                try misspelt.write(to: dir.appendingPathComponent("typo.md"), atomically: true, encoding: .utf8)
                try GoalRouteTests.prfaq(id: "right").write(
                    to: dir.appendingPathComponent("right.md"), atomically: true, encoding: .utf8)
                // A goal counting only events with a property no event has.
                try GoalRouteTests.prfaq(id: "filtered").replacingOccurrences(
                    of: "    interval: week", with: "    interval: week\n    where:\n      - plan=pro"
                ).write(to: dir.appendingPathComponent("filtered.md"), atomically: true, encoding: .utf8)
                try await fixture.serve(configuration: GoalRouteTests.configuration(dir.path)) { client in
                    let key = KeyStyle.bearer(fixture.readKey)
                    _ = try await client.post("/v1/batch", json: GoalRouteTests.signups, key: .basic(fixture.writeKey))

                    let typo = try await client.get("/v1/goals/weekly-signups?prfaq=typo&now=2026-03-02", key: key)
                    #expect(typo.status == .ok, "\(typo.text)")
                    let goal = try GoalRouteTests.object(typo)
                    let warnings = try #require(goal["warnings"] as? [[String: String]], "\(typo.text)")
                    #expect(warnings == [["code": "unknown_event", "event": "signedup", "did_you_mean": "signed_up"]])

                    let right = try await client.get("/v1/goals/weekly-signups?prfaq=right&now=2026-03-02", key: key)
                    #expect(right.status == .ok, "\(right.text)")
                    #expect(try GoalRouteTests.object(right)["warnings"] == nil, "\(right.text)")

                    let all = try GoalRouteTests.object(try await client.get("/v1/goals?now=2026-03-02", key: key))
                    let prfaqs = try #require(all["prfaqs"] as? [[String: Any]])
                    let listed = prfaqs.map { p in
                        (p["goals"] as? [[String: Any]] ?? []).map { ($0["warnings"] as? [Any])?.count ?? 0 }
                    }
                    #expect(
                        listed == [[1], [0], [1]], "filtered.md, right.md, typo.md: only the right goal has no warning")

                    let report = try await client.get("/v1/reports/typo?now=2026-03-02", key: .basic(fixture.readKey))
                    #expect(report.status == .ok)
                    #expect(
                        report.text.contains(
                            #"<p class="warning" role="note"><strong>Warning:</strong> This project has no event &quot;signedup&quot;; did you mean &quot;signed_up&quot;?</p>"#
                        ), "\(report.text)")
                    let clean = try await client.get("/v1/reports/right?now=2026-03-02", key: .basic(fixture.readKey))
                    #expect(!clean.text.contains("class=\"warning\""))

                    let filtered = try await client.get(
                        "/v1/goals/weekly-signups?prfaq=filtered&now=2026-03-02", key: key)
                    #expect(filtered.status == .ok, "\(filtered.text)")
                    let filteredGoal = try GoalRouteTests.object(filtered)
                    #expect(
                        filteredGoal["warnings"] as? [[String: String]] == [
                            ["code": "unknown_property", "property": "plan"]
                        ],
                        "\(filtered.text)")
                    let filteredReport = try await client.get(
                        "/v1/reports/filtered?now=2026-03-02", key: .basic(fixture.readKey))
                    #expect(
                        filteredReport.text.contains(
                            #"<strong>Warning:</strong> This project has no property &quot;plan&quot;</p>"#),
                        "\(filteredReport.text)")
                }
            }
        }
    }
}

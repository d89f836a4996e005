import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing
import UpliftModel
import UpliftServer

/// `GET /v1/goals`, `/v1/goals/{id}`, `/v1/reports` and `/v1/reports/{id}`: the PR/FAQs of the
/// dashboards folder evaluated over events ingested through the same server.
struct GoalRouteTests {
    /// A weekly unique-persons goal; `extra` goes at the end of the front matter.
    static func prfaq(id: String, goal: String = "weekly-signups", extra: String = "") -> String {
        """
        ---
        id: \(id)
        title: PR/FAQ \(id)
        owner: Test
        feature: signups
        launch: 2026-01-05
        goals:
          - id: \(goal)
            title: More people sign up every week
            metric: unique_persons
            event: signed_up
            interval: week
            baseline: 2
            target: 30
            deadline: 2026-04-27
        \(extra)
        ---
        # \(id)
        """
    }

    /// Sign-ups growing by two persons a week: the eight weeks from 2026-01-05 (a Monday) have 2, 4, … 16;
    /// one more event on Sunday 2026-03-01 makes the last of them a complete week of data.
    static let signups: String = {
        var messages: [[String: Any]] = []
        for week in 0..<8 {
            for person in 0..<(2 * (week + 1)) {
                let day = UTCDay(year: 2026, month: 1, day: 5)!.adding(days: Int64(7 * week + person % 5))
                messages.append([
                    "type": "track", "event": "signed_up", "userId": "p\(person)", "messageId": "w\(week)-p\(person)",
                    "timestamp": "\(day)T10:00:00Z",
                ])
            }
        }
        messages.append([
            "type": "track", "event": "browsed", "userId": "p0", "messageId": "last",
            "timestamp": "2026-03-01T12:00:00Z",
        ])
        return json(["batch": messages])
    }()

    static let signupEvents = 73

    /// A dashboards folder with PR/FAQs `a` and `b` (both with goal `weekly-signups`) and one broken file.
    static func withFolder(_ body: (String) async throws -> Void) async throws {
        try await withTemporaryDirectory(prefix: "uplift-goals") { dir in
            try prfaq(id: "a").write(to: dir.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
            try prfaq(id: "b").write(to: dir.appendingPathComponent("b.md"), atomically: true, encoding: .utf8)
            try prfaq(id: "broken").replacingOccurrences(of: "target: 30", with: "target: lots")
                .write(to: dir.appendingPathComponent("broken.md"), atomically: true, encoding: .utf8)
            try "# Not a PR/FAQ, skipped".write(
                to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            try await body(dir.path)
        }
    }

    static func configuration(_ folder: String?) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.dashboards = folder
        return configuration
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any], "\(response.text)")
    }

    @Test func everyRouteNeedsTheReadKey() async throws {
        try await ServerFixture.with { fixture in
            try await Self.withFolder { folder in
                try await fixture.serve(configuration: Self.configuration(folder)) { client in
                    for path in ["/v1/goals", "/v1/goals/weekly-signups", "/v1/reports", "/v1/reports/a"] {
                        for key in [KeyStyle.none, .bearer(fixture.writeKey), .basic(fixture.writeKey)] {
                            let r = try await client.get(path, key: key)
                            #expect(r.status == .unauthorized, "\(path) \(key)")
                            #expect(r.errorCode == "unauthorized")
                            // A browser asks for the key (as user name) instead of showing the JSON.
                            #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                        }
                        let ok = try await client.get(
                            path + (path.contains("?") ? "&" : "?") + "prfaq=a", key: .basic(fixture.readKey))
                        #expect(ok.status == .ok, "\(path): \(ok.text)")
                    }
                }
            }
        }
    }

    @Test func withoutADashboardsFolderTheRoutesSaySo() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for path in ["/v1/goals", "/v1/goals/x", "/v1/reports", "/v1/reports/x"] {
                    let r = try await client.get(path, key: .bearer(fixture.readKey))
                    #expect(r.status == .notFound)
                    #expect(r.errorCode == "no_dashboards")
                    #expect(r.text.contains("--dashboards"))
                }
            }
        }
    }

    @Test func goalsFollowThePlantedTrendAndNameTheBrokenFile() async throws {
        try await ServerFixture.with { fixture in
            try await Self.withFolder { folder in
                try await fixture.serve(configuration: Self.configuration(folder)) { client in
                    let ingested = try await client.post("/v1/batch", json: Self.signups, key: .basic(fixture.writeKey))
                    #expect(try ingested.acknowledgement.accepted == Self.signupEvents)
                    let r = try await client.get("/v1/goals?now=2026-03-02", key: .bearer(fixture.readKey))
                    #expect(r.status == .ok, "\(r.text)")
                    #expect(r.headers[.cacheControl] == "no-store")
                    let body = try Self.object(r)
                    let prfaqs = try #require(body["prfaqs"] as? [[String: Any]])
                    #expect(prfaqs.map { $0["id"] as? String } == ["a", "b"])
                    #expect(prfaqs.first?["file"] as? String == "a.md")
                    let goal = try #require((prfaqs.first?["goals"] as? [[String: Any]])?.first)
                    #expect(goal["current"] as? Double == 16)
                    #expect(goal["current_date"] as? String == "2026-02-23")
                    #expect(
                        (goal["series"] as? [[String: Any]])?.compactMap { $0["value"] as? Double } == [
                            2, 4, 6, 8, 10, 12, 14, 16,
                        ])
                    // Two more a week for nine more weeks: 34 in the deadline's week, past the target of 30.
                    let forecast = try #require(goal["forecast"] as? [String: Any])
                    #expect(forecast["date"] as? String == "2026-04-27")
                    #expect(abs((forecast["value"] as? Double ?? 0) - 34) < 1e-6)
                    #expect(goal["status"] as? String == "on_track")
                    let invalid = try #require(body["invalid"] as? [[String: Any]])
                    #expect(invalid.map { $0["file"] as? String } == ["broken.md"])
                    #expect("\(invalid)".contains("target"), "\(invalid)")

                    // One PR/FAQ only; and a file added later shows without a restart.
                    let one = try Self.object(
                        try await client.get("/v1/goals?prfaq=b&now=2026-03-02", key: .bearer(fixture.readKey)))
                    #expect((one["prfaqs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["b"])
                    try Self.prfaq(id: "c", goal: "other").write(
                        toFile: folder + "/c.md", atomically: true, encoding: .utf8)
                    let again = try Self.object(
                        try await client.get("/v1/goals?now=2026-03-02", key: .bearer(fixture.readKey)))
                    #expect((again["prfaqs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["a", "b", "c"])
                }
            }
        }
    }

    @Test func oneGoalByIdWithItsReportLink() async throws {
        try await ServerFixture.with { fixture in
            try await Self.withFolder { folder in
                try await fixture.serve(configuration: Self.configuration(folder)) { client in
                    let key = KeyStyle.bearer(fixture.readKey)
                    let ambiguous = try await client.get("/v1/goals/weekly-signups", key: key)
                    #expect(ambiguous.status == .conflict)
                    #expect(ambiguous.errorCode == "ambiguous_goal")
                    #expect(ambiguous.text.contains("a, b") && ambiguous.text.contains("?prfaq="), "\(ambiguous.text)")

                    let r = try await client.get("/v1/goals/weekly-signups?prfaq=b&now=2026-03-02", key: key)
                    #expect(r.status == .ok, "\(r.text)")
                    let goal = try Self.object(r)
                    #expect(goal["id"] as? String == "weekly-signups")
                    #expect((goal["prfaq"] as? [String: Any])?["id"] as? String == "b")
                    // The link carries the `now` the goal was asked with (without it, the report would be as of
                    // today: issue 22); without `now`, it has none.
                    #expect(goal["report"] as? String == "/v1/reports/b?now=2026-03-02#goal-weekly-signups")
                    let offset = try Self.object(
                        try await client.get(
                            "/v1/goals/weekly-signups?prfaq=b&now=2026-03-02T00:00:00%2B01:00", key: key))
                    #expect(
                        offset["report"] as? String
                            == "/v1/reports/b?now=2026-03-02T00:00:00%2B01:00#goal-weekly-signups")
                    let today = try Self.object(try await client.get("/v1/goals/weekly-signups?prfaq=b", key: key))
                    #expect(today["report"] as? String == "/v1/reports/b#goal-weekly-signups")

                    for (path, status, code) in [
                        ("/v1/goals/nope", HTTPResponse.Status.notFound, "not_found"),
                        ("/v1/goals/weekly-signups?prfaq=nope", .notFound, "not_found"),
                        ("/v1/goals/weekly-signups?prfaq=a&now=soon", .badRequest, "invalid_query"),
                        ("/v1/reports/nope", .notFound, "not_found"),
                        ("/v1/reports/a?now=2026-13-45", .badRequest, "invalid_query"),
                    ] {
                        let e = try await client.get(path, key: key)
                        #expect(e.status == status, "\(path): \(e.text)")
                        #expect(e.errorCode == code, "\(path): \(e.text)")
                        if code == "invalid_query" { #expect(e.text.contains("now"), "\(e.text)") }
                    }
                    // The broken file is named when a report is not found.
                    #expect(try await client.get("/v1/reports/broken", key: key).text.contains("do not validate"))
                }
            }
        }
    }

    @Test func reportIsServedInert() async throws {
        try await ServerFixture.with { fixture in
            try await Self.withFolder { folder in
                try await fixture.serve(configuration: Self.configuration(folder)) { client in
                    _ = try await client.post("/v1/batch", json: Self.signups, key: .basic(fixture.writeKey))
                    let r = try await client.get("/v1/reports/a?now=2026-03-02", key: .basic(fixture.readKey))
                    #expect(r.status == .ok, "\(r.text)")
                    // The id percent-encoded is the same report (issue 21, item 11).
                    let encoded = try await client.get("/v1/reports/%61?now=2026-03-02", key: .basic(fixture.readKey))
                    #expect(encoded.status == .ok && encoded.text == r.text, "\(encoded.text.prefix(300))")
                    #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(r.headers[.xContentTypeOptions] == "nosniff")
                    #expect(r.headers[.cacheControl] == "no-store")
                    #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    let policy = try #require(r.headers[.contentSecurityPolicy])
                    for directive in [
                        "default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
                    ] {
                        #expect(policy.contains(directive), "\(policy)")
                    }
                    #expect(!policy.contains("unsafe") && !policy.contains("script-src"), "\(policy)")
                    // The page's own meta policy is the header's, less what only a header can carry.
                    #expect(
                        r.text.contains(
                            "content=\"\(policy.replacingOccurrences(of: "; frame-ancestors 'none'", with: ""))\""))
                    #expect(
                        r.text.contains("id=\"goal-weekly-signups\"")
                            && r.text.contains("href=\"#goal-weekly-signups\""))
                    #expect(!r.text.contains("<script"))

                    let index = try await client.get("/v1/reports?now=2026-03-02", key: .bearer(fixture.readKey))
                    #expect(index.status == .ok)
                    #expect(index.headers[.contentSecurityPolicy] == policy)
                    #expect(index.text.contains("href=\"reports/a?now=2026-03-02\""), "\(index.text)")
                    #expect(index.text.contains("href=\"reports/b?now=2026-03-02\""))
                    #expect(!index.text.contains("reports/broken"))
                    // With a trailing slash the same page links one level down.
                    let slash = try await client.get("/v1/reports/?now=2026-03-02", key: .bearer(fixture.readKey))
                    #expect(slash.text.contains("href=\"a?now=2026-03-02\""), "\(slash.text)")
                }
            }
        }
    }

    /// Weeks after the last event are no data, not zero: as of 2026-05-01 (or today) a "more is better" and a
    /// "fewer is better" goal are `no_data`, "no events since 2026-03-01", as `uplift goals` says it
    /// (`PrfaqCLITests.goalsPastTheDataHaveNoData`); the report's card and section say the same.
    @Test func goalsPastTheDataHaveNoData() async throws {
        let both = Self.prfaq(id: "d").replacingOccurrences(
            of: "    deadline: 2026-04-27\n",
            with: """
                    deadline: 2026-04-27
                  - id: fewer-browsing
                    metric: events
                    event: browsed
                    interval: week
                    target: 5
                    direction: decrease
                    deadline: 2026-04-27

                """)
        try await ServerFixture.with { fixture in
            try await withTemporaryDirectory(prefix: "uplift-goals") { dir in
                try both.write(to: dir.appendingPathComponent("d.md"), atomically: true, encoding: .utf8)
                try await fixture.serve(configuration: Self.configuration(dir.path)) { client in
                    let key = KeyStyle.bearer(fixture.readKey)
                    _ = try await client.post("/v1/batch", json: Self.signups, key: .basic(fixture.writeKey))
                    // As of the data's end both goals are measured.
                    let atTheEnd = try Self.object(try await client.get("/v1/goals?now=2026-03-02", key: key))
                    let measured = try #require(
                        (atTheEnd["prfaqs"] as? [[String: Any]])?.first?["goals"] as? [[String: Any]])
                    #expect(measured.map { $0["status"] as? String } == ["on_track", "achieved"], "\(measured)")
                    for now in ["?now=2026-05-01", ""] {
                        let body = try Self.object(try await client.get("/v1/goals" + now, key: key))
                        let goals = try #require(
                            (body["prfaqs"] as? [[String: Any]])?.first?["goals"] as? [[String: Any]])
                        for goal in goals {
                            #expect(goal["status"] as? String == "no_data", "\(now) \(goal)")
                            #expect(goal["explanation"] as? String == "no events since 2026-03-01")
                            #expect(goal["data_until"] as? String == "2026-03-01")
                            #expect(goal["forecast"] is NSNull)
                            let values = (goal["series"] as? [[String: Any]])?.map { $0["value"] } ?? []
                            // The weeks after the data are there, without a value: never zero.
                            #expect(values.count > 8 && values.dropFirst(8).allSatisfy { $0 is NSNull }, "\(values)")
                        }
                    }
                    let one = try Self.object(
                        try await client.get("/v1/goals/fewer-browsing?now=2026-05-01", key: key))
                    #expect(
                        one["status"] as? String == "no_data"
                            && one["explanation"] as? String == "no events since 2026-03-01")
                    let link = try #require(one["report"] as? String)
                    #expect(link == "/v1/reports/d?now=2026-05-01#goal-fewer-browsing")
                    // Following the link: the strip's card and the goal's section agree with the API.
                    let report = try await client.get(String(link.prefix { $0 != "#" }), key: key)
                    #expect(report.status == .ok)
                    #expect(
                        report.text.contains("status-no-data") && report.text.contains("no events since 2026-03-01"))
                    #expect(!report.text.contains("goal-card status-achieved"), "a goal without data is not achieved")
                }
            }
        }
    }
}

import Clocks
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// The front door over real connections, header for header as a browser sends them: the sign-in form,
/// the session cookie and its attributes, refused keys, expired, forged and revoked sessions,
/// cross-site form posts, sign-out, and the read-key pages opened with the cookie.
struct FrontDoorTests {
    /// What a browser adds to a form post from this server's own page.
    static func sameOrigin(_ port: Int) -> [(String, String)] {
        [("Origin", "http://localhost:\(port)"), ("Sec-Fetch-Site", "same-origin")]
    }

    static let form = ("Content-Type", "application/x-www-form-urlencoded")

    static func signIn(_ port: Int, key: String, extra: [(String, String)] = []) async throws -> RawExchange {
        let body = "key=" + (key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key)
        return try await RawExchange.send(
            port: port, "POST", "/sign-in", headers: sameOrigin(port) + [form] + extra, body: body)
    }

    /// `uplift_session=<id>` from a sign-in's `Set-Cookie`, as the browser sends it back.
    static func cookie(_ exchange: RawExchange) throws -> String {
        let setCookie = try #require(exchange.header("set-cookie"), "\(exchange.text)")
        return String(try #require(setCookie.split(separator: ";").first))
    }

    static func get(
        _ port: Int, _ path: String, cookie: String?, _ extra: [(String, String)] = []
    ) async throws
        -> RawExchange
    {
        try await RawExchange.send(port: port, "GET", path, headers: (cookie.map { [("Cookie", $0)] } ?? []) + extra)
    }

    /// The sign-out form's token on a home page.
    static func formToken(_ home: RawExchange) throws -> String {
        let marker = "name=\"token\" value=\""
        let start = try #require(home.text.range(of: marker), "no sign-out form")
        return String(home.text[start.upperBound...].prefix { $0 != "\"" })
    }

    static func configuration(clock: TestClock<Duration>? = nil, folder: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let clock { configuration.clock = clock }
        configuration.dashboards = folder
        return configuration
    }

    @Test func signingInWithTheReadKeyStartsASession() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let page = try await Self.get(port, "/", cookie: nil)
                #expect(page.status == 200)
                #expect(page.header("content-type") == "text/html; charset=utf-8")
                let policy = try #require(page.header("content-security-policy"))
                #expect(policy.hasPrefix("default-src 'none'; style-src 'sha256-"))
                #expect(policy.contains("form-action 'self'") && policy.contains("frame-ancestors 'none'"))
                #expect(!page.text.contains("<script"))
                // Under `no-referrer` the browser would send the form posts with `Origin: null`, refused as foreign.
                #expect(page.header("referrer-policy") == "same-origin")
                #expect(page.text.contains("<form class=\"sign-in\" method=\"post\" action=\"/sign-in\">"))
                #expect(page.text.contains("<label for=\"key\">Read key</label>"))
                #expect(page.text.contains("<main id=\"main\">") && page.text.contains("href=\"#main\""))

                let signedIn = try await Self.signIn(port, key: fixture.readKey)
                #expect(signedIn.status == 303)
                #expect(signedIn.header("location") == "/home")
                let setCookie = try #require(signedIn.header("set-cookie"))
                let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict"))
                #expect(attributes.contains("Path=/") && attributes.contains("Max-Age=43200"))
                // Plain HTTP: a Secure cookie would not come back.
                #expect(!attributes.contains("Secure"))
                let cookie = try Self.cookie(signedIn)
                #expect(cookie.hasPrefix("uplift_session=") && cookie.count == "uplift_session=".count + 43)
                #expect(!setCookie.contains(fixture.readKey) && !setCookie.contains(String(fixture.readKey.suffix(12))))

                let home = try await Self.get(port, "/home", cookie: cookie)
                #expect(home.status == 200)
                #expect(home.text.contains("<h1>Project alpha</h1>"))
                #expect(home.text.contains("<form class=\"sign-out\" method=\"post\" action=\"/sign-out\">"))
                #expect(!home.text.contains(fixture.readKey))
                #expect(try Self.formToken(home).count == 43)
                // Signed in, the front page leads home.
                let front = try await Self.get(port, "/", cookie: cookie)
                #expect(front.status == 303 && front.header("location") == "/home")
                // Each sign-in is a session of its own.
                #expect(try Self.cookie(try await Self.signIn(port, key: fixture.readKey)) != cookie)
            }
        }
    }

    @Test func theCookieIsSecureWhenThePageCameOverTLS() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                // Through a proxy that ends TLS: the browser's Origin is https, or the proxy says so.
                for extra in [
                    [("Origin", "https://localhost:\(port)"), ("Sec-Fetch-Site", "same-origin"), Self.form],
                    Self.sameOrigin(port) + [Self.form, ("X-Forwarded-Proto", "https")],
                ] {
                    let body = "key=" + fixture.readKey
                    let signedIn = try await RawExchange.send(
                        port: port, "POST", "/sign-in", headers: extra, body: body)
                    #expect(signedIn.status == 303)
                    #expect(signedIn.header("set-cookie")?.hasSuffix("; Secure") == true)
                }
            }
        }
    }

    @Test func aWriteKeyOrAWrongKeyIsRefusedAndRepeatedRefusalsWait() async throws {
        try await ServerFixture.with { fixture in
            let clock = TestClock()
            try await fixture.serve(.live, configuration: Self.configuration(clock: clock)) { client in
                let port = try #require(client.port)
                let refusals: [(String, String)] = [
                    (fixture.writeKey, "A write key cannot read; use the project&#39;s read key (upr_…)."),
                    ("upr_NotAKeyOfThisServer0000000000", "The key is not known; check it with `uplift key list`."),
                    ("", "Enter the project&#39;s read key (upr_…)."),
                ]
                for (key, message) in refusals {
                    let refused = try await Self.signIn(port, key: key)
                    #expect(refused.status == 401, "\(key)")
                    #expect(refused.header("set-cookie") == nil)
                    // The sign-in form again, with the reason tied to the field; no Basic-auth dialog.
                    #expect(refused.header("www-authenticate") == nil)
                    #expect(refused.text.contains("role=\"alert\">\(message)</p>"), "\(refused.text)")
                    #expect(refused.text.contains("aria-invalid=\"true\""))
                    #expect(refused.text.contains("action=\"/sign-in\""))
                    #expect(!key.isEmpty || !refused.text.contains(fixture.writeKey))
                }
                // Ten refused keys empty the bucket: then even the right key waits.
                for _ in 0..<7 { #expect(try await Self.signIn(port, key: "upr_wrong").status == 401) }
                let waiting = try await Self.signIn(port, key: fixture.readKey)
                #expect(waiting.status == 429)
                #expect(waiting.header("retry-after") == "1")
                #expect(waiting.header("set-cookie") == nil)
                #expect(waiting.text.contains("Too many keys were refused"))
                await clock.advance(by: .seconds(1))
                #expect(try await Self.signIn(port, key: fixture.readKey).status == 303)
            }
        }
    }

    @Test func anExpiredSessionIsRefused() async throws {
        try await ServerFixture.with { fixture in
            let clock = TestClock()
            var configuration = Self.configuration(clock: clock)
            configuration.sessionLifetime = .seconds(3600)
            try await fixture.serve(.live, configuration: configuration) { client in
                let port = try #require(client.port)
                let signedIn = try await Self.signIn(port, key: fixture.readKey)
                #expect(signedIn.header("set-cookie")?.contains("Max-Age=3600;") == true)
                let cookie = try Self.cookie(signedIn)
                await clock.advance(by: .seconds(3599))
                #expect(try await Self.get(port, "/home", cookie: cookie).status == 200)
                // No dashboards folder: 404, so the key was accepted.
                #expect(try await Self.get(port, "/v1/goals", cookie: cookie).status == 404)
                await clock.advance(by: .seconds(2))
                let ended = try await Self.get(port, "/home", cookie: cookie)
                #expect(ended.status == 303 && ended.header("location") == "/?reason=ended")
                #expect(ended.header("set-cookie")?.hasPrefix("uplift_session=; Path=/; Max-Age=0") == true)
                let report = try await Self.get(port, "/v1/reports", cookie: cookie)
                #expect(report.status == 303 && report.header("location") == "/?reason=ended")
                #expect(try await Self.get(port, "/v1/goals", cookie: cookie).status == 401)
                let notice = try await Self.get(port, "/?reason=ended", cookie: cookie)
                #expect(notice.status == 200 && notice.text.contains("Your session has ended; sign in again."))
            }
        }
    }

    @Test func forgedAndTamperedCookiesAreRefused() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let cookie = try Self.cookie(try await Self.signIn(port, key: fixture.readKey))
                let id = String(cookie.dropFirst("uplift_session=".count))
                let flipped = String(id.dropLast()) + (id.last == "A" ? "B" : "A")
                let forged = [
                    "uplift_session=" + flipped,
                    "uplift_session=" + String(repeating: "A", count: 43),
                    "uplift_session=" + id + "A",
                    "uplift_session=" + fixture.readKey,
                    "uplift_session=",
                    "other=" + id,
                ]
                for value in forged {
                    let home = try await Self.get(port, "/home", cookie: value)
                    #expect(home.status == 303, "\(value)")
                    #expect(home.header("location")?.hasPrefix("/") == true && !home.text.contains("Project alpha"))
                    #expect(try await Self.get(port, "/v1/goals", cookie: value).status == 401, "\(value)")
                    #expect(try await Self.get(port, "/v1/flags", cookie: value).status == 401, "\(value)")
                }
                // The real one, among other cookies, still works.
                #expect(try await Self.get(port, "/home", cookie: "theme=dark; " + cookie + "; x=1").status == 200)
            }
        }
    }

    @Test func crossSiteSignInAndSignOutAreRefused() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let fromElsewhere: [[(String, String)]] = [
                    [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")],
                    [("Sec-Fetch-Site", "cross-site")],
                    [("Origin", "http://localhost:1"), ("Sec-Fetch-Site", "same-site")],
                    [("Origin", "null")],
                ]
                for headers in fromElsewhere {
                    let signIn = try await RawExchange.send(
                        port: port, "POST", "/sign-in", headers: headers + [Self.form], body: "key=" + fixture.readKey)
                    #expect(signIn.status == 403, "\(headers)")
                    #expect(signIn.header("set-cookie") == nil)
                }
                let cookie = try Self.cookie(try await Self.signIn(port, key: fixture.readKey))
                let token = try Self.formToken(try await Self.get(port, "/home", cookie: cookie))
                for headers in fromElsewhere {
                    let signOut = try await RawExchange.send(
                        port: port, "POST", "/sign-out", headers: headers + [Self.form, ("Cookie", cookie)],
                        body: "token=" + token)
                    #expect(signOut.status == 403, "\(headers)")
                }
                // Same origin but not the session's form token (a form another page of this origin made up).
                for body in ["token=" + String(repeating: "A", count: 43), "", "token=" + token.dropLast()] {
                    let signOut = try await RawExchange.send(
                        port: port, "POST", "/sign-out",
                        headers: Self.sameOrigin(port) + [Self.form, ("Cookie", cookie)],
                        body: body)
                    #expect(signOut.status == 403, "\(body)")
                }
                #expect(try await Self.get(port, "/home", cookie: cookie).status == 200)
            }
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let cookie = try Self.cookie(try await Self.signIn(port, key: fixture.readKey))
                let token = try Self.formToken(try await Self.get(port, "/home", cookie: cookie))
                let signOut = try await RawExchange.send(
                    port: port, "POST", "/sign-out", headers: Self.sameOrigin(port) + [Self.form, ("Cookie", cookie)],
                    body: "token=" + token)
                #expect(signOut.status == 303 && signOut.header("location") == "/?reason=signed-out")
                #expect(signOut.header("set-cookie")?.hasPrefix("uplift_session=; Path=/; Max-Age=0") == true)
                // The id is gone from the server, not only from the browser.
                let home = try await Self.get(port, "/home", cookie: cookie)
                #expect(home.status == 303 && home.header("location") == "/?reason=ended")
                #expect(try await Self.get(port, "/v1/reports", cookie: cookie).status == 303)
                #expect(try await Self.get(port, "/v1/flags", cookie: cookie).status == 401)
                let front = try await Self.get(port, "/?reason=signed-out", cookie: nil)
                #expect(front.status == 200 && front.text.contains("You have signed out."))
            }
        }
    }

    @Test func aRevokedKeyEndsItsSessionsAtTheKeyCacheTime() async throws {
        try await ServerFixture.with { fixture in
            let clock = TestClock()
            var configuration = Self.configuration(clock: clock)
            configuration.keyCacheTTL = .seconds(10)
            let catalog = fixture.catalog
            try await fixture.serve(.live, configuration: configuration) { client in
                let port = try #require(client.port)
                let key = try await catalog.createKey(project: fixture.alpha, kind: .read).token
                let first = try Self.cookie(try await Self.signIn(port, key: key))
                let second = try Self.cookie(try await Self.signIn(port, key: key))
                _ = try await catalog.revokeKey(prefix: key)
                await clock.advance(by: .seconds(9))
                #expect(try await Self.get(port, "/home", cookie: first).status == 200)
                await clock.advance(by: .seconds(2))
                // The JSON routes answer 401 as to any refused key; a report leads back to the sign-in form.
                #expect(try await Self.get(port, "/v1/goals", cookie: first).status == 401)
                let report = try await Self.get(port, "/v1/reports", cookie: first)
                #expect(report.status == 303 && report.header("location") == "/?reason=key-refused")
                #expect(report.header("set-cookie")?.contains("Max-Age=0") == true)
                #expect(try await Self.get(port, "/home", cookie: first).header("location") == "/?reason=ended")
                let home = try await Self.get(port, "/home", cookie: second)
                #expect(home.status == 303 && home.header("location") == "/?reason=key-refused")
                #expect(try await Self.get(port, "/home", cookie: second).header("location") == "/?reason=ended")
                #expect(try await Self.signIn(port, key: key).status == 401)
            }
        }
    }

    @Test func theReadKeyPagesTakeTheCookieAndTheHomePageShowsTheProject() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.catalog.saveFlag(
                project: fixture.alpha, key: "new-nav", enabled: true,
                definition: #"{"key":"new-nav","description":"The <new> navigation","enabled":true}"#)
            _ = try await fixture.catalog.saveFlag(
                project: fixture.alpha, key: "dark-mode", enabled: false,
                definition: #"{"key":"dark-mode","description":"Dark","enabled":false}"#)
            _ = try await fixture.catalog.saveExperiment(
                project: fixture.alpha, key: "search-ranking", status: .running,
                definition: ExperimentRouteTests.jsonDefinition)
            try await GoalRouteTests.withFolder { folder in
                try await fixture.serve(.live, configuration: Self.configuration(folder: folder)) { client in
                    let port = try #require(client.port)
                    #expect(
                        try await client.post("/v1/batch", json: GoalRouteTests.signups, key: .basic(fixture.writeKey))
                            .status == .ok)
                    let cookie = try Self.cookie(try await Self.signIn(port, key: fixture.readKey))
                    let report = try await Self.get(port, "/v1/reports/a?now=2026-03-02", cookie: cookie)
                    #expect(report.status == 200)
                    #expect(report.header("content-type") == "text/html; charset=utf-8")
                    #expect(report.text.contains("PR/FAQ a — PR/FAQ report"))
                    #expect(try await Self.get(port, "/v1/reports", cookie: cookie).status == 200)
                    #expect(try await Self.get(port, "/v1/goals/weekly-signups?prfaq=a", cookie: cookie).status == 200)
                    #expect(try await Self.get(port, "/v1/flags", cookie: cookie).status == 200)
                    #expect(try await Self.get(port, "/v1/experiments/search-ranking", cookie: cookie).status == 200)
                    // Bearer and Basic still work for API clients; nothing at all is still 401.
                    let bearer = ("Authorization", "Bearer " + fixture.readKey)
                    #expect(try await Self.get(port, "/v1/reports/a", cookie: nil, [bearer]).status == 200)
                    #expect(try await Self.get(port, "/v1/reports/a", cookie: nil).status == 401)
                    // A header the client sent wins over the cookie.
                    let wrong = ("Authorization", "Bearer upr_wrong")
                    #expect(try await Self.get(port, "/v1/reports/a", cookie: cookie, [wrong]).status == 401)
                    // POSTs never take the cookie.
                    let query = try await RawExchange.send(
                        port: port, "POST", "/v1/query/trend",
                        headers: Self.sameOrigin(port) + [("Cookie", cookie), ("Content-Type", "application/json")],
                        body: #"{"events":["signed_up"],"from":"2026-01-05","to":"2026-03-01","interval":"week"}"#)
                    #expect(query.status == 401)

                    let home = try await Self.get(port, "/home", cookie: cookie)
                    #expect(home.status == 200)
                    let text = home.text
                    // Every valid PR/FAQ with its goal cards linking to the report's goal; the broken one named.
                    for id in ["a", "b"] {
                        #expect(text.contains("<a href=\"/v1/reports/\(id)\">PR/FAQ \(id)</a>"))
                        #expect(text.contains("<a href=\"/v1/reports/\(id)#goal-weekly-signups\">"))
                    }
                    #expect(text.components(separatedBy: "<li class=\"goal-card status-").count == 3)
                    #expect(text.contains("More people sign up every week"))
                    #expect(text.contains("broken.md"))
                    // The experiment with its decision, the flags with their state; text escaped.
                    #expect(text.contains("<th scope=\"row\">search-ranking</th><td>Running: no decision yet</td>"))
                    #expect(
                        text.contains("<th scope=\"row\">new-nav</th><td>On</td><td>The &lt;new&gt; navigation</td>"))
                    #expect(text.contains("<th scope=\"row\">dark-mode</th><td>Off</td>"))
                    #expect(!text.contains("<new>") && !text.contains("<script"))
                }
            }
        }
    }
}

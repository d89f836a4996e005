import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Issue 21, item 11: an error message may quote the caller's own value, but short and escaped
/// (`UpliftError.quote`: 40 Unicode scalars, then `…`; control and format characters as `\u{…}`).
struct ErrorQuotingTests {
    @Test func aQueryValueIsQuotedShortAndEscaped() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                // An escape sequence, then one character with 2,000 combining marks.
                let order = "\u{1B}[31m\n" + "e" + String(repeating: "\u{301}", count: 2_000)
                let body = json(["steps": ["a", "b"], "from": "2026-03-01", "to": "2026-03-08", "order": order])
                let r = try await client.post("/v1/query/funnel", json: body, key: .bearer(fixture.readKey))
                #expect(r.status == .badRequest)
                let message = try r.decode(ErrorDocument.self).error.message
                // By bytes: as characters, "e" and "e" with its marks differ.
                let bytes = Array(message.utf8)
                let quoted = Array(#"not '\u{1b}[31m\u{a}e"#.utf8)
                #expect(bytes.indices.contains { bytes[$0...].starts(with: quoted) }, "\(message)")
                #expect(message.hasSuffix("…'"), "\(message)")
                #expect(message.unicodeScalars.count < 200, "\(message.unicodeScalars.count) scalars")
                #expect(!message.contains("\u{1B}") && !message.contains("\n"))
            }
        }
    }

    @Test func aPathValueIsQuotedShort() async throws {
        try await ServerFixture.with { fixture in
            try await GoalRouteTests.withFolder { folder in
                try await fixture.serve(configuration: GoalRouteTests.configuration(folder)) { client in
                    let id = String(repeating: "x", count: 1_000)
                    let r = try await client.get("/v1/goals/\(id)", key: .bearer(fixture.readKey))
                    #expect(r.status == .notFound)
                    let message = try r.decode(ErrorDocument.self).error.message
                    #expect(message.hasPrefix("no goal '" + String(repeating: "x", count: 40) + "…' "), "\(message)")
                    #expect(message.count < 200)
                }
            }
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing
import UpliftExperiments

/// Issue 21, item 1: "billion laughs". Nine levels of YAML aliases (1.4 KB standing for 10^9 strings)
/// drove the server past 10 GB. Every YAML entry point now refuses anchors and aliases before
/// composing the document: the request is answered 400 within `answerBound`, the server's resident
/// memory grows by less than `memoryCeiling`, and the liveness probe holds throughout.
struct YAMLAttackTests {
    static let answerBound: Duration = .seconds(2)
    static let memoryCeiling = 50 * 1024 * 1024
    static let yamlHeaders: HTTPFields = [.contentType: "application/yaml"]

    /// This process's resident set (the live server runs in it), from /proc/self/status.
    static func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes * 1024
    }

    /// POST /v1/experiments and /v1/flags (read key, YAML): the aliases in a value and in a key, each
    /// answered 400 `invalid_definition` naming the refusal and its line; a document over the size or
    /// node limit likewise names the limit.
    @Test func billionLaughsDefinitionsAreRefusedAtOnce() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let read = KeyStyle.bearer(fixture.readKey)
                let before = try Self.residentBytes()
                var peak = before
                let (_, report) = try await LivenessProbe.during(port: port, writeKey: fixture.writeKey) {
                    () async throws in
                    let attacks = [
                        ("/v1/experiments", HostileYAML.billionLaughs(levels: 9), "(line 3)"),
                        ("/v1/experiments", HostileYAML.laughingKey(levels: 9), "(line 1)"),
                        ("/v1/flags", "key: f\n" + HostileYAML.laughingKey(levels: 9), "(line 2)"),
                    ]
                    for _ in 0..<3 {
                        for (path, yaml, line) in attacks {
                            let start = ContinuousClock.now
                            let r = try await client.post(path, json: yaml, key: read, headers: Self.yamlHeaders)
                            let took = ContinuousClock.now - start
                            #expect(took < Self.answerBound, "\(path): \(took)")
                            #expect(r.status == .badRequest, "\(path): \(r.text)")
                            #expect(r.errorCode == "invalid_definition")
                            #expect(r.text.contains("YAML anchors and aliases"), "\(r.text)")
                            #expect(r.text.contains(line), "\(path): \(r.text)")
                            peak = max(peak, try Self.residentBytes())
                        }
                    }
                    let big = "key: big\n# " + String(repeating: "x", count: YAMLBounds.maxBytes) + "\n"
                    let tooBig = try await client.post(
                        "/v1/experiments", json: big, key: read, headers: Self.yamlHeaders)
                    #expect(tooBig.status == .badRequest && tooBig.errorCode == "invalid_definition")
                    #expect(tooBig.text.contains("65536 bytes"), "\(tooBig.text)")
                    let many =
                        "key: many\nowner: [" + Array(repeating: "1", count: 10_001).joined(separator: ",") + "]\n"
                    let tooMany = try await client.post(
                        "/v1/experiments", json: many, key: read, headers: Self.yamlHeaders)
                    #expect(tooMany.status == .badRequest && tooMany.errorCode == "invalid_definition")
                    #expect(tooMany.text.contains("more than 10000 YAML nodes"), "\(tooMany.text)")
                    peak = max(peak, try Self.residentBytes())
                }
                #expect(report.held(), "\(report)")
                #expect(peak - before < Self.memoryCeiling, "resident memory grew by \(peak - before) bytes")
                print("billion laughs over POST: resident +\(peak - before) bytes; liveness: \(report)")
                // Nothing was stored.
                let list = try await client.get("/v1/experiments", key: read)
                #expect(list.status == .ok && list.text.contains("\"experiments\":[]"), "\(list.text)")
            }
        }
    }

    /// GET /v1/goals reads every PR/FAQ of the dashboards folder: one whose header is a billion laughs,
    /// one whose experiment definition file is, both listed as invalid (with the refusal and line for
    /// the header) while the valid PR/FAQ beside them is answered.
    @Test func billionLaughsInTheDashboardsFolderAreRefusedAtOnce() async throws {
        try await ServerFixture.with { fixture in
            try await withTemporaryDirectory(prefix: "uplift-yaml-attack") { folder in
                try GoalRouteTests.prfaq(id: "ok").write(
                    to: folder.appendingPathComponent("ok.md"), atomically: true, encoding: .utf8)
                let laughs = HostileYAML.laughs(levels: 9).joined(separator: "\n")
                try GoalRouteTests.prfaq(id: "header", extra: laughs).write(
                    to: folder.appendingPathComponent("header.md"), atomically: true, encoding: .utf8)
                try HostileYAML.billionLaughs(levels: 9).write(
                    to: folder.appendingPathComponent("laughs.yaml"), atomically: true, encoding: .utf8)
                let reference = "experiments: [{key: laughs, definition: laughs.yaml}]"
                try GoalRouteTests.prfaq(id: "definition", extra: reference).write(
                    to: folder.appendingPathComponent("definition.md"), atomically: true, encoding: .utf8)

                let configuration = GoalRouteTests.configuration(folder.path)
                try await fixture.serve(.live, configuration: configuration) { client in
                    let port = try #require(client.port)
                    let before = try Self.residentBytes()
                    var peak = before
                    let (_, report) = try await LivenessProbe.during(port: port, writeKey: fixture.writeKey) {
                        () async throws in
                        for _ in 0..<3 {
                            let start = ContinuousClock.now
                            let r = try await client.get("/v1/goals", key: .bearer(fixture.readKey))
                            let took = ContinuousClock.now - start
                            #expect(took < Self.answerBound, "\(took)")
                            #expect(r.status == .ok, "\(r.text)")
                            let object = try GoalRouteTests.object(r)
                            let prfaqs = try #require(object["prfaqs"] as? [[String: Any]])
                            #expect(prfaqs.map { $0["id"] as? String } == ["ok"])
                            let invalid = try #require(object["invalid"] as? [[String: Any]])
                            let files = invalid.compactMap { $0["file"] as? String }.sorted()
                            #expect(files == ["definition.md", "header.md"])
                            #expect(r.text.contains("the header (line 16): YAML anchors and aliases"), "\(r.text)")
                            #expect(r.text.contains("experiments[0].definition"), "\(r.text)")
                            peak = max(peak, try Self.residentBytes())
                        }
                    }
                    #expect(report.held(), "\(report)")
                    #expect(peak - before < Self.memoryCeiling, "resident memory grew by \(peak - before) bytes")
                    print("billion laughs in the dashboards: resident +\(peak - before) bytes; liveness: \(report)")
                }
            }
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Issue 21, item 6: a PR/FAQ's `definition:` named `../…` or an absolute path, and the server read
/// it (as whatever user runs it) and quoted its content in `GET /v1/goals`. Definitions are now
/// confined to the dashboards folder after resolving symlinks, and no answer quotes a file: over
/// real HTTP, each escape is listed as a problem at its field and line, within `answerBound`, with
/// the secret nowhere in the answer, and the liveness probe holds.
struct DashboardFileAttackTests {
    static let answerBound: Duration = .seconds(2)
    static let secret = "SECRET-5d1e"

    @Test func definitionsOutsideTheFolderAreRefusedUnread() async throws {
        try await ServerFixture.with { fixture in
            try await withTemporaryDirectory(prefix: "uplift-file-attack") { outer in
                let folder = outer.appendingPathComponent("dashboards")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                // Outside the folder: text that is not a definition (the old answer quoted it), and a
                // valid definition holding the secret.
                try "root:x:0:0:\(Self.secret):/root:/bin/sh\n".write(
                    to: outer.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
                try "key: \(Self.secret)\nvariants: [{key: a}, {key: b}]\n".write(
                    to: outer.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
                try FileManager.default.createSymbolicLink(
                    at: folder.appendingPathComponent("link.yaml"),
                    withDestinationURL: outer.appendingPathComponent("secret.yaml"))
                let escapes = [
                    ("parent", "../passwd", "outside the PR/FAQ's folder"),
                    ("absolute", outer.appendingPathComponent("passwd").path, "not an absolute path"),
                    ("symlink", "link.yaml", "outside the PR/FAQ's folder"),
                ]
                for (id, path, _) in escapes {
                    try GoalRouteTests.prfaq(id: id, extra: "experiments: [{key: x, definition: \"\(path)\"}]").write(
                        to: folder.appendingPathComponent(id + ".md"), atomically: true, encoding: .utf8)
                }
                // Inside the folder but not a definition: named by field and line, never quoted.
                try "key: \(Self.secret)\n".write(
                    to: folder.appendingPathComponent("inside.yaml"), atomically: true, encoding: .utf8)
                try GoalRouteTests.prfaq(id: "inside", extra: "experiments: [{key: x, definition: inside.yaml}]")
                    .write(to: folder.appendingPathComponent("inside.md"), atomically: true, encoding: .utf8)

                try await fixture.serve(.live, configuration: GoalRouteTests.configuration(folder.path)) { client in
                    let port = try #require(client.port)
                    let (_, report) = try await LivenessProbe.during(port: port, writeKey: fixture.writeKey) {
                        () async throws in
                        let start = ContinuousClock.now
                        let r = try await client.get("/v1/goals", key: .bearer(fixture.readKey))
                        #expect(ContinuousClock.now - start < Self.answerBound)
                        #expect(r.status == .ok, "\(r.text)")
                        #expect(!r.text.contains(Self.secret), "\(r.text)")
                        #expect(!r.text.contains("root:x"))
                        let object = try GoalRouteTests.object(r)
                        let invalid = try #require(object["invalid"] as? [[String: Any]])
                        for (id, _, says) in escapes + [("inside", "", "not a valid experiment definition")] {
                            let entry = try #require(invalid.first { $0["file"] as? String == id + ".md" }, "\(id)")
                            let problems = try #require(entry["problems"] as? [[String: Any]])
                            #expect(problems.count == 1, "\(id): \(problems)")
                            #expect(problems.first?["field"] as? String == "experiments[0].definition")
                            #expect(problems.first?["line"] as? Int == 16, "\(id)")
                            let message = problems.first?["message"] as? String ?? ""
                            #expect(message.contains(says), "\(id): \(message)")
                        }
                        for id in ["parent", "symlink", "inside"] {
                            let page = try await client.get("/v1/reports/\(id)", key: .bearer(fixture.readKey))
                            #expect(page.status == .notFound && !page.text.contains(Self.secret), "\(page.text)")
                        }
                    }
                    #expect(report.held(), "\(report)")
                }
            }
        }
    }
}

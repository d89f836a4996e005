import HTTPTypes
import HummingbirdTesting
import Testing

/// The liveness probe against a server under no attack but ordinary traffic: the baseline every
/// attack test is held to.
struct BaselineAttackTests {
    @Test func aServerUnderOrdinaryTrafficAnswersTheProbeWithinTheBound() async throws {
        try await ServerFixture.with { fixture in
            let key = fixture.writeKey
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let (_, report) = try await LivenessProbe.during(port: port, writeKey: key) { () async throws in
                    for i in 0..<50 {
                        let body = json(["type": "track", "event": "e", "userId": "u\(i)", "messageId": "m\(i)"])
                        #expect(try await client.post("/v1/track", json: body, key: .basic(key)).status == .ok)
                    }
                }
                #expect(report.held(), "\(report)")
                print("baseline liveness: \(report)")
            }
        }
    }
}

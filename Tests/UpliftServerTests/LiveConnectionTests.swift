import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel
import UpliftServer

/// What only a real socket shows: a stalled body, a chunked body without a length.
struct LiveConnectionTests {
    /// A client that stalls in the middle of its body gets 408, and nobody else waits for it.
    @Test func aStalledBodyIs408WhileOthersAreServed() async throws {
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            // Long enough that the other request surely is answered first, even on a loaded machine.
            configuration.bodyTimeout = .seconds(15)
            let key = fixture.writeKey
            try await fixture.serve(.live, configuration: configuration) { client in
                let port = try #require(client.port)
                let stalled = try RawConnection(port: port)
                let basic = Data((key + ":").utf8).base64EncodedString()
                try stalled.send(
                    "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic \(basic)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":\"tr")
                // Start waiting for the stalled request's answer, then serve someone else meanwhile.
                let finished = Flag()
                let stalledAnswer = Task {
                    let answer = await stalled.readResponse()
                    finished.set()
                    return answer
                }
                let other = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u", "messageId": "other"]),
                    key: .basic(key))
                #expect(other.status == .ok)
                #expect(try await client.get("/healthz").status == .ok)
                // Answered while the stalled request still waits for its body.
                #expect(!finished.isSet)

                let answer = await stalledAnswer.value
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
                #expect(answer.contains(#""code":"request_timeout""#), "\(answer)")
            }
            #expect(try await fixture.storedEvents().map(\.eventID) == ["other"])
        }
    }

    /// Without Content-Length the limit is enforced while the body streams in.
    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        try await ServerFixture.with { fixture in
            let key = fixture.writeKey
            try await fixture.serve(.live) { client in
                let port = try #require(client.port)
                let connection = try RawConnection(port: port)
                let basic = Data((key + ":").utf8).base64EncodedString()
                var request =
                    "POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic \(basic)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                let chunk = String(repeating: " ", count: 256 * 1024)
                let limit = ServerConfiguration().maxBodyBytes
                for _ in 0...(limit / chunk.utf8.count) {
                    request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
                }
                request += "0\r\n\r\n"
                // The server may answer before it has read everything; a refused send is fine.
                let text = request
                Thread.detachNewThread { try? connection.send(text) }
                let answer = await connection.readResponse()
                #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
                #expect(answer.contains(#""code":"body_too_large""#))
                #expect(try await client.get("/healthz").status == .ok)
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }
}

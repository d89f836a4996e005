import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel
import UpliftServer
import UpliftStorage

/// When the log cannot be written the server answers 503 and stores nothing of that request; it
/// says so on /readyz and recovers once the log takes writes again.
struct StorageFailureTests {
    /// A switchable fault: the log's data syncs fail with `errno` while it is on.
    struct SyncSwitch: Sendable {
        let failing = Flag()
        let errno: Int32

        var faults: WALFaults {
            let failing = self.failing
            let errno = self.errno
            return WALFaults(syncError: { failing.isSet ? errno : nil })
        }
    }

    @Test(arguments: [EIO, ENOSPC])
    func aFailedSyncIs503AndStoresNothing(errno: Int32) async throws {
        try await ServerFixture.with { fixture in
            let fault = SyncSwitch(errno: errno)
            try await fixture.serve(faults: fault.faults) { client in
                let before = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u", "messageId": "before"]),
                    key: .basic(fixture.writeKey))
                #expect(before.status == .ok)

                fault.failing.set(true)
                let batch = json([
                    "batch": [
                        ["type": "track", "event": "lost", "userId": "u", "messageId": "during-1"],
                        ["type": "identify", "userId": "u", "anonymousId": "a", "messageId": "during-2"],
                    ]
                ])
                let failed = try await client.post("/v1/batch", json: batch, key: .basic(fixture.writeKey))
                #expect(failed.status == .serviceUnavailable)
                #expect(failed.errorCode == "storage_unavailable")
                #expect(failed.headers[.retryAfter] == "5")
                #expect(failed.headers[.accessControlAllowOrigin] == "*")

                let notReady = try await client.get("/readyz")
                #expect(notReady.status == .serviceUnavailable)
                #expect(notReady.text.contains(#""status":"not_ready""#))
                #expect(notReady.text.contains(#""log":"failing""#))
                #expect(notReady.headers[.retryAfter] != nil)
                #expect(try await client.get("/healthz").status == .ok)

                // The client's retry once the disk is back is stored (not a duplicate of anything).
                fault.failing.set(false)
                let retried = try await client.post("/v1/batch", json: batch, key: .basic(fixture.writeKey))
                #expect(retried.status == .ok)
                #expect(try retried.acknowledgement.accepted == 2)
                #expect(try await client.get("/readyz").status == .ok)
            }
            let stored = try await fixture.storedEvents()
            #expect(stored.map(\.eventID).sorted() == ["before", "during-1", "during-2"])
        }
    }

    @Test func aFullDiskIs503AndLeavesNothingBehind() async throws {
        try await ServerFixture.with { fixture in
            // Room for the header and one small request, not for a 200 KB batch.
            let faults = WALFaults(fileQuotaBytes: 16 * 1024)
            let big = json([
                "batch": (0..<200).map {
                    [
                        "type": "track", "event": "big", "userId": "u\($0)",
                        "properties": ["pad": String(repeating: "p", count: 1000)],
                    ]
                }
            ])
            try await fixture.serve(faults: faults) { client in
                let small = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "small", "userId": "u", "messageId": "small"]),
                    key: .basic(fixture.writeKey))
                #expect(small.status == .ok)
                let full = try await client.post("/v1/batch", json: big, key: .basic(fixture.writeKey))
                #expect(full.status == .serviceUnavailable)
                #expect(full.errorCode == "storage_unavailable")
                #expect(full.headers[.retryAfter] != nil)
                #expect(try await client.get("/readyz").status == .serviceUnavailable)
            }
            #expect(try await fixture.storedEvents().map(\.eventID) == ["small"])
        }
    }
}

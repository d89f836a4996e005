import Foundation
import Testing
import UpliftModel
import UpliftObjectStore

/// UPLIFT_TEST_S3_ENDPOINT, when set.
let motoEndpoint: String? = {
    let value = ProcessInfo.processInfo.environment["UPLIFT_TEST_S3_ENDPOINT"] ?? ""
    return value.isEmpty ? nil : value
}()

/// The client against a real S3 implementation: moto's server, which `make test` starts (Tests/s3.sh) and
/// names in UPLIFT_TEST_S3_ENDPOINT; without it these tests are skipped.
@Suite(.enabled(if: motoEndpoint != nil)) struct S3ClientMotoTests {
    static let endpoint = motoEndpoint

    /// A client of a new bucket of its own (moto keeps buckets in memory; tests share the server).
    static func client(multipartThreshold: Int = 64 << 20) async throws -> S3Client {
        var options = S3Client.Options()
        options.multipartThreshold = multipartThreshold
        options.partSize = 5 << 20
        let endpoint: String = try #require(Self.endpoint)
        let bucket = "uplift-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let client = S3Client(
            location: try S3Location(url: "s3://\(bucket)/events", endpoint: endpoint),
            credentials: AWSCredentials(accessKeyID: "uplift-test", secretAccessKey: "uplift-test-secret"),
            options: options)
        try await client.createBucket()
        return client
    }

    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func objectsGoInAndComeBackExactly() async throws {
        let client = try await Self.client()
        let key = client.location.prefix + "project=demo/date=2026-01-01/c-0661fdb83faef5-0d581dd6.parquet"
        let data = Self.bytes(100_000, seed: 1)
        try await client.put(key, data)
        #expect(try await client.get(key) == data)
        // Footer-first reads: any byte range, the last bytes among them.
        #expect(try await client.get(key, range: 99_992..<100_000) == Array(data[99_992...]))
        #expect(try await client.get(key, range: 1000..<1001) == [data[1000]])
        let info = try #require(try await client.head(key))
        #expect(info.size == 100_000)
        #expect(info.etag.count == 32, "a single PUT's tag is its MD5: \(info.etag)")
        // Overwritten whole.
        try await client.put(key, [1, 2, 3])
        #expect(try await client.get(key) == [1, 2, 3])
        try await client.delete(key)
        #expect(try await client.head(key) == nil)
        #expect(try await client.get(key) == nil)
        // Deleting what is not there is fine.
        try await client.delete(key)
        await client.shutdown()
    }

    @Test func aLargeObjectGoesUpInParts() async throws {
        let client = try await Self.client(multipartThreshold: 6 << 20)
        let key = client.location.prefix + "project=demo/date=2026-01-02/big.parquet"
        let data = Self.bytes((11 << 20) + 3, seed: 2)
        try await client.put(key, data)
        let info = try #require(try await client.head(key))
        #expect(info.size == data.count)
        #expect(info.etag.hasSuffix("-3"), "three parts: \(info.etag)")
        #expect(try await client.get(key) == data)
        #expect(
            try await client.get(key, range: (5 << 20) - 2..<(5 << 20) + 2)
                == Array(data[(5 << 20) - 2..<(5 << 20) + 2]))
        await client.shutdown()
    }

    /// Listing pages through every key under a prefix, in key order, and nothing outside it.
    @Test func listingPagesThroughAPrefix() async throws {
        let client = try await Self.client()
        let prefix = client.location.prefix + "project=demo/"
        let keys = (0..<7).map { prefix + "date=2026-01-0\($0 + 1)/segment & ü \($0).parquet" }
        for (i, key) in keys.enumerated() { try await client.put(key, Self.bytes(10 + i, seed: UInt64(i))) }
        try await client.put(client.location.prefix + "project=other/x", [1])
        let listed = try await client.list(prefix: prefix, pageSize: 3)
        #expect(listed.map(\.key) == keys.sorted())
        #expect(listed.map(\.size) == (0..<7).map { 10 + $0 })
        #expect(try await client.list(prefix: client.location.prefix + "project=none/").isEmpty)
        await client.shutdown()
    }

    @Test func aMissingBucketIsNamed() async throws {
        let endpoint: String = try #require(Self.endpoint)
        let client = S3Client(
            location: try S3Location(url: "s3://uplift-no-such-bucket", endpoint: endpoint),
            credentials: AWSCredentials(accessKeyID: "uplift-test", secretAccessKey: "uplift-test-secret"))
        let error = await #expect(throws: UpliftError.self) { try await client.put("k", [1]) }
        #expect(error?.message.contains("bucket uplift-no-such-bucket does not exist") == true, "\(error!)")
        let listError = await #expect(throws: UpliftError.self) { try await client.list(prefix: "") }
        #expect(listError?.message.contains("bucket uplift-no-such-bucket does not exist") == true)
        await client.shutdown()
    }
}

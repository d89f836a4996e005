import Foundation
import Synchronization
import TestSupport
import Testing
import UpliftModel
import UpliftObjectStore

/// The client against `ScriptedS3`: the exact requests it sends (signed as botocore signs them), its retries
/// and each failure's one-line error.
@Suite struct S3ClientScriptedTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAUPLIFTTEST", secretAccessKey: "uplift/secret+key=with/odd=characters")
    /// 2026-12-07T03:00:00Z.
    static let time: Int64 = 1_796_612_400

    /// A client of `server` that signs at `time`, records its pauses instead of waiting, and splits uploads
    /// above `multipartThreshold` into parts of `partSize`.
    static func client(
        _ server: ScriptedS3, credentials: AWSCredentials = credentials, attempts: Int = 4,
        multipartThreshold: Int = 64 << 20, partSize: Int = 16 << 20, pauses: Pauses? = nil
    ) throws -> S3Client {
        var options = S3Client.Options()
        options.attempts = attempts
        options.multipartThreshold = multipartThreshold
        options.partSize = partSize
        options.requestTimeout = .seconds(10)
        return S3Client(
            location: try S3Location(url: "s3://uplift-test/events", endpoint: server.endpoint, region: "eu-west-1"),
            credentials: credentials, options: options, now: { time },
            pause: { delay in pauses?.taken.withLock { $0.append(delay) } })
    }

    /// The pauses a client took between attempts.
    final class Pauses: Sendable {
        let taken = Mutex<[Duration]>([])
    }

    // MARK: - The requests on the wire, against botocore

    /// Every kind of request the client makes, as the server received it, carries the Authorization that
    /// botocore's S3 signer computes for the same method, target, signed headers, body and time.
    @Test(.enabled(if: Paths.python() != nil)) func everyRequestIsSignedAsBotocoreSignsIt() async throws {
        let server = try await ScriptedS3 { request, _ in
            switch (request.method, request.uri) {
            case ("POST", let uri) where uri.hasSuffix("?uploads="):
                return ScriptedS3.ok(
                    "<InitiateMultipartUploadResult><UploadId>up/1+2=3</UploadId></InitiateMultipartUploadResult>")
            case ("PUT", let uri) where uri.contains("partNumber="):
                return ScriptedS3.ok(headers: [("ETag", "\"etag-\(request.body.count)\"")])
            case ("GET", let uri) where uri.contains("list-type=2") && !uri.contains("continuation-token"):
                return ScriptedS3.ok(
                    "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t/+=1</NextContinuationToken>"
                        + "<Contents><Key>events/a&amp;b</Key><Size>3</Size><ETag>&quot;x&quot;</ETag></Contents>"
                        + "</ListBucketResult>")
            case ("GET", let uri) where uri.contains("list-type=2"):
                return ScriptedS3.ok("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
            case ("HEAD", _):
                return ScriptedS3.ok(headers: [("Content-Length", "5"), ("ETag", "\"abc\"")])
            case ("DELETE", _):
                return .respond(status: 204, headers: [], body: "")
            default:
                return ScriptedS3.ok("hello")
            }
        }
        let withToken = AWSCredentials(
            accessKeyID: Self.credentials.accessKeyID, secretAccessKey: Self.credentials.secretAccessKey,
            sessionToken: "FwoGZXIvYXdzEJr//////////token+/=")
        let client = try Self.client(server, multipartThreshold: 8, partSize: 6)
        let tokenClient = try Self.client(server, credentials: withToken)
        let key = "events/project=demo/date=2026-01-01/c-0661fdb83faef5-0d581dd6.parquet"
        try await client.createBucket()
        try await client.put(key, Array("small".utf8))
        try await client.put("events/project=demo/ü space/big", Array("fourteen bytes".utf8))  // three parts
        _ = try await client.get(key)
        _ = try await client.get(key, range: 10..<18)
        _ = try await client.head(key)
        try await client.delete(key)
        let listed = try await client.list(prefix: "events/project=demo/", pageSize: 2)
        try await tokenClient.put(key, Array("with a token".utf8))
        await client.shutdown()
        await tokenClient.shutdown()
        await server.stop()
        #expect(listed == [ObjectInfo(key: "events/a&b", size: 3, etag: "x")])

        let requests = server.requests
        #expect(
            requests.map { $0.method } == [
                "PUT", "PUT", "POST", "PUT", "PUT", "PUT", "POST", "GET", "GET", "HEAD", "DELETE", "GET", "GET", "PUT",
            ])
        #expect(
            requests[1].uri == "/uplift-test/"
                + "events/project%3Ddemo/date%3D2026-01-01/c-0661fdb83faef5-0d581dd6.parquet")
        #expect(requests[8].header("range") == "bytes=10-17")
        #expect(requests[12].uri.contains("continuation-token=t%2F%2B%3D1"))
        // Parts: 6 + 6 + 2 bytes, then the completion listing their tags in order.
        #expect(requests[3...5].map { $0.body.count } == [6, 6, 2])
        #expect(
            String(decoding: requests[6].body, as: UTF8.self).contains(
                "<PartNumber>3</PartNumber><ETag>\"etag-2\"</ETag>"))

        let input: [[String: Any]] = requests.map { request in
            let authorization = request.header("authorization") ?? ""
            let signed =
                authorization.components(separatedBy: "SignedHeaders=").last?
                .components(separatedBy: ",").first?.components(separatedBy: ";") ?? []
            // botocore adds the host, date, token and payload hash itself.
            let own: Set<String> = ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
            let headers = request.headers.filter {
                signed.contains($0.name.lowercased()) && !own.contains($0.name.lowercased())
            }
            return [
                "method": request.method, "url": server.endpoint + request.uri,
                "headers": headers.map { [$0.name, $0.value] },
                "body_hex": request.body.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(),
                "region": "eu-west-1",
                "access_key": Self.credentials.accessKeyID, "secret_key": Self.credentials.secretAccessKey,
                "token": request.header("x-amz-security-token") as Any? ?? NSNull(), "time": Self.time,
            ]
        }
        let expected = try Self.botocoreAuthorizations(input)
        #expect(expected.count == requests.count)
        for (request, authorization) in zip(requests, expected) {
            #expect(request.header("authorization") == authorization, "\(request.method) \(request.uri)")
        }
    }

    /// Virtual-hosted addressing (AWS, no endpoint): the bucket is in the host, not the path.
    @Test(.enabled(if: Paths.python() != nil)) func virtualHostedRequestsAreSignedAsBotocoreSignsThem() throws {
        let location = try S3Location(url: "s3://uplift-events/prod", region: "eu-central-1")
        #expect(location.authority == "uplift-events.s3.eu-central-1.amazonaws.com")
        let client = S3Client(location: location, credentials: Self.credentials, now: { Self.time })
        let key = location.prefix + "project=demo/date=2026-01-01/x.parquet"
        let body = Array("abc".utf8)
        let signed = client.signedRequest(
            "PUT", key: key, payloadHash: SigV4.payloadHash(body), time: Self.time)
        #expect(signed.target == "/prod/project%3Ddemo/date%3D2026-01-01/x.parquet")
        let input: [[String: Any]] = [
            [
                "method": "PUT", "url": location.origin + signed.target, "headers": [[String]](),
                "body_hex": "616263", "region": "eu-central-1", "access_key": Self.credentials.accessKeyID,
                "secret_key": Self.credentials.secretAccessKey, "token": NSNull(), "time": Self.time,
            ]
        ]
        let expected = try Self.botocoreAuthorizations(input)
        #expect(signed.headers.first { $0.name == "Authorization" }?.value == expected.first)
    }

    /// The `Authorization` botocore's S3 signer computes for each request described (Fixtures/botocore_sign.py).
    static func botocoreAuthorizations(_ input: [[String: Any]]) throws -> [String] {
        let result = try runProcess(
            URL(fileURLWithPath: try #require(Paths.python())),
            arguments: [
                Paths.packageRoot.appendingPathComponent("Tests/UpliftObjectStoreTests/Fixtures/botocore_sign.py").path
            ],
            stdin: try JSONSerialization.data(withJSONObject: input))
        try #require(result.exitCode == 0, "\(result.stderrText)")
        return try JSONDecoder().decode([String].self, from: result.stdout)
    }

    // MARK: - Retries

    /// `SlowDown`, a 500 and a dropped connection are tried again after growing, jittered pauses; the
    /// fourth attempt succeeds.
    @Test func passingFailuresAreTriedAgain() async throws {
        let server = try await ScriptedS3 { _, index in
            switch index {
            case 0: return ScriptedS3.error(503, "SlowDown", "Please reduce your request rate.")
            case 1: return ScriptedS3.error(500, "InternalError")
            case 2: return .drop
            default: return ScriptedS3.ok()
            }
        }
        let pauses = Pauses()
        let client = try Self.client(server, attempts: 4, pauses: pauses)
        try await client.put("events/k", [1, 2, 3])
        await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 4)
        let waited = pauses.taken.withLock { $0 }
        #expect(waited.count == 3)
        // Full jitter under a cap that doubles: 100 ms, 200 ms, 400 ms.
        for (delay, cap) in zip(waited, [100, 200, 400]) { #expect(delay >= .zero && delay <= .milliseconds(cap)) }
    }

    /// When every attempt fails the error is `storageUnavailable` (503 with Retry-After in the server), says
    /// what the store answered, and no more attempts are made than configured.
    @Test func attemptsRunOut() async throws {
        let server = try await ScriptedS3 { _, _ in ScriptedS3.error(503, "SlowDown") }
        let client = try Self.client(server, attempts: 3)
        let error = await #expect(throws: UpliftError.self) { try await client.get("events/k") }
        await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 3)
        #expect(error?.code == .storageUnavailable)
        #expect(error?.message.contains("answered 503 SlowDown to read events/k 3 times") == true, "\(error!)")
    }

    /// A closed port: refused on every attempt, then one error naming the endpoint.
    @Test func anUnreachableEndpoint() async throws {
        let server = try await ScriptedS3 { _, _ in ScriptedS3.ok() }
        let endpoint = server.endpoint
        await server.stop()
        var options = S3Client.Options()
        options.attempts = 2
        // A refused connection is retried inside the HTTP client until the connect timeout.
        options.connectTimeout = .milliseconds(300)
        let client = S3Client(
            location: try S3Location(url: "s3://uplift-test", endpoint: endpoint), credentials: Self.credentials,
            options: options, pause: { _ in })
        let error = await #expect(throws: UpliftError.self) { try await client.head("k") }
        await client.shutdown()
        #expect(error?.code == .storageUnavailable)
        #expect(error?.message.contains("the object store at \(endpoint) cannot be reached") == true, "\(error!)")
        #expect(error?.message.contains("after 2 attempts") == true, "\(error!)")
    }

    // MARK: - Failures for good: one clear line, no retry

    @Test(arguments: [
        (403, "InvalidAccessKeyId", "does not know the access key in AWS_ACCESS_KEY_ID"),
        (403, "SignatureDoesNotMatch", "check AWS_SECRET_ACCESS_KEY"),
        (403, "RequestTimeTooSkewed", "clock is more than 15 minutes away"),
        (403, "AccessDenied", "denied the credentials permission to upload events/k in bucket uplift-test"),
        (400, "ExpiredToken", "get new temporary credentials"),
        (404, "NoSuchBucket", "bucket uplift-test does not exist at http://127.0.0.1:"),
        (
            400, "AuthorizationHeaderMalformed",
            "is not in region eu-west-1: it is in us-west-2; set --s3-region us-west-2"
        ),
        (400, "EntityTooLarge", "answered 400 EntityTooLarge to upload events/k: the message"),
    ])
    func refusals(status: Int, code: String, expected: String) async throws {
        let server = try await ScriptedS3 { _, _ in
            ScriptedS3.error(status, code, "the message", headers: [("x-amz-bucket-region", "us-west-2")])
        }
        let client = try Self.client(server)
        let error = await #expect(throws: UpliftError.self) { try await client.put("events/k", [1]) }
        await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 1, "a refusal is not retried")
        #expect(error?.code == .storageUnavailable)
        #expect(error?.message.contains(expected) == true, "\(error!)")
        #expect(error?.message.contains("\n") == false)
    }

    /// A missing object is nil, not an error; a missing bucket is an error.
    @Test func missingObjects() async throws {
        let server = try await ScriptedS3 { request, _ in
            request.method == "HEAD" ? .respond(status: 404, headers: [], body: "") : ScriptedS3.error(404, "NoSuchKey")
        }
        let client = try Self.client(server)
        #expect(try await client.get("events/none") == nil)
        #expect(try await client.head("events/none") == nil)
        await client.shutdown()
        await server.stop()
    }

    /// A multipart upload whose part fails for good is aborted, so no parts are left behind.
    @Test func aFailedMultipartUploadIsAborted() async throws {
        let server = try await ScriptedS3 { request, _ in
            switch request.method {
            case "POST":
                return ScriptedS3.ok(
                    "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>")
            case "PUT": return ScriptedS3.error(400, "InvalidPart")
            default: return .respond(status: 204, headers: [], body: "")
            }
        }
        let client = try Self.client(server, multipartThreshold: 4, partSize: 4)
        await #expect(throws: UpliftError.self) { try await client.put("events/k", Array(repeating: 7, count: 10)) }
        await client.shutdown()
        await server.stop()
        #expect(server.requests.map { $0.method } == ["POST", "PUT", "DELETE"])
        #expect(server.requests.last?.uri == "/uplift-test/events/k?uploadId=u1")
    }
}

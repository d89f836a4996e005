import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization
package import UpliftModel

/// One object in a listing or a `HEAD` answer.
package struct ObjectInfo: Sendable, Equatable {
    /// The full key (the location's prefix included).
    package let key: String
    package let size: Int
    /// The entity tag without its quotes (an MD5 for a single PUT; `…-N` for a multipart upload).
    package let etag: String

    package init(key: String, size: Int, etag: String) {
        self.key = key
        self.size = size
        self.etag = etag
    }
}

/// Uplift's S3 client: `PUT` (multipart above a size), ranged `GET`, `HEAD`, `DELETE` and `ListObjectsV2`,
/// signed with Signature Version 4 over AsyncHTTPClient.
///
/// A request that fails for a reason that may pass (a 5xx, `SlowDown`, a refused or dropped connection, a
/// timeout) is tried again after a jittered, growing delay; when the attempts run out the error is
/// `storageUnavailable` (the server answers 503 with `Retry-After`). A request refused for good (wrong
/// credentials, a skewed clock, a missing bucket) fails at once with a one-line message that says what to
/// fix.
package final class S3Client: Sendable {
    package struct Options: Sendable {
        /// Objects larger than this are uploaded in parts.
        package var multipartThreshold = 64 << 20
        /// The size of each part but the last (S3's minimum is 5 MiB).
        package var partSize = 16 << 20
        /// Attempts per request, the first included.
        package var attempts = 6
        /// The delay before the second attempt is up to this; each later one up to twice the one before,
        /// never more than `maxDelay` (full jitter).
        package var baseDelay: Duration = .milliseconds(100)
        package var maxDelay: Duration = .seconds(5)
        /// How long one attempt may take, from connecting to the last byte of the answer.
        package var requestTimeout: Duration = .seconds(60)
        /// How long connecting may take. The HTTP client keeps trying a refused connection until then, so
        /// this also bounds how long an attempt at a store that is down takes.
        package var connectTimeout: Duration = .seconds(2)

        package init() {}
    }

    package let location: S3Location
    package let options: Options
    private let signer: SigV4
    private let http: HTTPClient
    /// Seconds since the epoch, for signing.
    private let now: @Sendable () -> Int64
    /// Waits between attempts (a test may pass one that records the delays and returns at once).
    private let pause: @Sendable (Duration) async throws -> Void

    package init(
        location: S3Location, credentials: AWSCredentials, options: Options = Options(),
        now: @escaping @Sendable () -> Int64 = { Timestamp.now() / 1_000_000 },
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.location = location
        self.options = options
        self.signer = SigV4(credentials: credentials, region: location.region)
        self.now = now
        self.pause = pause
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(options.connectTimeout.nanoseconds)))
        configuration.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    private let shutDown = Mutex(false)

    /// Closes the connections; the client cannot be used after. A client dropped without it closes them
    /// in the background.
    package func shutdown() async {
        guard !shutDown.withLock({ $0 }) else { return }
        shutDown.withLock { $0 = true }
        try? await http.shutdown()
    }

    deinit {
        if !shutDown.withLock({ $0 }) { http.shutdown { _ in } }
    }

    // MARK: - Operations

    /// Stores `bytes` as `key`, in one request up to `multipartThreshold`, in parts above.
    package func put(_ key: String, _ bytes: [UInt8]) async throws(UpliftError) {
        if bytes.count > options.multipartThreshold {
            try await putInParts(key, bytes)
            return
        }
        let response = try await send("PUT", key: key, body: bytes, doing: "upload \(key)")
        guard response.status == .ok else { throw failure(response, doing: "upload \(key)") }
    }

    /// The bytes of `key` (of `range` in it when given); nil when there is no such object.
    package func get(_ key: String, range: Range<Int>? = nil) async throws(UpliftError) -> [UInt8]? {
        var headers: [(name: String, value: String)] = []
        if let range {
            guard !range.isEmpty else { return [] }
            headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
        }
        let response = try await send("GET", key: key, headers: headers, doing: "read \(key)")
        switch response.status {
        case .ok, .partialContent: return response.body
        case .notFound where response.code == "NoSuchKey": return nil
        default: throw failure(response, doing: "read \(key)")
        }
    }

    /// The size and entity tag of `key`; nil when there is no such object.
    package func head(_ key: String) async throws(UpliftError) -> ObjectInfo? {
        let response = try await send("HEAD", key: key, doing: "look up \(key)")
        switch response.status {
        case .ok:
            guard let size = response.headers.first(name: "content-length").flatMap({ Int($0) }) else {
                throw UpliftError(.storageUnavailable, "the object store answered HEAD \(key) without a size")
            }
            return ObjectInfo(key: key, size: size, etag: Self.unquoted(response.headers.first(name: "etag") ?? ""))
        case .notFound: return nil
        default: throw failure(response, doing: "look up \(key)")
        }
    }

    /// Whether the bucket answers now, in one attempt (a readiness check): nil when it does, else why not.
    package func probe() async -> UpliftError? {
        do {
            let response = try await send(
                "GET", key: nil, query: [("list-type", "2"), ("max-keys", "1"), ("prefix", location.prefix)],
                doing: "list \(location)", attempts: 1)
            return response.status == .ok ? nil : failure(response, doing: "list \(location)")
        } catch {
            return error
        }
    }

    /// Removes `key`; removing a key that does not exist is not an error (S3's own rule).
    package func delete(_ key: String) async throws(UpliftError) {
        let response = try await send("DELETE", key: key, doing: "delete \(key)")
        guard response.status == .noContent || response.status == .ok else {
            throw failure(response, doing: "delete \(key)")
        }
    }

    /// Every object whose key starts with `prefix` (the full key prefix), in key order, reading `pageSize`
    /// keys per request.
    package func list(prefix: String, pageSize: Int = 1000) async throws(UpliftError) -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [
                ("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize)),
            ]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", key: nil, query: query, doing: "list \(prefix)")
            guard response.status == .ok else { throw failure(response, doing: "list \(prefix)") }
            let xml = Substring(decoding: response.body, as: UTF8.self)
            for entry in S3XML.elements("Contents", in: xml) {
                guard let key = S3XML.text(of: "Key", in: entry),
                    let size = S3XML.text(of: "Size", in: entry).flatMap({ Int($0) })
                else { throw UpliftError(.storageUnavailable, "the object store's listing of \(prefix) is unreadable") }
                objects.append(
                    ObjectInfo(key: key, size: size, etag: Self.unquoted(S3XML.text(of: "ETag", in: entry) ?? "")))
            }
            token =
                S3XML.text(of: "IsTruncated", in: xml) == "true"
                ? S3XML.text(of: "NextContinuationToken", in: xml) : nil
        } while token != nil
        return objects
    }

    /// Creates the bucket; one that exists and is ours already is fine.
    package func createBucket() async throws(UpliftError) {
        var body: [UInt8] = []
        if location.region != "us-east-1" {
            body = Array(
                ("<CreateBucketConfiguration><LocationConstraint>" + location.region
                    + "</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let response = try await send("PUT", key: nil, body: body, doing: "create bucket \(location.bucket)")
        guard response.status == .ok || response.code == "BucketAlreadyOwnedByYou" else {
            throw failure(response, doing: "create bucket \(location.bucket)")
        }
    }

    // MARK: - Multipart

    private func putInParts(_ key: String, _ bytes: [UInt8]) async throws(UpliftError) {
        let doing = "upload \(key)"
        let started = try await send("POST", key: key, query: [("uploads", "")], doing: doing)
        guard started.status == .ok,
            let uploadID = S3XML.text(of: "UploadId", in: Substring(decoding: started.body, as: UTF8.self))
        else { throw failure(started, doing: doing) }
        do throws(UpliftError) {
            var parts: [(number: Int, etag: String)] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + options.partSize, bytes.count)
                let number = parts.count + 1
                let response = try await send(
                    "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                    body: Array(bytes[start..<end]), doing: doing + " (part \(number))")
                guard response.status == .ok, let etag = response.headers.first(name: "etag") else {
                    throw failure(response, doing: doing + " (part \(number))")
                }
                parts.append((number, etag))
                start = end
            }
            let manifest =
                "<CompleteMultipartUpload>"
                + parts.map {
                    "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag></Part>"
                }.joined() + "</CompleteMultipartUpload>"
            let completed = try await send(
                "POST", key: key, query: [("uploadId", uploadID)], body: Array(manifest.utf8), doing: doing)
            // S3 may answer 200 and report a failure in the body (the completion ran long).
            guard completed.status == .ok, completed.code == nil else { throw failure(completed, doing: doing) }
        } catch {
            // The parts would otherwise be kept (and billed) until a lifecycle rule removes them.
            _ = try? await send("DELETE", key: key, query: [("uploadId", uploadID)], doing: doing + " (abort)")
            throw error
        }
    }

    // MARK: - Requests

    /// An answer: status, headers, body, and the error code of an error document (S3's `<Code>`).
    struct Response: Sendable {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: [UInt8]
        var code: String? {
            guard body.first == UInt8(ascii: "<") else { return nil }
            let xml = Substring(decoding: body, as: UTF8.self)
            return xml.contains("<Error>") ? S3XML.text(of: "Code", in: xml) : nil
        }
    }

    /// The request for `method` on `key` (nil: the bucket), signed at `time`: what goes on the wire.
    package func signedRequest(
        _ method: String, key: String?, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], payloadHash: String, time: Int64
    ) -> SignableRequest {
        let path = key.map { location.path(of: $0) } ?? location.bucketPath
        var request = SignableRequest(method: method, path: path, query: query)
        request.headers = [("Host", location.authority)] + headers + [("x-amz-content-sha256", payloadHash)]
        return signer.signed(request, payloadHash: payloadHash, time: time)
    }

    /// Sends one request, trying again while it fails for a reason that may pass.
    private func send(
        _ method: String, key: String?, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], doing: String, attempts: Int? = nil
    ) async throws(UpliftError) -> Response {
        let attempts = attempts ?? options.attempts
        let payloadHash = SigV4.payloadHash(body)
        var attempt = 1
        while true {
            let signed = signedRequest(
                method, key: key, query: query, headers: headers, payloadHash: payloadHash, time: now())
            let outcome: Result<Response, any Error>
            do {
                outcome = .success(try await execute(signed, body: body))
            } catch {
                outcome = .failure(error)
            }
            let retryable: Bool
            switch outcome {
            case .success(let response): retryable = Self.isRetryable(response)
            case .failure: retryable = true
            }
            if !retryable, case .success(let response) = outcome { return response }
            guard attempt < attempts else {
                switch outcome {
                case .success(let response):
                    throw UpliftError(
                        .storageUnavailable,
                        "the object store at \(location.origin) answered \(Self.describe(response)) to "
                            + "\(doing) \(attempts) times; try again later")
                case .failure(let error):
                    throw UpliftError(
                        .storageUnavailable,
                        "the object store at \(location.origin) cannot be reached (\(Self.describe(error))) "
                            + "after \(attempts) attempts to \(doing); check --s3-endpoint and the network",
                        cause: error)
                }
            }
            do {
                try await pause(delay(beforeAttempt: attempt + 1))
            } catch {
                throw UpliftError(.storageUnavailable, "cancelled while waiting to \(doing)")
            }
            attempt += 1
        }
    }

    private func execute(_ signed: SignableRequest, body: [UInt8]) async throws -> Response {
        var request = HTTPClientRequest(url: location.origin + signed.target)
        request.method = HTTPMethod(rawValue: signed.method)
        for (name, value) in signed.headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty || signed.method == "PUT" || signed.method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(options.requestTimeout.nanoseconds)
        let response = try await http.execute(request, timeout: timeout)
        let limit = response.headers.first(name: "content-length").flatMap { Int($0) } ?? (1 << 31)
        var buffer = try await response.body.collect(upTo: max(limit, 1 << 20))
        return Response(
            status: response.status, headers: response.headers,
            body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    /// The wait before attempt `n` (2, 3, …): uniform in [0, min(maxDelay, baseDelay · 2^(n-2))].
    private func delay(beforeAttempt n: Int) -> Duration {
        let cap = min(options.maxDelay, options.baseDelay * (1 << min(n - 2, 20)))
        let nanoseconds = max(cap.nanoseconds, 0)
        return .nanoseconds(nanoseconds == 0 ? 0 : Int64.random(in: 0...nanoseconds))
    }

    /// 5xx, 429, and S3's "slow down" and "took too long" codes, whatever the status.
    static func isRetryable(_ response: Response) -> Bool {
        if response.status.code >= 500 || response.status.code == 429 { return true }
        switch response.code {
        case "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable": return true
        default: return false
        }
    }

    // MARK: - Errors

    /// The one-line error for an answer that is not the one asked for.
    func failure(_ response: Response, doing: String) -> UpliftError {
        let code = response.code
        let message =
            response.body.first == UInt8(ascii: "<")
            ? S3XML.text(of: "Message", in: Substring(decoding: response.body, as: UTF8.self)) : nil
        let origin = location.origin
        switch (response.status.code, code) {
        case (403, "InvalidAccessKeyId"?):
            return UpliftError(
                .storageUnavailable,
                "the object store at \(origin) does not know the access key in AWS_ACCESS_KEY_ID (InvalidAccessKeyId)")
        case (403, "SignatureDoesNotMatch"?):
            return UpliftError(
                .storageUnavailable,
                "the object store at \(origin) refused the request signature: check AWS_SECRET_ACCESS_KEY "
                    + "(SignatureDoesNotMatch)")
        case (403, "RequestTimeTooSkewed"?):
            return UpliftError(
                .storageUnavailable,
                "this machine's clock is more than 15 minutes away from the object store's: set the clock right "
                    + "(RequestTimeTooSkewed)")
        case (403, "ExpiredToken"?), (400, "ExpiredToken"?), (403, "InvalidToken"?), (400, "InvalidToken"?):
            return UpliftError(
                .storageUnavailable,
                "the object store refused AWS_SESSION_TOKEN (\(code!)): get new temporary credentials")
        case (403, _):
            return UpliftError(
                .storageUnavailable,
                "the object store at \(origin) denied the credentials permission to \(doing) in bucket "
                    + "\(location.bucket) (\(code ?? "403 Forbidden"))")
        case (404, "NoSuchBucket"?):
            return UpliftError(
                .storageUnavailable,
                "bucket \(location.bucket) does not exist at \(origin): create it, or fix --storage")
        case (301, _), (400, "AuthorizationHeaderMalformed"?), (400, "IllegalLocationConstraintException"?):
            let region =
                response.headers.first(name: "x-amz-bucket-region")
                ?? message.flatMap { _ in
                    S3XML.text(of: "Region", in: Substring(decoding: response.body, as: UTF8.self))
                }
            return UpliftError(
                .storageUnavailable,
                "bucket \(location.bucket) is not in region \(location.region)"
                    + (region.map { ": it is in \($0); set --s3-region \($0)" } ?? ": set --s3-region to its region"))
        default:
            return UpliftError(
                .storageUnavailable,
                "the object store at \(origin) answered \(Self.describe(response)) to \(doing)"
                    + (message.map { ": " + $0 } ?? ""))
        }
    }

    /// `503 SlowDown`, or the status alone.
    private static func describe(_ response: Response) -> String {
        "\(response.status.code)" + (response.code.map { " " + $0 } ?? " " + response.status.reasonPhrase)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "connection closed"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    private static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}

extension Duration {
    /// Whole nanoseconds (rounded down).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

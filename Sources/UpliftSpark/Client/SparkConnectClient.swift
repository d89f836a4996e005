import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
package import UpliftModel

/// One Spark Connect session on one connection (`sc://…`): Uplift's own client, on grpc-swift-2 with the
/// messages encoded by hand (`Connect/`). `withSession` connects, pins the session's settings, runs `body`
/// and releases the session, also when `body` fails.
///
/// The session is pinned so that Spark returns what `ArrowStreamReader` reads and what the compiled SQL
/// assumes: uncompressed Arrow batches with 32-bit offsets, and UTC as the session time zone (periods are
/// turned into local time by the SQL itself).
package struct SparkConnectSession: Sendable {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let headers: Metadata
    private var timeout: Duration
    private var context: SparkSessionContext

    /// The settings every session gets before its first statement.
    package static let settings: KeyValuePairs<String, String> = [
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.compression.codec": "none",
        "spark.sql.execution.arrow.useLargeVarTypes": "false",
        "spark.sql.ansi.enabled": "false",
    ]

    /// Connects to `url`, runs `body` in a new session, releases it. Every call of the session waits at most
    /// `timeout`; an engine that cannot be reached fails at once with `engineUnavailable`.
    package static func withSession<T: Sendable>(
        _ url: SparkConnectURL, timeout: Duration,
        _ body: (inout SparkConnectSession) async throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: url.host, port: url.port),
                transportSecurity: url.usesTLS ? .tls : .plaintext,
                config: .defaults { config in
                    config.backoff.initial = .milliseconds(100)
                    config.connection.maxIdleTime = nil
                })
        } catch {
            throw UpliftError(.engineUnavailable, "Spark Connect at \(url.endpoint): \(error)")
        }
        var metadata = Metadata()
        for header in url.requestHeaders { metadata.addString(header.value, forKey: header.name) }
        let session = SparkSessionContext(
            sessionID: url.sessionID ?? UUID().uuidString.lowercased(),
            userContext: SparkUserContext(userID: url.userID ?? "uplift"),
            clientType: url.userAgent ?? "uplift")
        let headers = metadata
        let outcome: Result<T, UpliftError>
        do {
            outcome = try await withGRPCClient(transport: transport) { client in
                var spark = SparkConnectSession(client: client, headers: headers, timeout: timeout, context: session)
                let result: Result<T, UpliftError>
                do throws(UpliftError) {
                    try await spark.configure(settings)
                    result = .success(try await body(&spark))
                } catch {
                    result = .failure(error)
                }
                await spark.release()
                return result
            }
        } catch {
            throw UpliftError(.engineUnavailable, "Spark Connect at \(url.endpoint): \(error)")
        }
        return try outcome.get()
    }

    /// Sets session settings; the first call creates the session on the server, whose id later calls carry
    /// (a server that lost the session then refuses them rather than silently starting a new one).
    package mutating func configure(_ pairs: KeyValuePairs<String, String>) async throws(UpliftError) {
        let bytes = try await unary(.config, ConfigRequest.set(pairs, session: context).encoded())
        let response = try ConfigResponse(decoding: bytes)
        if !response.serverSideSessionID.isEmpty { context.serverSideSessionID = response.serverSideSessionID }
    }

    /// Makes `name` a temporary view of exactly the Parquet files `paths` (columns matched by name), with
    /// `basePath` for Hive partition columns.
    package func createView(_ name: String, parquet paths: [String], basePath: String?) async throws(UpliftError) {
        let read = SparkRelation.read(.parquet(paths: paths, basePath: basePath, mergeSchema: true))
        _ = try await execute(.command(.createDataFrameView(input: read, name: name)))
    }

    /// Runs one SQL statement and returns its result: each Arrow batch's IPC stream, in order.
    package func sql(_ query: String) async throws(UpliftError) -> [[UInt8]] {
        try await execute(.root(.sql(query))).map(\.data)
    }

    /// Runs a plan to its end. The requests are not reattachable, so the stream's own end (gRPC status OK)
    /// says the result is whole: Spark sends `result_complete` only to reattachable executions, and a stream
    /// cut short ends with an error status instead.
    private func execute(_ plan: SparkPlan) async throws(UpliftError) -> [ExecutePlanResponse.ArrowBatch] {
        let request = ExecutePlanRequest(session: context, plan: plan, operationID: UUID().uuidString.lowercased())
        let responses = try await call(.executePlan, request.encoded()) { response in
            var batches: [[UInt8]] = []
            for try await message in response.messages { batches.append(message) }
            return batches
        }
        var batches: [ExecutePlanResponse.ArrowBatch] = []
        for bytes in responses {
            if case .arrowBatch(let batch) = try ExecutePlanResponse(decoding: bytes).result { batches.append(batch) }
        }
        return batches
    }

    /// Ends the session on the server; failures are ignored (the server drops idle sessions itself).
    /// Ends the session on the server, which also stops the executions it still runs. Sent from a task of its own,
    /// so that a question cancelled here (its client went away, its time ran out) still ends its work on Spark;
    /// within ten seconds at most, since nobody waits for the answer.
    private func release() async {
        var releasing = self
        releasing.timeout = min(timeout, .seconds(10))
        let (session, request) = (releasing, ReleaseSessionRequest(session: context).encoded())
        await Task { _ = try? await session.unary(.releaseSession, request) }.value
    }

    private func unary(_ method: SparkConnectService.Method, _ request: [UInt8]) async throws(UpliftError) -> [UInt8] {
        let messages = try await call(method, request) { response in
            var messages: [[UInt8]] = []
            for try await message in response.messages { messages.append(message) }
            return messages
        }
        guard let first = messages.first else {
            throw UpliftError(.engineUnavailable, "Spark Connect answered \(method.name) with no message")
        }
        return first
    }

    /// One call: its request, its response stream handed to `handle`, and gRPC failures turned into one line
    /// naming Spark's error class (with the details Spark keeps for the error id, when it has them).
    private func call<R: Sendable>(
        _ method: SparkConnectService.Method, _ request: [UInt8],
        _ handle: @Sendable @escaping (StreamingClientResponse<[UInt8]>) async throws -> R
    ) async throws(UpliftError) -> R {
        var options = CallOptions.defaults
        options.timeout = timeout
        // An engine that is down fails the call now rather than when the timeout ends.
        options.waitForReady = false
        options.maxResponseMessageBytes = 128 << 20
        do {
            return try await client.serverStreaming(
                request: ClientRequest(message: request, metadata: headers),
                descriptor: MethodDescriptor(fullyQualifiedService: SparkConnectService.name, method: method.name),
                serializer: BytesSerializer(), deserializer: BytesDeserializer(), options: options, onResponse: handle)
        } catch let error as RPCError {
            throw await self.error(error)
        } catch let error as UpliftError {
            throw error
        } catch {
            throw UpliftError(.engineUnavailable, "Spark Connect: \(error)")
        }
    }

    private func error(_ error: RPCError) async -> UpliftError {
        switch error.code {
        case .deadlineExceeded:
            return UpliftError(
                .queryTimeout, "Spark did not answer within the time limit (\(timeout)); ask for less, or retry")
        case .unavailable, .cancelled, .resourceExhausted, .aborted:
            return UpliftError(
                .engineUnavailable, "Spark Connect is unavailable (\(error.code)): \(error.message.prefix(300))")
        default:
            break
        }
        var spark = SparkError(grpcCode: Int32(error.code.rawValue), message: error.message)
        if let details = error.metadata[binaryValues: "grpc-status-details-bin"].first(where: { _ in true }),
            let status = try? RPCStatus(decoding: details)
        {
            var fetched: FetchErrorDetailsResponse?
            if let id = try? status.errorInfo()?.errorID, !id.isEmpty,
                let bytes = try? await unary(
                    .fetchErrorDetails, FetchErrorDetailsRequest(session: context, errorID: id).encoded())
            {
                fetched = try? FetchErrorDetailsResponse(decoding: bytes)
            }
            spark = SparkError(status: status, details: fetched)
        }
        return UpliftError(.engineFailed, "Spark: \(spark.summary)")
    }
}

/// Messages go through gRPC as the bytes `Connect/` encodes.
private struct BytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

private struct BytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

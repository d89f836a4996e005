import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftModel

/// Reads an ingestion request's body: bounded in size and time, inflated when gzipped.
struct RequestBodyReader: Sendable {
    var limit: Int
    var timeout: Duration

    /// The body's bytes, decompressed. Errors: 408 (not received in time), 413 (over the limit,
    /// before or after inflating), 415 (an encoding other than gzip/deflate), 400 (broken gzip).
    func read(_ request: Request) async throws(UpliftError) -> [UInt8] {
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces)
        let declaredGzip: Bool
        switch encoding {
        case nil, "", "identity": declaredGzip = false
        case "gzip", "x-gzip", "deflate": declaredGzip = true
        default:
            throw UpliftError(.unsupportedEncoding, "Content-Encoding must be gzip, deflate or identity")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw UpliftError(.bodyTooLarge, "the body is \(length) bytes; send at most \(limit) bytes per request")
        }
        let raw = try await collect(request.body)
        guard declaredGzip || BoundedInflater.looksGzipped(raw) else { return raw }
        return try BoundedInflater.inflate(raw, limit: limit)
    }

    /// Collects at most `limit` bytes, or fails with 408 when the client stalls.
    private func collect(_ body: RequestBody) async throws(UpliftError) -> [UInt8] {
        let limit = self.limit
        let timeout = self.timeout
        let outcome: Result<[UInt8], UpliftError> = await withTaskGroup(of: Result<[UInt8], UpliftError>?.self) {
            group in
            group.addTask {
                var bytes: [UInt8] = []
                do {
                    for try await var buffer in body {
                        guard bytes.count + buffer.readableBytes <= limit else {
                            return .failure(
                                UpliftError(
                                    .bodyTooLarge,
                                    "the body is over \(limit) bytes; send at most \(limit) bytes per request"))
                        }
                        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
                    }
                    return .success(bytes)
                } catch {
                    return .failure(
                        UpliftError(
                            .incompleteBody, "the connection ended before the whole body arrived; send it again"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled
                    ? nil
                    : .failure(
                        UpliftError(
                            .requestTimeout,
                            "the body did not arrive within \(timeout); send it faster or in smaller batches"))
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let next { return next }
            }
            return .failure(UpliftError(.requestTimeout, "the body did not arrive in time"))
        }
        return try outcome.get()
    }
}

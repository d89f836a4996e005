import CZlib
import UpliftModel

/// Inflates a gzip (or zlib) request body, refusing as soon as the output passes a limit: a
/// bomb (a few KB that would inflate to gigabytes) costs one limit's worth of output, not more.
/// Refusals are the API's: `.bodyTooLarge` past the limit, `.invalidGzip` for broken data.
enum BoundedInflater {
    /// Whether the bytes start like a gzip member (SDKs do not always say `Content-Encoding`).
    static func looksGzipped(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The inflated bytes of every member of `input`, at most `limit` of them.
    static func inflate(_ input: [UInt8], limit: Int) throws(UpliftError) -> [UInt8] {
        let result: Result<[UInt8], UpliftError> = input.withUnsafeBytes { raw in
            do throws(UpliftError) { return .success(try inflate(raw, limit: limit)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func tooLarge(_ limit: Int) -> UpliftError {
        UpliftError(
            .bodyTooLarge, "the body inflates to more than \(limit) bytes; send at most \(limit) bytes per request")
    }

    private static let invalid = UpliftError(
        .invalidGzip, "the body is not valid gzip or deflate data; compress it again or send it uncompressed")

    private static func inflate(_ raw: UnsafeRawBufferPointer, limit: Int) throws(UpliftError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 32: detect a gzip or zlib header.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw invalid
        }
        defer { inflateEnd(&stream) }
        guard let base = raw.baseAddress else { throw invalid }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(raw.count)
        var output: [UInt8] = []
        // Near the usual 5–10× ratio of JSON; never more than the limit allows.
        output.reserveCapacity(min(limit + 1, max(64 * 1024, raw.count * 8)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let room = min(chunk.count, limit + 1 - output.count)
            let (status, produced) = chunk.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(room)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, room - Int(stream.avail_out))
            }
            output.append(contentsOf: chunk[..<produced])
            if output.count > limit { throw tooLarge(limit) }
            switch status {
            case Z_STREAM_END:
                // Concatenated gzip members are one body (RFC 1952 allows it).
                guard stream.avail_in > 0 else { return output }
                guard inflateReset(&stream) == Z_OK else { throw invalid }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: the input ends inside a member.
                if produced == 0 { throw invalid }
            default:
                throw invalid
            }
        }
    }
}

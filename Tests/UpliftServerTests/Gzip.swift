import CZlib

/// gzip for request bodies, built with zlib directly so that a bomb can be made in a loop.
enum Gzip {
    /// `bytes` as one gzip member.
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        compress(chunk: bytes, repeats: 1)
    }

    /// `bytes` in the zlib format, which is what HTTP's `Content-Encoding: deflate` means.
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        compress(chunk: bytes, repeats: 1, windowBits: 15)
    }

    /// One gzip member holding `chunk` `repeats` times over, compressed piece by piece: a body
    /// that inflates to `chunk.count × repeats` bytes without that much memory ever existing here.
    static func compress(chunk: [UInt8], repeats: Int, windowBits: Int32 = 15 + 16) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer; 15 alone: zlib's.
        guard
            deflateInit2_(
                &stream, 9, Z_DEFLATED, windowBits, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            return []
        }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var input = chunk
        input.withUnsafeMutableBytes { raw in
            for round in 0..<max(repeats, 1) {
                let last = round == repeats - 1 || repeats <= 1
                stream.next_in = raw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(raw.count)
                var status: Int32 = Z_OK
                repeat {
                    let produced = buffer.withUnsafeMutableBytes { out -> Int in
                        stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                        stream.avail_out = uInt(out.count)
                        status = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                        return out.count - Int(stream.avail_out)
                    }
                    output.append(contentsOf: buffer[..<produced])
                } while stream.avail_in > 0 || (last && status != Z_STREAM_END && status >= 0)
            }
        }
        return output
    }
}

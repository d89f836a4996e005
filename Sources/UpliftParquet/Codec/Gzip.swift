import CDeflate
import CZlib

/// GZIP (RFC 1952) pages: compressed with the system zlib, inflated with libdeflate (zlib for what it
/// leaves), and zlib's CRC-32 for page checksums.
package enum Gzip {
    /// Compresses `input` into a complete gzip member (header, deflate stream, CRC-32 and size trailer).
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int32) throws(ParquetError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper instead of a zlib one.
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw ParquetError(.io, "zlib could not start a gzip stream; check that memory is available")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else {
            throw ParquetError(.io, "zlib could not compress a page (status \(status))")
        }
        output.removeLast(bound - Int(stream.total_out))
        return output
    }

    /// Inflates one gzip member that must expand to exactly `expectedSize` bytes (the page header's claim).
    /// zlib checks the member's own CRC-32 and length; a mismatch anywhere is `.corrupt`.
    /// `checkStream: false` skips the gzip trailer's CRC-32 of the inflated bytes (most of the cost
    /// of a CRC, the inflated bytes being several times the compressed ones): for a page whose
    /// header CRC already matched its compressed bytes, it can only repeat that check.
    package static func decompress(
        _ input: UnsafeRawBufferPointer, expectedSize: Int, into output: inout [UInt8], checkStream: Bool = true
    ) throws(ParquetError) {
        // Deflate expands at most ~1032:1, so a larger claim is damage, not a reason to allocate.
        guard expectedSize <= input.count * 1032 + 1024 else {
            throw .corrupt("page claims an impossible uncompressed size")
        }
        output.removeAll(keepingCapacity: true)
        // One spare byte lets us notice data that inflates to more than the header says.
        output.append(contentsOf: repeatElement(0, count: expectedSize + 1))
        // libdeflate inflates a whole buffer (and checks the gzip trailer's CRC-32 and length) about
        // twice as fast as zlib; anything it does not take as one exact gzip member (a zlib stream,
        // several members, damage) goes to zlib, which decides.
        guard !inflatedWithLibdeflate(input, expectedSize: expectedSize, into: &output) else {
            output.removeLast()
            return
        }
        var stream = z_stream()
        // windowBits 15 + 32 detects gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParquetError(.io, "zlib could not start inflating; check that memory is available")
        }
        defer { inflateEnd(&stream) }
        if !checkStream { _ = inflateValidate(&stream, 0) }
        let status: Int32 = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize, stream.avail_in == 0 else {
            throw .corrupt("a page does not inflate to its stated size (zlib status \(status))")
        }
        output.removeLast()
    }

    /// True when `input` is one gzip member that inflated into `output` (`expectedSize` + 1 bytes long) to
    /// exactly `expectedSize` bytes with a matching trailer.
    private static func inflatedWithLibdeflate(
        _ input: UnsafeRawBufferPointer, expectedSize: Int, into output: inout [UInt8]
    ) -> Bool {
        guard let source = input.baseAddress, let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var read = 0
        var written = 0
        let result = output.withUnsafeMutableBytes { out in
            libdeflate_gzip_decompress_ex(
                decompressor, source, input.count, out.baseAddress, out.count, &read, &written)
        }
        return result == LIBDEFLATE_SUCCESS && read == input.count && written == expectedSize
    }

    /// The CRC-32 of gzip and zlib (the checksum parquet.thrift specifies for PageHeader.crc), by
    /// libdeflate's carry-less multiplication: every page a query reads is checked, and zlib's took 2.7 %
    /// of a cold funnel's time.
    package static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        return libdeflate_crc32(0, base, bytes.count)
    }
}

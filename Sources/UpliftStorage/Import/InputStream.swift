import CZlib
package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// Bytes from a file or standard input, gunzipped on the fly when they start with gzip's magic
/// bytes (whatever the file is called). Concatenated gzip members are read through, as gzip does.
package final class InputStream {
    private let fd: Int32
    private let ownsDescriptor: Bool
    package let name: String
    private var raw = [UInt8](repeating: 0, count: 1 << 20)
    private var rawStart = 0, rawEnd = 0, eof = false
    private var inflater: Inflater?
    private var sniffed = false

    /// `-` is standard input.
    package init(path: String) throws(UpliftError) {
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            name = "standard input"
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DurableFile.ioError("cannot open \(path)") }
            ownsDescriptor = true
            name = path
        }
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Appends up to about `max` more bytes to `buffer`; returns false at the end of the input.
    package func read(into buffer: inout [UInt8], max: Int) throws(UpliftError) -> Bool {
        if rawStart == rawEnd, !eof { try fill() }
        if !sniffed {
            while rawEnd - rawStart < 2, !eof { try fill() }
            sniffed = true
            if rawEnd - rawStart >= 2, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B { inflater = try Inflater() }
        }
        guard rawStart < rawEnd || inflater?.hasPendingOutput == true else {
            if let inflater, !inflater.atMemberEnd {
                throw UpliftError(.invalidInput, "\(name): the gzip stream is truncated; the file may be incomplete")
            }
            return false
        }
        if let inflater {
            let consumed = try inflater.inflate(raw[rawStart..<rawEnd], into: &buffer, max: max, name: name)
            rawStart += consumed
        } else {
            buffer.append(contentsOf: raw[rawStart..<rawEnd])
            rawStart = rawEnd
        }
        return true
    }

    private func fill() throws(UpliftError) {
        if rawStart == rawEnd {
            rawStart = 0
            rawEnd = 0
        }
        if rawEnd == raw.count {
            raw.removeSubrange(0..<rawStart)
            rawEnd -= rawStart
            rawStart = 0
            raw.append(contentsOf: [UInt8](repeating: 0, count: max(0, (1 << 20) - (raw.count - rawEnd))))
        }
        while true {
            let n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + rawEnd, $0.count - rawEnd) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw DurableFile.ioError("cannot read \(name)") }
            if n == 0 { eof = true }
            rawEnd += n
            return
        }
    }
}

/// A streaming zlib inflater for gzip input (windowBits 15 + 32: gzip or zlib headers).
final class Inflater {
    private var stream: UnsafeMutablePointer<z_stream>
    private(set) var atMemberEnd = false
    private(set) var hasPendingOutput = false

    init() throws(UpliftError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw UpliftError(.io, "cannot initialise zlib")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates from `input`, appending at most about `max` bytes; returns how many input bytes it used.
    func inflate(
        _ input: ArraySlice<UInt8>, into buffer: inout [UInt8], max: Int, name: String
    ) throws(UpliftError) -> Int {
        var consumed = 0
        var produced = 0
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        var failure: UpliftError?
        input.withUnsafeBytes { inBytes in
            while produced < max {
                let remaining = inBytes.count - consumed
                if remaining == 0 && !hasPendingOutput { break }
                let status: Int32 = chunk.withUnsafeMutableBytes { out in
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: inBytes.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = UInt32(remaining)
                    stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(out.count)
                    return CZlib.inflate(stream, Z_NO_FLUSH)
                }
                let used = remaining - Int(stream.pointee.avail_in)
                let made = chunk.count - Int(stream.pointee.avail_out)
                consumed += used
                produced += made
                buffer.append(contentsOf: chunk[0..<made])
                hasPendingOutput = stream.pointee.avail_out == 0
                switch status {
                case Z_STREAM_END:
                    atMemberEnd = true
                    hasPendingOutput = false
                    inflateReset(stream)
                case Z_OK, Z_BUF_ERROR:
                    if used > 0 || made > 0 { atMemberEnd = false }
                    if used == 0 && made == 0 { return }
                default:
                    failure = UpliftError(
                        .invalidInput, "\(name): the gzip data is corrupt (zlib error \(status)); recompress the file")
                    return
                }
            }
        }
        if let failure { throw failure }
        return consumed
    }
}

package import UpliftModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

extension EventGenerator {
    /// Streams the remaining lines to a file descriptor (e.g. 1 for stdout) in chunks of about
    /// `chunkBytes`, retrying short writes. Returns the number of lines written.
    ///
    /// A closed pipe (`uplift generate | head`) ends the stream with an `.io` error rather than
    /// killing the process, provided the caller ignores SIGPIPE.
    @discardableResult
    package mutating func write(toFileDescriptor fd: Int32, chunkBytes: Int = 1 << 20) throws(UpliftError) -> Int {
        var buffer: [UInt8] = []
        var total = 0
        while case let lines = nextChunk(into: &buffer, targetBytes: chunkBytes), lines > 0 {
            try Self.writeFully(fd, buffer)
            total += lines
            buffer.removeAll(keepingCapacity: true)
        }
        return total
    }

    private static func writeFully(_ fd: Int32, _ bytes: [UInt8]) throws(UpliftError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, base + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failure = n < 0 ? errno : EIO
                    return
                }
            }
        }
        if failure != 0 {
            throw UpliftError(
                .io,
                "could not write generated events (errno \(failure)); check that the output file or pipe is writable"
            )
        }
    }
}

/// The C `write`, out of reach of `EventGenerator.write(toFileDescriptor:)`'s name.
private func posixWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}

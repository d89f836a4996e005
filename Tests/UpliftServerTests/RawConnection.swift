import Foundation

/// A plain TCP connection for what an HTTP client library will not do: send a request's headers
/// and only part of its body, then wait. Blocking calls run on their own thread, never on the
/// cooperative pool the server's handlers need.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `localhost:port` (the live test server binds `localhost`: IPv4 or IPv6).
    init(port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
            throw RawConnectionError("cannot resolve localhost")
        }
        defer { freeaddrinfo(list) }
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    self.fd = fd
                    // Reads give up after 60 s (longer than any timeout a test configures), so a server that
                    // never answers fails the test instead of hanging it.
                    var timeout = timeval(tv_sec: 60, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    return
                }
                close(fd)
            }
            node = info.pointee.ai_next
        }
        throw RawConnectionError("cannot connect to localhost:\(port)")
    }

    deinit { close(fd) }

    /// Whether the server has closed its side (a read would see the end), without waiting.
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) == 0
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawConnectionError("send failed") }
            sent += n
        }
    }

    /// Everything the server sends until it has sent a whole response head and `Content-Length`
    /// bytes of body, or closes, or 60 s pass.
    func readResponse() async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                continuation.resume(returning: readResponseBlocking())
            }
        }
    }

    /// `readResponse()` on the calling thread.
    func readResponseBlocking() -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[..<n]
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}

struct RawConnectionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

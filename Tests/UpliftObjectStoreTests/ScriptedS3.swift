import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on loopback that answers each request from a script and records what it received:
/// for the failures an S3 test server will not produce on demand (wrong credentials, a skewed clock,
/// `SlowDown`, 500s, a dropped connection) and for the exact bytes the client sends.
final class ScriptedS3: Sendable {
    struct Request: Sendable {
        let method: String
        /// The request target as received: path and query, percent-encoded.
        let uri: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    enum Answer: Sendable {
        case respond(status: Int, headers: [(String, String)], body: String)
        /// Closes the connection without answering.
        case drop
    }

    /// What the server received, in order.
    private final class Log: Sendable {
        let requests = Mutex<[Request]>([])
    }

    let port: Int
    private let channel: any Channel
    private let log = Log()

    var requests: [Request] { log.requests.withLock { $0 } }

    init(script: @escaping @Sendable (Request, Int) -> Answer) async throws {
        let log = self.log
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(
                        Handler { request in
                            let index = log.requests.withLock { requests in
                                requests.append(request)
                                return requests.count - 1
                            }
                            return script(request, index)
                        })
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        try? await channel.close()
    }

    static func ok(_ body: String = "", headers: [(String, String)] = []) -> Answer {
        .respond(status: 200, headers: headers, body: body)
    }

    /// An S3 error document.
    static func error(
        _ status: Int, _ code: String, _ message: String = "", headers: [(String, String)] = []
    )
        -> Answer
    {
        .respond(
            status: status, headers: [("Content-Type", "application/xml")] + headers,
            body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)"
                + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>")
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let answer: @Sendable (Request) -> Answer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(answer: @escaping @Sendable (Request) -> Answer) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: body)
                switch answer(request) {
                case .drop:
                    context.close(promise: nil)
                case .respond(let status, let headers, let text):
                    var responseHeaders = HTTPHeaders(headers)
                    let bytes = Array(text.utf8)
                    if request.method != "HEAD" || responseHeaders["content-length"].isEmpty {
                        responseHeaders.replaceOrAdd(name: "content-length", value: String(bytes.count))
                    }
                    let responseHead = HTTPResponseHead(
                        version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                    context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                    if request.method != "HEAD" && !bytes.isEmpty {
                        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                    }
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}

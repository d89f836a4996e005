import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 child channel with a `ConnectionLimiter` watching each connection: a handler
/// right after the HTTP/1 decoder tells it when the connection opens and closes, when the client last
/// sent something, and when a request has fully arrived until its response ends (so only connections
/// waiting for their client, idle or still sending a request, are ever displaced).
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limiter = self.limiter
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(ConnectionWatcher(limiter: limiter), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Reports one connection's life to the limiter; closes the connection when the limiter refuses it.
final class ConnectionWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limiter: ConnectionLimiter
    private var registered = false
    /// Requests read whole whose response has not been sent (HTTP/1 pipelining allows several): the
    /// server is working for this connection.
    private var inProgress = 0

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        if !limiter.opened(context.channel) { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        limiter.closed(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if registered { limiter.closed(context.channel) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A request still arriving is the client's to finish: the connection stays displaceable (a
        // flood of slow bodies cannot hold every place), but each part it sends makes it recent.
        if case .end = unwrapInboundIn(data) { inProgress += 1 }
        limiter.activity(context.channel, busy: inProgress > 0)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            limiter.activity(context.channel, busy: inProgress > 0)
        }
        context.write(data, promise: promise)
    }
}

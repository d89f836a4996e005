import NIOCore
import NIOEmbedded
import Testing

@testable import UpliftServer

/// The limiter's choices alone: who is displaced at the cap, who never is, and idle connections under pressure.
struct ConnectionLimiterTests {
    static func connected() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static let t0 = ContinuousClock.now

    static func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }

    @Test func overTheCapTheLongestIdleIsClosed() throws {
        let limiter = ConnectionLimiter(.init(maxConnections: 3, pressureIdleTimeout: .seconds(60)))
        let channels = try (0..<4).map { _ in try Self.connected() }
        for (i, channel) in channels.prefix(3).enumerated() {
            #expect(limiter.opened(channel, now: Self.at(Double(i))))
        }
        // The first one served a request since: the second is now the longest idle.
        limiter.activity(channels[0], busy: true, now: Self.at(3))
        limiter.activity(channels[0], busy: false, now: Self.at(4))
        #expect(limiter.opened(channels[3], now: Self.at(5)))
        #expect(channels.map(\.isActive) == [true, false, true, true])
        #expect(limiter.count == 3)
        // A closed connection frees its place.
        limiter.closed(channels[2])
        #expect(limiter.count == 2)
    }

    @Test func aRequestInProgressIsNeverDisplaced() throws {
        let limiter = ConnectionLimiter(.init(maxConnections: 2, pressureIdleTimeout: .seconds(60)))
        let (a, b, c, d) = (try Self.connected(), try Self.connected(), try Self.connected(), try Self.connected())
        #expect(limiter.opened(a, now: Self.at(0)))
        #expect(limiter.opened(b, now: Self.at(1)))
        limiter.activity(a, busy: true, now: Self.at(2))
        // b is idle (though newer): it makes room.
        #expect(limiter.opened(c, now: Self.at(3)))
        #expect(a.isActive && !b.isActive)
        limiter.activity(c, busy: true, now: Self.at(4))
        // Everyone busy: the newcomer is refused, nobody is cut.
        #expect(!limiter.opened(d, now: Self.at(5)))
        #expect(a.isActive && c.isActive)
        #expect(limiter.count == 2)
    }

    @Test func underPressureIdleConnectionsGoSooner() throws {
        let limiter = ConnectionLimiter(.init(maxConnections: 8, pressureIdleTimeout: .seconds(5)))
        let channels = try (0..<8).map { _ in try Self.connected() }
        // Six open (3/4 of the cap): no pressure yet, however long they idle.
        for channel in channels.prefix(5) { #expect(limiter.opened(channel, now: Self.at(0))) }
        #expect(limiter.opened(channels[5], now: Self.at(100)))
        #expect(channels.prefix(6).allSatisfy { $0.isActive })
        // The seventh is over 3/4: those idle for 5 s are closed, the one busy and the recent one stay.
        limiter.activity(channels[1], busy: true, now: Self.at(101))
        #expect(limiter.opened(channels[6], now: Self.at(104)))
        #expect(channels.map(\.isActive) == [false, true, false, false, false, true, true, true])
        #expect(limiter.count == 3)
    }
}

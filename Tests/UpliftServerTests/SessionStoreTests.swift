import Clocks
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing
import UpliftModel

@testable import UpliftServer

/// The front door's session store and cookie on their own: ids, expiry on the injected clock, the bound,
/// and reading the `Cookie` header.
struct SessionStoreTests {
    let project = try! ProjectSlug("alpha")

    @Test func idsAreRandomWellFormedAndNotTheKey() {
        let store = SessionStore(lifetime: .seconds(60))
        var ids = Set<String>()
        for _ in 0..<1000 {
            let session = store.open(key: "upr_secret", project: project)
            #expect(SessionCookie.isWellFormed(session.id) && SessionCookie.isWellFormed(session.formToken))
            #expect(session.id != session.formToken && !session.id.contains("upr_secret"))
            ids.insert(session.id)
        }
        #expect(ids.count == 1000)
        #expect(!SessionCookie.isWellFormed(String(repeating: "A", count: 42)))
        #expect(!SessionCookie.isWellFormed(String(repeating: "A", count: 42) + "="))
        #expect(!SessionCookie.isWellFormed(String(repeating: "é", count: 43)))
    }

    @Test func aSessionEndsAtItsLifetimeAndOnClose() async {
        let clock = TestClock()
        let store = SessionStore(lifetime: .seconds(100), clock: clock)
        let a = store.open(key: "k", project: project)
        await clock.advance(by: .seconds(50))
        let b = store.open(key: "k", project: project)
        #expect(store.session(a.id)?.key == "k")
        // Use does not extend a session: it ends 100 s after it opened.
        await clock.advance(by: .seconds(50))
        #expect(store.session(a.id) == nil)
        #expect(store.session(b.id) != nil)
        store.close(b.id)
        #expect(store.session(b.id) == nil)
        #expect(store.count == 0)
    }

    @Test func theStoreIsBoundedDroppingExpiredThenSoonestEnding() async {
        let clock = TestClock()
        let store = SessionStore(lifetime: .seconds(100), maxSessions: 3, clock: clock)
        let first = store.open(key: "k", project: project)
        await clock.advance(by: .seconds(10))
        let second = store.open(key: "k", project: project)
        let third = store.open(key: "k", project: project)
        // Full: the session that ends soonest makes room.
        let fourth = store.open(key: "k", project: project)
        #expect(store.count == 3)
        #expect(store.session(first.id) == nil)
        #expect([second, third, fourth].allSatisfy { store.session($0.id) != nil })
        // Expired ones go first, all of them.
        await clock.advance(by: .seconds(101))
        let fifth = store.open(key: "k", project: project)
        #expect(store.count == 1 && store.session(fifth.id) != nil)
    }

    @Test func theCookieHeaderIsRead() throws {
        let id = SessionStore.randomToken()
        let cases: [([String], String?)] = [
            (["uplift_session=\(id)"], id),
            (["theme=dark; uplift_session=\(id); lang=en"], id),
            (["theme=dark", "uplift_session=\(id)"], id),
            (["xuplift_session=\(id)"], nil),
            (["uplift_session"], nil),
            ([], nil),
        ]
        for (headers, expected) in cases {
            var fields = HTTPFields()
            for value in headers { fields.append(HTTPField(name: .cookie, value: value)) }
            let request = Request(
                head: HTTPRequest(
                    method: .get, scheme: "http", authority: "localhost", path: "/", headerFields: fields),
                body: .init(buffer: ByteBuffer()))
            #expect(SessionCookie.id(request) == expected, "\(headers)")
        }
    }
}

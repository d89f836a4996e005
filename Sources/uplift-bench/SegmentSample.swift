/// Writes realistic Segment `track` NDJSON: ~6 properties and a browser context per line.
/// Deterministic (a fixed-seed generator), so runs compare.
enum SegmentSample {
    static func lines(count: Int, seed: UInt64 = 1) -> [String] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func hex(_ n: Int) -> String {
            var s = String(next(), radix: 16)
            while s.count < n { s += String(next(), radix: 16) }
            return String(s.prefix(n))
        }
        let events = [
            "Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Signed Up", "Feature Used",
        ]
        let plans = ["free", "pro", "team", "enterprise"]
        let paths = ["/", "/pricing", "/docs/getting-started", "/blog/why-uplift", "/app/dashboard"]
        var out: [String] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let user = next() % 5 == 0 ? "null" : "\"user_\(next() % 100_000)\""
            let second = i % 60
            let path = paths[Int(next() % UInt64(paths.count))]
            let line = """
                {"type":"track","messageId":"\(hex(8))-\(hex(4))-\(hex(4))-\(hex(4))-\(hex(12))",\
                "event":"\(events[Int(next() % UInt64(events.count))])","userId":\(user),\
                "anonymousId":"\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))",\
                "timestamp":"2024-05-01T12:\(second < 10 ? "0" : "")\(second):00.\(100 + i % 900)Z",\
                "sentAt":"2024-05-01T12:\(second < 10 ? "0" : "")\(second):01.000Z",\
                "properties":{"plan":"\(plans[Int(next() % 4)])","price":\(next() % 10_000).99,"quantity":\(1 + next() % 5),\
                "sku":"SKU-\(next() % 1_000_000)","first_time":\(next() % 2 == 0),"category":"Tools \\u0026 Kits"},\
                "context":{"library":{"name":"analytics.js","version":"5.2.1"},"ip":"203.0.113.\(next() % 255)",\
                "locale":"en-US","page":{"path":"\(path)","url":"https://example.com\(path)","referrer":"https://www.google.com/",\
                "title":"Uplift — product analytics"},\
                "userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"}}
                """
            out.append(line)
        }
        return out
    }
}

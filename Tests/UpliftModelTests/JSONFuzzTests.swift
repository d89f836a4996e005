import Foundation
import TestSupport
import Testing

@testable import UpliftModel

/// Random and mutated inputs: nothing may crash, and what we accept Foundation must accept as the
/// same value.
struct JSONFuzzTests {

    static let seed =
        #"{"type":"track","event":"Clicked \"Buy\"","userId":"u1","properties":{"price":9.99,"n":[1,2,{"é":null}],"ok":true},"context":{"ip":"1.2.3.4","s":"\u00e9\uD83D\uDE00"}}"#

    @Test func randomBytesNeverCrash() {
        var rng = SeededRandom(seed: 42)
        let alphabet = Array("{}[]\":,0123456789-+.eEtrufalsn \\u\n\t".utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0xED, 0xF0]
        for _ in 0..<20_000 {
            let n = rng.below(40)
            let bytes = (0..<n).map { _ in
                rng.below(4) == 0 ? UInt8(rng.below(256)) : alphabet[rng.below(alphabet.count)]
            }
            if let tape = try? JSONParser.parse(bytes) {
                #expect(Self.foundationAgrees(bytes, tape))
            }
            _ = WireDecoder().decode(bytes, receivedAt: 0)
        }
    }

    @Test func mutationsNeverCrash() {
        var rng = SeededRandom(seed: 7)
        let base = Array(Self.seed.utf8)
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = base
            for _ in 0..<(1 + rng.below(3)) {
                switch rng.below(3) {
                case 0: bytes[rng.below(bytes.count)] = UInt8(rng.below(256))
                case 1: bytes.remove(at: rng.below(bytes.count))
                default: bytes.insert(base[rng.below(base.count)], at: rng.below(bytes.count))
                }
                if bytes.isEmpty { break }
            }
            if let tape = try? JSONParser.parse(bytes) {
                accepted += 1
                #expect(Self.foundationAgrees(bytes, tape))
            }
            let result = WireDecoder().decode(bytes, receivedAt: 1_700_000_000_000_000)
            Self.checkInvariants(result)
        }
        #expect(accepted > 0)
    }

    @Test func mutatedBatchesKeepInvariants() {
        var rng = SeededRandom(seed: 99)
        let base = Array(
            ("{\"context\":{\"ip\":\"1\"},\"batch\":[" + Self.seed
                + ",{\"event\":\"e\",\"distinct_id\":\"d\",\"$set\":{\"a\":1}}," + Self.seed + "]}").utf8)
        var events = 0
        for _ in 0..<10_000 {
            var bytes = base
            for _ in 0..<(1 + rng.below(2)) {
                bytes[rng.below(bytes.count)] = base[rng.below(base.count)]
            }
            let result = WireDecoder().decode(bytes, receivedAt: 1_700_000_000_000_000)
            Self.checkInvariants(result)
            events += result.events.count
        }
        #expect(events > 0)
    }

    /// What every decode must satisfy, whatever the input.
    static func checkInvariants(_ result: DecodeResult) {
        if result.bodyRejection != nil {
            #expect(result.events.isEmpty && result.rejections.isEmpty)
        } else {
            #expect(result.events.count + result.rejections.count == result.messageCount)
        }
        for event in result.events {
            #expect(!event.eventID.isEmpty && !event.distinctID.isEmpty && !event.event.isEmpty)
            #expect(event.timestamp <= event.receivedAt + 23 * 3_600_000_000)
            for text in [event.properties, event.context] {
                let value = try? JSONValue(parsing: Array(text.utf8))
                guard case .object = value else {
                    Issue.record("not a JSON object: \(text)")
                    continue
                }
            }
        }
        #expect(Set(result.rejections.map(\.reason.code)).isSubset(of: Rejection.allCodes))
    }

    /// Whether Foundation parses the same bytes to the same value as our tape.
    static func foundationAgrees(_ bytes: [UInt8], _ tape: JSONTape) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return false
        }
        let ours = bytes.withUnsafeBytes { JSONValue(JSONView(bytes: $0, tape: tape), 0) }
        return matches(ours, object)
    }

    static func matches(_ value: JSONValue, _ object: Any) -> Bool {
        switch value {
        case .null: return object is NSNull
        case .bool(let b): return (object as? Bool) == b || (object as? NSNumber)?.boolValue == b
        case .number:
            guard let d = value.doubleValue, let n = object as? NSNumber else { return false }
            return n.doubleValue == d || abs(n.doubleValue - d) <= abs(d) * 1e-12
        case .string(let s): return (object as? String) == s
        case .array(let items):
            guard let array = object as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { matches($0, $1) }
        case .object(let members):
            guard let dict = object as? [String: Any] else { return false }
            let last = Dictionary(members, uniquingKeysWith: { $1 })
            return last.count == dict.count && last.allSatisfy { key, v in dict[key].map { matches(v, $0) } ?? false }
        }
    }
}

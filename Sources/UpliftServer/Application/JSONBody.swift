import NIOCore
import UpliftModel

/// A small writer for the server's response documents: compact JSON straight into bytes, no
/// intermediate dictionaries (responses are on the hot path of every ingestion request).
struct JSONBody {
    private var writer = JSONWriter(capacity: 128)
    /// Per open container: whether the next element needs a comma before it.
    private var needsComma: [Bool] = [false]

    var buffer: ByteBuffer { ByteBuffer(bytes: writer.bytes) }

    mutating func object(_ body: (inout JSONBody) -> Void) {
        container(open: "{", close: "}", body)
    }

    mutating func array(_ body: (inout JSONBody) -> Void) {
        container(open: "[", close: "]", body)
    }

    mutating func member(_ key: String, _ value: String) {
        writeKey(key)
        writer.write(string: value)
    }

    mutating func member(_ key: String, _ value: Int) {
        writeKey(key)
        writer.bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ key: String, _ value: Double) {
        writeKey(key)
        writer.bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }

    mutating func member(_ key: String, _ value: Bool) {
        writeKey(key)
        writer.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ key: String, _ value: (inout JSONBody) -> Void) {
        writeKey(key)
        needsComma.append(false)
        value(&self)
        needsComma.removeLast()
    }

    /// `[{"index":…,"code":"…","message":"…"}, …]`
    mutating func rejections(_ rejected: [RejectedMessage]) {
        array { list in
            for r in rejected {
                list.element {
                    $0.object {
                        $0.member("index", r.index)
                        $0.member("code", r.reason.code)
                        $0.member("message", r.reason.message)
                    }
                }
            }
        }
    }

    mutating func element(_ value: (inout JSONBody) -> Void) {
        comma()
        needsComma.append(false)
        value(&self)
        needsComma.removeLast()
    }

    private mutating func container(open: Unicode.Scalar, close: Unicode.Scalar, _ body: (inout JSONBody) -> Void) {
        writer.bytes.append(UInt8(ascii: open))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        writer.bytes.append(UInt8(ascii: close))
    }

    private mutating func writeKey(_ key: String) {
        comma()
        writer.write(string: key)
        writer.bytes.append(UInt8(ascii: ":"))
    }

    private mutating func comma() {
        if needsComma[needsComma.count - 1] { writer.bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }
}

import NIOCore
import UpliftModel

extension JSONWriter {
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

    /// The written document as a response body.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }
}

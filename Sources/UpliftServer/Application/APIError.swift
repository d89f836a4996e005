public import HTTPTypes
public import Hummingbird
public import UpliftModel

/// Every refusal the HTTP API gives, turned into a response in this one place:
/// `{"error":{"code":"…","message":"…"}}` plus, for a batch whose every message was refused,
/// `"rejected":[{"index":…,"code":"…","message":"…"}]`. Messages never quote client data or keys.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Seconds the client should wait before retrying (429, 503).
    public var retryAfter: Int?
    public var rejected: [RejectedMessage] = []

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) -> Response {
        var body = JSONWriter(capacity: 128)
        body.object {
            $0.member("error") {
                $0.object {
                    $0.member("code", code)
                    $0.member("message", message)
                }
            }
            if !rejected.isEmpty {
                $0.member("rejected") { $0.rejections(rejected) }
            }
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Basic realm="uplift""# }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body.buffer))
    }
}

extension APIError {
    static func badRequest(_ rejection: Rejection) -> APIError {
        APIError(.badRequest, rejection.code, rejection.message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, "unauthorized", message)
    }

    static func tooLarge(_ code: String, _ message: String) -> APIError {
        APIError(.contentTooLarge, code, message)
    }
}

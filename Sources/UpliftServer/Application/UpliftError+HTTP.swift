package import HTTPTypes
package import Hummingbird
import Logging
import NIOCore
package import UpliftModel

/// The one place errors become HTTP answers. Each API code has its status here, once; the answer is
/// `{"error":{"code":"…","message":"…"}}` plus, for a batch whose every message was refused,
/// `"rejected":[{"index":…,"code":"…","message":"…"}]`. 429 and 503 carry `Retry-After`, 401 carries
/// `WWW-Authenticate`. Handlers only throw; a message quotes the client's own value only through
/// `UpliftError.quote` (short, escaped), never stored data or keys.
extension UpliftError: HTTPResponseError {
    /// The status of every code the API answers with. A code missing here (`io_error`, `corrupt` …)
    /// is a failure nobody turned into an answer: it is answered 500 `internal_error`, its message kept
    /// for the log.
    static let statuses: [Code: HTTPResponse.Status] = [
        .invalidJSON: .badRequest, .invalidUTF8: .badRequest, .nestingTooDeep: .badRequest, .invalidBody: .badRequest,
        .invalidGzip: .badRequest, .incompleteBody: .badRequest, .allRejected: .badRequest, .invalidQuery: .badRequest,
        .invalidDefinition: .badRequest, .invalidVariant: .badRequest, .invalidPath: .badRequest,
        .unauthorized: .unauthorized,
        .forbidden: .forbidden, .crossOrigin: .forbidden,
        .notFound: .notFound, .noDashboards: .notFound,
        .requestTimeout: .requestTimeout,
        .alreadyExists: .conflict, .ambiguousGoal: .conflict,
        .bodyTooLarge: .contentTooLarge, .batchTooLarge: .contentTooLarge,
        .unsupportedEncoding: .unsupportedMediaType, .unsupportedMediaType: .unsupportedMediaType,
        .rateLimited: .tooManyRequests,
        .catalogUnavailable: .serviceUnavailable, .storageUnavailable: .serviceUnavailable,
        .dashboardsUnavailable: .serviceUnavailable, .engineUnavailable: .serviceUnavailable,
        .engineFailed: .badGateway,
        .internalError: .internalServerError,
        .queryTimeout: .gatewayTimeout, .queryCancelled: HTTPResponse.Status(code: 499),
    ]

    /// The status answered; nil for a code that is not meant for clients.
    var answeredStatus: HTTPResponse.Status? {
        if let status = code.httpStatus { return HTTPResponse.Status(code: status) }
        // A wire decoder's reason for refusing a body (`missing_event_name` …): the client's to fix.
        if code.isRejection { return .badRequest }
        return Self.statuses[code]
    }

    package var status: HTTPResponse.Status { answeredStatus ?? .internalServerError }

    /// Hummingbird's way in, for an error that no middleware answered (the server's middlewares answer
    /// every error first, through `ErrorResponder`, with the configured wait; this one has the default).
    package func response(from request: Request, context: some RequestContext) -> Response {
        response(retryAfter: ServerConfiguration().retryAfterSeconds)
    }

    /// The answer. `retryAfter`: the server's configured wait in seconds, sent with 429 and 503 unless
    /// the error knows its own (a rate limit's refill).
    func response(retryAfter configured: Int) -> Response {
        guard answeredStatus != nil else { return Self.unexpected.response(retryAfter: configured) }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .tooManyRequests || status == .serviceUnavailable {
            headers[.retryAfter] = String(retryAfter.map(Self.seconds) ?? configured)
        }
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Basic realm="uplift""# }
        return Response(status: status, headers: headers, body: .init(byteBuffer: document))
    }

    /// `{"error":{"code":"…","message":"…"}}`, and `"rejected":[…]` when messages were refused.
    var document: ByteBuffer {
        var body = JSONWriter(capacity: 128)
        body.object {
            $0.member("error") {
                $0.object {
                    $0.member("code", code.description)
                    $0.member("message", message)
                }
            }
            if !rejected.isEmpty {
                $0.member("rejected") { $0.rejections(rejected) }
            }
        }
        return body.buffer
    }

    /// Whole seconds, rounded up: a client that waits that long finds the retry possible.
    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    static let unexpected = UpliftError(.internalError, "the server failed unexpectedly; the error is logged")

    /// The error to answer for anything a handler or Hummingbird threw. A failure that is not an
    /// API answer is logged here, with its cause, and answered 500 without details.
    init(answering error: any Error, logger: Logger) {
        if let error = error as? UpliftError {
            if error.answeredStatus == nil {
                logger.error("unexpected error", metadata: ["error.code": "\(error.code)", "error": "\(error)"])
                self = Self.unexpected
            } else {
                if error.status == .serviceUnavailable {
                    logger.error(
                        "cannot answer the request", metadata: ["error.code": "\(error.code)", "error": "\(error)"])
                }
                self = error
            }
        } else if let error = error as? HTTPError {
            switch error.status {
            case .notFound:
                self.init(
                    .notFound, "no such route (or not with this method); the routes are listed in schemas/openapi.yaml")
            case .contentTooLarge:
                self.init(.bodyTooLarge, "the body is too large")
            default:
                self.init(.http(status: error.status.code), error.status.reasonPhrase)
            }
        } else {
            logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            self = Self.unexpected
        }
    }
}

/// The server's one way from a thrown error to its answer, with the configured wait: the middlewares
/// that catch errors (the outermost one, and CORS, which must add its headers to error answers) use it.
struct ErrorResponder: Sendable {
    let logger: Logger
    /// What 429 and 503 answers ask clients to wait, in seconds, unless the error knows better.
    let retryAfter: Int

    func response(to error: any Error) -> Response {
        UpliftError(answering: error, logger: logger).response(retryAfter: retryAfter)
    }
}

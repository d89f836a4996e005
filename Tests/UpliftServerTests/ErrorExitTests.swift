import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import UpliftCatalog
import UpliftModel

@testable import UpliftServer

/// `UpliftError`'s one exit: each API code's status (as schemas/openapi.yaml documents it), the
/// document, and the headers; what is not an API answer leaves nothing of itself but a 500.
struct ErrorExitTests {
    static let statuses: [(UpliftError.Code, Int)] = [
        (.invalidJSON, 400), (.invalidUTF8, 400), (.nestingTooDeep, 400), (.invalidBody, 400), (.invalidGzip, 400),
        (.incompleteBody, 400), (.allRejected, 400), (.invalidQuery, 400), (.invalidDefinition, 400),
        (.invalidVariant, 400), (.invalidPath, 400),
        (.unauthorized, 401), (.forbidden, 403), (.crossOrigin, 403), (.notFound, 404), (.noDashboards, 404),
        (.requestTimeout, 408),
        (.alreadyExists, 409), (.ambiguousGoal, 409), (.bodyTooLarge, 413), (.batchTooLarge, 413),
        (.unsupportedEncoding, 415), (.unsupportedMediaType, 415), (.rateLimited, 429), (.catalogUnavailable, 503),
        (.storageUnavailable, 503),
        (.dashboardsUnavailable, 503), (.internalError, 500),
    ]

    @Test(arguments: statuses)
    func eachCodeHasItsStatus(_ code: UpliftError.Code, _ status: Int) throws {
        let error = UpliftError(code, "what went wrong; what to do")
        let response = error.response(retryAfter: 9)
        #expect(response.status.code == status, "\(code)")
        let document = try Self.document(error)
        #expect(document.error.code == code.description)
        #expect(document.error.message == "what went wrong; what to do")
        #expect(document.rejected == nil)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.headers[.retryAfter] == (status == 429 || status == 503 ? "9" : nil), "\(code)")
        #expect((response.headers[.wwwAuthenticate] != nil) == (status == 401), "\(code)")
    }

    @Test func aRejectedBodyKeepsTheDecodersCode() throws {
        let named = UpliftError(Rejection("invalid_json", "the body is not valid JSON"))
        #expect(named.code == .invalidJSON)
        let batch = UpliftError(Rejection("batch_too_large", "at most 2,500 messages per batch"))
        #expect(batch.response(retryAfter: 5).status == .contentTooLarge)
        let message = UpliftError(Rejection("missing_event_name", "`event` is required"))
        #expect(message.response(retryAfter: 5).status == .badRequest)
        #expect(try Self.document(message).error.code == "missing_event_name")
    }

    @Test func allRejectedListsEveryMessage() throws {
        var error = UpliftError(.allRejected, "every message of the body was refused; see `rejected` for why")
        error.rejected = [
            RejectedMessage(index: 0, reason: Rejection("missing_event_name", "`event` is required")),
            RejectedMessage(index: 2, reason: Rejection("unknown_type", "`type` must be one of …")),
        ]
        #expect(error.response(retryAfter: 5).status == .badRequest)
        let document = try Self.document(error)
        #expect(document.rejected?.map(\.index) == [0, 2])
        #expect(document.rejected?.map(\.code) == ["missing_event_name", "unknown_type"])
    }

    /// A rate limit knows its own wait; it wins over the configured one.
    @Test func theErrorsOwnWaitWins() {
        var error = UpliftError(.rateLimited, "this key sends more requests than allowed; retry after 3 s")
        error.retryAfter = .milliseconds(2_100)
        #expect(error.response(retryAfter: 9).headers[.retryAfter] == "3")
    }

    /// A library's failure that no handler turned into an answer: 500, and its message (which may
    /// name files or rows) stays in the log.
    @Test func aFailureThatIsNoAnswerIs500WithoutDetails() throws {
        var logger = Logger(label: "uplift.server.test")
        logger.logLevel = .critical
        let leaky = UpliftError(.io, "cannot read /var/lib/uplift/secret-segment.parquet")
        #expect(leaky.response(retryAfter: 5).status == .internalServerError)
        for error in [leaky as any Error, CocoaError(.fileNoSuchFile) as any Error] {
            let answer = UpliftError(answering: error, logger: logger)
            #expect(answer.status == .internalServerError)
            #expect(ErrorResponder(logger: logger, retryAfter: 5).response(to: error).status == .internalServerError)
            let document = try Self.document(answer)
            #expect(document.error.code == "internal_error")
            #expect(!document.error.message.contains("secret"))
        }
    }

    @Test func theFrameworksOwnRefusalsKeepTheirStatus() throws {
        var logger = Logger(label: "uplift.server.test")
        logger.logLevel = .critical
        let notFound = UpliftError(answering: HTTPError(.notFound), logger: logger)
        #expect(notFound.response(retryAfter: 5).status == .notFound)
        #expect(try Self.document(notFound).error.code == "not_found")
        let badRequest = UpliftError(answering: HTTPError(.badRequest), logger: logger)
        #expect(badRequest.response(retryAfter: 5).status == .badRequest)
        #expect(try Self.document(badRequest).error.code == "http_400")
    }

    /// Every 503, the key check's too, asks for the one configured wait.
    @Test func anUnreachableCatalogAsksForTheConfiguredWait() async throws {
        try await ServerFixture.with { fixture in
            let catalog = try await fixture.openCatalog()
            var configuration = ServerConfiguration()
            configuration.retryAfterSeconds = 7
            try await fixture.serve(configuration: configuration, catalog: catalog) { client in
                await catalog.close()
                let message = json(["type": "track", "event": "e", "userId": "u", "messageId": "w-1"])
                let response = try await client.post("/v1/track", json: message, key: .basic(fixture.writeKey))
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "catalog_unavailable")
                #expect(response.headers[.retryAfter] == "7")
                // The CORS routes answer errors through the same exit, with their headers added.
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                let ready = try await client.get("/readyz")
                #expect(ready.headers[.retryAfter] == "7")
            }
        }
    }

    /// The document of an answer the exit built for `error` (its body is `error.document`).
    static func document(_ error: UpliftError) throws -> ErrorDocument {
        try JSONDecoder().decode(ErrorDocument.self, from: Data(String(buffer: error.document).utf8))
    }
}

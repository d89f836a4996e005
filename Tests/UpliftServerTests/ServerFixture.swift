import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

/// One server's world for a test: a temporary data directory, a SQLite catalog with two projects
/// (`alpha`, `beta`) and their keys, and the application built exactly as `uplift serve` builds it.
struct ServerFixture: Sendable {
    let directory: URL
    let catalog: Catalog
    let alpha: ProjectSlug
    let beta: ProjectSlug
    /// Write and read keys of `alpha`, write key of `beta`.
    let writeKey: String
    let readKey: String
    let betaWriteKey: String

    static let secret = try! CatalogSecret(text: String(repeating: "server-test-pepper-", count: 2))

    /// Runs `body` with a fresh fixture; the catalog is closed and the directory removed afterwards.
    static func with<T>(_ body: (ServerFixture) async throws -> T) async throws -> T {
        try await withTemporaryDirectory(prefix: "uplift-server") { dir in
            let path = dir.appendingPathComponent("catalog.sqlite").path
            let catalog = try await Catalog.open(CatalogConfiguration(url: .sqlite(path: path), secret: secret))
            do {
                let alpha = try ProjectSlug("alpha")
                let beta = try ProjectSlug("beta")
                _ = try await catalog.createProject(alpha)
                _ = try await catalog.createProject(beta)
                let fixture = ServerFixture(
                    directory: dir, catalog: catalog, alpha: alpha, beta: beta,
                    writeKey: try await catalog.createKey(project: alpha, kind: .write).token,
                    readKey: try await catalog.createKey(project: alpha, kind: .read).token,
                    betaWriteKey: try await catalog.createKey(project: beta, kind: .write).token)
                let result = try await body(fixture)
                await catalog.close()
                return result
            } catch {
                await catalog.close()
                throw error
            }
        }
    }

    /// A second connection to the fixture's catalog (for a test that closes it under the server).
    func openCatalog() async throws -> Catalog {
        try await Catalog.open(
            CatalogConfiguration(
                url: .sqlite(path: directory.appendingPathComponent("catalog.sqlite").path), secret: Self.secret))
    }

    var dataDirectory: String { directory.appendingPathComponent("data").path }

    func storeConfiguration(faults: WALFaults = WALFaults(), metrics: ServerMetrics? = nil) -> StoreConfiguration {
        var configuration = StoreConfiguration(dataDirectory: dataDirectory)
        configuration.walOptions.faults = faults
        if let metrics { configuration.walOptions.onCommit = { metrics.walCommitted($0) } }
        return configuration
    }

    /// Builds the application over a newly opened store and drives it with `test`. The application
    /// closes the store when the test client finishes.
    func serve<T: Sendable>(
        _ setup: TestingSetup = .router, configuration: ServerConfiguration = ServerConfiguration(),
        faults: WALFaults = WALFaults(), metrics: ServerMetrics = ServerMetrics(), catalog: Catalog? = nil,
        _ test: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let store = try await EventStore.open(storeConfiguration(faults: faults, metrics: metrics))
        var logger = Logger(label: "uplift.server.test")
        logger.logLevel = .critical
        let app = UpliftApplication.build(
            configuration: configuration, store: store, catalog: catalog ?? self.catalog, metrics: metrics,
            logger: logger)
        return try await app.test(setup, test)
    }

    /// What the data directory holds for `project`, read by a store opened anew (the server's is closed).
    func storedEvents(_ project: ProjectSlug? = nil) async throws -> [Event] {
        let store = try await EventStore.open(storeConfiguration())
        do {
            let events = try await store.snapshot(project: project ?? alpha).allEvents()
            try await store.close()
            return events
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// How a request carries its key.
enum KeyStyle: Sendable {
    case basic(String)
    case bearer(String)
    case none
}

extension TestClientProtocol {
    /// POSTs `body` to `path` with the key in the given style.
    func post(
        _ path: String, _ body: [UInt8], key: KeyStyle, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        switch key {
        case .basic(let token): headers[.authorization] = "Basic " + Data((token + ":").utf8).base64EncodedString()
        case .bearer(let token): headers[.authorization] = "Bearer " + token
        case .none: break
        }
        for field in extra { headers[field.name] = field.value }
        return try await executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func post(_ path: String, json: String, key: KeyStyle, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post(path, Array(json.utf8), key: key, headers: headers)
    }

    func get(_ path: String) async throws -> TestResponse {
        try await executeRequest(uri: path, method: .get, headers: [:], body: nil)
    }
}

/// The 200 body of an ingestion request.
struct Acknowledgement: Decodable, Sendable {
    var status: Int
    var success: Bool
    var accepted: Int
    var duplicates: Int
    var clamped: Int
    var rejected: [Refusal]
}

struct Refusal: Decodable, Sendable, Equatable {
    var index: Int
    var code: String
    var message: String
}

/// The body of every error response.
struct ErrorDocument: Decodable, Sendable {
    struct Inner: Decodable, Sendable {
        var code: String
        var message: String
    }

    var error: Inner
    var rejected: [Refusal]?
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    var acknowledgement: Acknowledgement {
        get throws { try decode() }
    }

    var errorCode: String? { (try? decode(ErrorDocument.self))?.error.code }
}

/// JSON text from a value (so test bodies are built, not hand-escaped).
func json(_ value: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// An ISO 8601 time `seconds` from now.
func isoTime(_ seconds: TimeInterval, from now: Date = Date()) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: now.addingTimeInterval(seconds))
}

/// A thread-safe boolean that can be captured by escaping closures.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }
    func set(_ on: Bool = true) { value.store(on, ordering: .relaxed) }
}

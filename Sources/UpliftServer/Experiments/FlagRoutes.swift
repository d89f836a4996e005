import HTTPTypes
import Hummingbird
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `/v1/flags`: feature flag definitions, with the read key as `/v1/experiments`.
///
/// - `GET /v1/flags` → `{"flags":[{"key","enabled","description","updated_at"}]}`
/// - `GET /v1/flags/{key}` → the definition (the JSON form of `FlagDefinition`)
/// - `POST /v1/flags[?replace=true]` (JSON or YAML) → 201 / 200 replaced / 409 / 400 naming the field
/// - `POST /v1/flags/{key}/enable`, `…/disable` → the updated definition
struct FlagRoutes: Sendable {
    let catalog: Catalog
    let authorizer: KeyAuthorizer
    let bodyReader: RequestBodyReader

    func add(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/v1/flags") { request, _ in try await list(request) }
        router.post("/v1/flags") { request, _ in try await create(request) }
        router.get("/v1/flags/:key") { request, context in try await show(request, key: DefinitionRequest.key(context))
        }
        router.post("/v1/flags/:key/enable") { request, context in
            try await setEnabled(request, key: DefinitionRequest.key(context), true)
        }
        router.post("/v1/flags/:key/disable") { request, context in
            try await setEnabled(request, key: DefinitionRequest.key(context), false)
        }
    }

    private func project(_ request: Request) async throws(UpliftError) -> ProjectSlug {
        try await authorizer.project(for: Credentials.headerToken(request), access: .read)
    }

    func list(_ request: Request) async throws(UpliftError) -> Response {
        let project = try await project(request)
        let flags = try await catalogCall { () throws(UpliftError) in try await catalog.flags(project: project) }
        let items: [JSONValue] = flags.map { stored in
            let definition = try? JSONValue(parsing: Array(stored.definition.utf8))
            return .object([
                ("key", .string(stored.key)), ("enabled", .bool(stored.enabled)),
                ("description", definition?["description"] ?? .string("")),
                ("created_at", DefinitionRequest.iso(stored.createdAt)),
                ("updated_at", DefinitionRequest.iso(stored.updatedAt)),
            ])
        }
        return DefinitionRequest.response(.ok, .object([("flags", .array(items))]))
    }

    func show(_ request: Request, key: String) async throws(UpliftError) -> Response {
        let project = try await project(request)
        guard
            let stored = try await catalogCall({ () throws(UpliftError) in
                try await catalog.flag(project: project, key: key)
            })
        else {
            throw notFound(key)
        }
        return DefinitionRequest.response(.ok, text: stored.definition)
    }

    func create(_ request: Request) async throws(UpliftError) -> Response {
        let project = try await project(request)
        let replace = try DefinitionRequest.replace(request)
        let definition = try await DefinitionRequest.definition(
            request, reader: bodyReader, json: { (json) throws(UpliftError) in try FlagDefinition(json: json) },
            yaml: { (text) throws(UpliftError) in try FlagDefinition(yaml: text) })
        let text = definition.json.compactText
        let outcome = try await catalogCall { () throws(UpliftError) in
            try await catalog.saveFlag(
                project: project, key: definition.key, enabled: definition.enabled, definition: text, replace: replace)
        }
        switch outcome {
        case .exists:
            throw UpliftError(
                .alreadyExists, "flag '\(definition.key)' already exists; send ?replace=true to replace its definition")
        case .created:
            return DefinitionRequest.response(.created, text: text, location: "/v1/flags/\(definition.key)")
        case .replaced:
            return DefinitionRequest.response(.ok, text: text, location: "/v1/flags/\(definition.key)")
        }
    }

    func setEnabled(_ request: Request, key: String, _ enabled: Bool) async throws(UpliftError) -> Response {
        let project = try await project(request)
        let updated = try await catalogCall { () throws(UpliftError) in
            try await catalog.setFlagEnabled(project: project, key: key, enabled)
        }
        guard let updated else { throw notFound(key) }
        return DefinitionRequest.response(.ok, text: updated.definition)
    }

    private func notFound(_ key: String) -> UpliftError {
        UpliftError(.notFound, "no flag \(UpliftError.quote(key)) in this project; list them with GET /v1/flags")
    }

    private func catalogCall<T>(_ body: () async throws(UpliftError) -> T) async throws(UpliftError) -> T {
        try await DefinitionRequest.catalogCall(body)
    }
}

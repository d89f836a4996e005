import HTTPTypes
import Hummingbird
import Logging
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `/v1/experiments`: definitions, kept in the catalog. The read key (Bearer, the project's secret)
/// is required: the write key ships in apps, so it must not be able to change experiments.
///
/// - `GET /v1/experiments` → `{"experiments":[{"key","status","hypothesis","variants","updated_at"}]}`
/// - `GET /v1/experiments/{key}` → the definition (the JSON form of `ExperimentDefinition`)
/// - `POST /v1/experiments[?replace=true]` (JSON, or YAML with `Content-Type: application/yaml`)
///   → 201 created, 200 replaced, 409 exists, 400 `invalid_definition` naming the field
/// - `POST /v1/experiments/{key}/start` → running; `…/stop` with an optional `{"ship":"variant"}`
///   → stopped or shipped (the shipped variant is recorded in the definition)
struct ExperimentRoutes: Sendable {
    let catalog: Catalog
    let authorizer: KeyAuthorizer
    let bodyReader: RequestBodyReader

    func add(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/v1/experiments") { request, _ in try await list(request) }
        router.post("/v1/experiments") { request, _ in try await create(request) }
        router.get("/v1/experiments/:key") { request, context in
            try await show(request, key: DefinitionRequest.key(context))
        }
        router.post("/v1/experiments/:key/start") { request, context in
            try await start(request, key: DefinitionRequest.key(context))
        }
        router.post("/v1/experiments/:key/stop") { request, context in
            try await stop(request, key: DefinitionRequest.key(context))
        }
    }

    private func project(_ request: Request) async throws(UpliftError) -> ProjectSlug {
        try await authorizer.project(for: Credentials.headerToken(request), access: .read)
    }

    func list(_ request: Request) async throws(UpliftError) -> Response {
        let project = try await project(request)
        let experiments = try await catalogCall { () throws(UpliftError) in
            try await catalog.experiments(project: project)
        }
        let items: [JSONValue] = experiments.map { stored in
            // Read loosely: a list shows every row, even one whose definition a newer version wrote.
            let definition = try? JSONValue(parsing: Array(stored.definition.utf8))
            var members: [(String, JSONValue)] = [
                ("key", .string(stored.key)), ("status", .string(stored.status.rawValue)),
            ]
            members.append(("hypothesis", definition?["hypothesis"] ?? .string("")))
            members.append(("variants", definition?["variants"] ?? .array([])))
            if let shipped = definition?[StoredExperimentText.shippedMember] {
                members.append(("shipped_variant", shipped))
            }
            members.append(("created_at", DefinitionRequest.iso(stored.createdAt)))
            members.append(("updated_at", DefinitionRequest.iso(stored.updatedAt)))
            return .object(members)
        }
        return DefinitionRequest.response(.ok, .object([("experiments", .array(items))]))
    }

    func show(_ request: Request, key: String) async throws(UpliftError) -> Response {
        let project = try await project(request)
        guard
            let stored = try await catalogCall({ () throws(UpliftError) in
                try await catalog.experiment(project: project, key: key)
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
            request, reader: bodyReader, json: { (json) throws(UpliftError) in try ExperimentDefinition(json: json) },
            yaml: { (text) throws(UpliftError) in try ExperimentDefinition(yaml: text) })
        guard let status = StoredExperiment.Status(rawValue: definition.status.rawValue) else {
            throw UpliftError(.invalidDefinition, "status: unknown status")
        }
        let text = definition.json.compactText
        let outcome = try await catalogCall { () throws(UpliftError) in
            try await catalog.saveExperiment(
                project: project, key: definition.key, status: status, definition: text, replace: replace)
        }
        switch outcome {
        case .exists:
            throw UpliftError(
                .alreadyExists,
                "experiment '\(definition.key)' already exists; send ?replace=true to replace its definition")
        case .created:
            return DefinitionRequest.response(.created, text: text, location: "/v1/experiments/\(definition.key)")
        case .replaced:
            return DefinitionRequest.response(.ok, text: text, location: "/v1/experiments/\(definition.key)")
        }
    }

    func start(_ request: Request, key: String) async throws(UpliftError) -> Response {
        let project = try await project(request)
        return try await setStatus(project: project, key: key, .running, shipped: nil)
    }

    func stop(_ request: Request, key: String) async throws(UpliftError) -> Response {
        let project = try await project(request)
        var ship: String?
        if let body = try await DefinitionRequest.optionalJSON(request, reader: bodyReader) {
            guard case .object(let members) = body else {
                throw UpliftError(
                    .invalidBody, "the body must be a JSON object such as {\"ship\":\"treatment\"}, or empty")
            }
            for (name, value) in members {
                switch (name, value) {
                case ("ship", .string(let variant)): ship = variant
                case ("ship", .null): ship = nil
                case ("ship", _): throw UpliftError(.invalidBody, "ship: must be the key of a variant (a string)")
                default:
                    throw UpliftError(
                        .invalidBody, "\(UpliftError.quote(name)): unknown field; the body may only hold ship")
                }
            }
        }
        if let ship {
            guard
                let stored = try await catalogCall({ () throws(UpliftError) in
                    try await catalog.experiment(project: project, key: key)
                })
            else {
                throw notFound(key)
            }
            let variants = StoredExperimentText.variantKeys(stored.definition)
            guard variants.contains(ship) else {
                throw UpliftError(
                    .invalidVariant,
                    "ship: \(UpliftError.quote(ship)) is not a variant of experiment '\(key)'; its variants are \(variants.joined(separator: ", "))"
                )
            }
        }
        return try await setStatus(project: project, key: key, ship == nil ? .stopped : .shipped, shipped: ship)
    }

    private func setStatus(
        project: ProjectSlug, key: String, _ status: StoredExperiment.Status, shipped: String?
    ) async throws(UpliftError) -> Response {
        let updated = try await catalogCall { () throws(UpliftError) in
            try await catalog.setExperimentStatus(project: project, key: key, status: status, shippedVariant: shipped)
        }
        guard let updated else { throw notFound(key) }
        return DefinitionRequest.response(.ok, text: updated.definition)
    }

    private func notFound(_ key: String) -> UpliftError {
        UpliftError(
            .notFound, "no experiment \(UpliftError.quote(key)) in this project; list them with GET /v1/experiments")
    }

    private func catalogCall<T>(_ body: () async throws(UpliftError) -> T) async throws(UpliftError) -> T {
        try await DefinitionRequest.catalogCall(body)
    }
}

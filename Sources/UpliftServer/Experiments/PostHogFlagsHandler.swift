import Foundation
import Hummingbird
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// PostHog's flag evaluation endpoints, `POST /flags` and `POST /decide` (trailing `/` too), as the official
/// SDKs call them: posthog-python and posthog-node post `/flags/?v=…` with `api_key` in a JSON body, posthog-js
/// `/flags/?v=2&config=true` with `token`, base64-encoded as a form (`compression=base64`). The write key is the
/// project API key, as for PostHog's capture routes.
///
/// The answer is `Decider`'s, the evaluator of `/v1/decide`: the same flags (enabled ones) and, as PostHog
/// serves experiments through flags, each running experiment as a multivariate flag of its key (a flag of
/// the same key wins). Input: `distinct_id`; `$anon_distinct_id` (posthog-js after identify) is the stable id
/// that `Decider` hashes; `person_properties` are the attributes; `flag_keys_to_evaluate` narrows the answer.
/// Unknown and disabled flags are absent, as PostHog leaves them out (the SDKs then answer `None`/`undefined`).
///
/// Shapes by version, as PostHog's flags service answers them:
/// - `/flags`, `v` ≥ 2 (or neither `v` nor `config`): `{"flags":{key:{key,enabled,variant,reason,metadata}},
///   "errorsWhileComputingFlags","requestId","evaluatedAt"}`; `v=1`: `{"featureFlags":{key:value},
///   "featureFlagPayloads":{},"errorsWhileComputingFlags",…}`.
/// - `/decide` (always with the config members): no `v` or `v=1` → `featureFlags` lists the keys that are on;
///   `v=2` → `featureFlags` maps the keys that are on to their values; `v=3` → `/flags` v1;
///   `v` ≥ 4 → `/flags` v2.
struct PostHogFlagsHandler: Sendable {
    enum Endpoint: Sendable { case flags, decide }

    let authorizer: KeyAuthorizer
    let cache: DecideCache
    let bodyReader: RequestBodyReader

    func answer(_ request: Request, endpoint: Endpoint) async throws(UpliftError) -> Response {
        let query = request.uri.queryParameters
        let version = query.get("v").map { Int($0) ?? 1 }
        let config = query.get("config").map { ["true", "1", "yes"].contains($0.lowercased()) }
        let headerToken = Credentials.headerToken(request)
        var project: ProjectSlug?
        if let headerToken { project = try await authorizer.project(for: headerToken, access: .ingest) }
        let members = try await body(request)
        if project == nil {
            let token = DecideHandler.tokenMembers.lazy.compactMap { name -> String? in
                if case .string(let t)? = members.first(where: { $0.0 == name })?.1 { return t }
                return nil
            }.first
            project = try await authorizer.project(for: token, access: .ingest)
        }
        guard let project else { throw UpliftError(.unauthorized, "no write key") }
        let (input, only) = try Self.input(members)
        let decider = try await catalogCall("the catalog cannot be read right now; retry later") {
            () throws(UpliftError) in try await cache.decider(project)
        }
        var records = Self.records(decider, input)
        if let only { records = records.filter { only.contains($0.key) } }
        let shape = Shape(endpoint: endpoint, version: version, config: config)
        return DefinitionRequest.response(.ok, shape.document(records, requestID: UUID(), now: Date()))
    }

    /// The body's members: JSON (gzip is inflated by the reader), or posthog-js's `data=<base64 JSON>` form
    /// (`compression=base64`). Told apart by the body itself: curl sends JSON with a form content type.
    private func body(_ request: Request) async throws(UpliftError) -> [(String, JSONValue)] {
        var bytes = try await bodyReader.read(request)
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first != UInt8(ascii: "{"), first != UInt8(ascii: "[")
        {
            bytes = try Self.formData(bytes)
        }
        guard case .object(let members) = try DefinitionRequest.json(bytes) else {
            throw UpliftError(
                .invalidBody,
                "the body must be a JSON object {\"api_key\": …, \"distinct_id\": …, \"person_properties\": {…}}")
        }
        return members
    }

    /// The JSON inside a form body's `data` field (URL-encoded base64), as posthog-js sends it.
    static func formData(_ bytes: [UInt8]) throws(UpliftError) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        for field in text.split(separator: "&") where field.hasPrefix("data=") {
            let value = String(field.dropFirst(5)).replacingOccurrences(of: "+", with: " ")
            // `+` in base64 arrives as %2B; a literal space can only be a form-encoded `+`.
            if let decoded = value.removingPercentEncoding?.replacingOccurrences(of: " ", with: "+"),
                let json = Base64.decode(decoded.utf8)
            {
                return json
            }
            throw UpliftError(.invalidBody, "the form field data is not URL-encoded base64")
        }
        throw UpliftError(
            .invalidBody,
            "the body must be a JSON object, or a form whose data field holds it base64-encoded (compression=base64)")
    }

    /// The decide input and the keys asked for (`flag_keys_to_evaluate`; nil for all).
    static func input(_ members: [(String, JSONValue)]) throws(UpliftError) -> (DecideInput, Set<String>?) {
        var distinctID: String?
        var anonymousID: String?
        var properties: [(String, JSONValue)] = []
        var only: Set<String>?
        for (name, value) in members {
            switch (name, value) {
            case ("distinct_id", .string(let id)): distinctID = id
            // posthog-python sends the id as given; an integer user id is its digits.
            case ("distinct_id", .number(let n)): distinctID = n
            case ("distinct_id", _): throw invalid("distinct_id: must be a string")
            case ("$anon_distinct_id", .string(let id)): anonymousID = id.isEmpty ? nil : id
            case ("$anon_distinct_id", .null): anonymousID = nil
            case ("$anon_distinct_id", _): throw invalid("$anon_distinct_id: must be a string")
            case ("person_properties", .object(let list)): properties = list
            case ("person_properties", .null): properties = []
            case ("person_properties", _): throw invalid("person_properties: must be an object of person properties")
            case ("flag_keys_to_evaluate", .array(let keys)):
                var set: Set<String> = []
                for key in keys {
                    guard case .string(let k) = key else { throw invalid("flag_keys_to_evaluate: must list flag keys") }
                    set.insert(k)
                }
                only = set
            case ("flag_keys_to_evaluate", .null): only = nil
            case ("flag_keys_to_evaluate", _): throw invalid("flag_keys_to_evaluate: must list flag keys")
            default:
                continue  // the key, groups (Uplift has no group flags), device_id, geoip_disable, sent_at …
            }
        }
        guard let distinctID, !distinctID.isEmpty else {
            throw invalid("distinct_id: is required (the id the events are sent with)")
        }
        guard distinctID.utf8.count <= 1024, (anonymousID?.utf8.count ?? 0) <= 1024 else {
            throw invalid("distinct_id / $anon_distinct_id: at most 1024 bytes")
        }
        let input = DecideInput(
            distinctID: distinctID, anonymousID: anonymousID,
            attributes: Dictionary(properties, uniquingKeysWith: { $1 }))
        return (input, only)
    }

    private static func invalid(_ message: String) -> UpliftError {
        UpliftError(.invalidBody, message)
    }

    /// One flag's evaluation, as PostHog reports it.
    struct Record {
        var key: String
        /// `true`/`false` or the variant key.
        var value: JSONValue
        /// PostHog's reason code (`condition_match`, `no_condition_match`, `out_of_rollout_bound`).
        var reason: String
        var conditionIndex: Int?
        var description: String
        var isExperiment: Bool

        var enabled: Bool { value != .bool(false) }
        var variant: String? {
            if case .string(let v) = value { return v }
            return nil
        }

        var json: JSONValue {
            var reasonMembers: [(String, JSONValue)] = [
                ("code", .string(reason)),
                ("condition_index", conditionIndex.map { .number(String($0)) } ?? .null),
            ]
            reasonMembers.append(("description", .string(Self.describe(reason, conditionIndex))))
            return .object([
                ("key", .string(key)), ("enabled", .bool(enabled)), ("variant", variant.map(JSONValue.string) ?? .null),
                ("reason", .object(reasonMembers)),
                // Uplift's flags have no numeric id or version: 0, as PostHog sends for a flag without a version.
                (
                    "metadata",
                    .object([
                        ("id", .number("0")), ("version", .number("0")), ("description", .string(description)),
                        ("payload", .null), ("has_experiment", .bool(isExperiment)),
                    ])
                ),
            ])
        }

        static func describe(_ code: String, _ index: Int?) -> String {
            switch code {
            case "condition_match": "Matched condition set \((index ?? 0) + 1)"
            case "out_of_rollout_bound": "Out of rollout bound"
            case "flag_disabled": "Feature flag is disabled"
            default: "No matching condition set"
            }
        }
    }

    /// Every flag's and running experiment's record, by key.
    static func records(_ decider: Decider, _ input: DecideInput) -> [Record] {
        var records: [String: Record] = [:]
        for flag in decider.flags {
            let outcome = decider.outcome(flag, input)
            let (code, index): (String, Int?) =
                switch outcome.reason {
                case .rule(let i): ("condition_match", i)
                case .outsideRollout: ("out_of_rollout_bound", nil)
                case .noRuleMatched: ("no_condition_match", nil)
                case .disabled: ("flag_disabled", nil)
                }
            records[flag.key] = Record(
                key: flag.key, value: outcome.value, reason: code, conditionIndex: index, description: flag.description,
                isExperiment: false)
        }
        for experiment in decider.experiments where experiment.status == .running && records[experiment.key] == nil {
            let variant = decider.assign(experiment, input)
            records[experiment.key] = Record(
                key: experiment.key, value: variant.map(JSONValue.string) ?? .bool(false),
                reason: variant == nil ? "out_of_rollout_bound" : "condition_match",
                conditionIndex: variant == nil ? nil : 0, description: experiment.hypothesis, isExperiment: true)
        }
        return records.keys.sorted().compactMap { records[$0] }
    }

    /// Which of PostHog's response shapes a request gets.
    struct Shape {
        enum Form { case flagsV2, flagsV1, decideV2, decideV1 }
        var form: Form
        var config: Bool

        init(endpoint: Endpoint, version: Int?, config: Bool?) {
            switch endpoint {
            case .flags:
                // Neither given: the latest shape, with the config (PostHog's default); else what was asked.
                let neither = version == nil && config == nil
                form = (version ?? (neither ? 2 : 1)) >= 2 ? .flagsV2 : .flagsV1
                self.config = config ?? neither
            case .decide:
                switch version ?? 1 {
                case 2: form = .decideV2
                case 3: form = .flagsV1
                case let v where v >= 4: form = .flagsV2
                default: form = .decideV1
                }
                self.config = config ?? true
            }
        }

        func document(_ records: [Record], requestID: UUID, now: Date) -> JSONValue {
            var members: [(String, JSONValue)] = []
            switch form {
            case .flagsV2:
                members.append(("flags", .object(records.map { ($0.key, $0.json) })))
                members.append(("errorsWhileComputingFlags", .bool(false)))
            case .flagsV1:
                members.append(("featureFlags", .object(records.map { ($0.key, $0.value) })))
                members.append(("featureFlagPayloads", .object([])))
                members.append(("errorsWhileComputingFlags", .bool(false)))
            case .decideV2:
                members.append(("featureFlags", .object(records.filter(\.enabled).map { ($0.key, $0.value) })))
            case .decideV1:
                members.append(("featureFlags", .array(records.filter(\.enabled).map { .string($0.key) })))
            }
            members.append(("requestId", .string(requestID.uuidString.lowercased())))
            members.append(("evaluatedAt", .number(String(Int64(now.timeIntervalSince1970 * 1000)))))
            if config { members += Self.configMembers(hasFlags: !records.isEmpty) }
            return .object(members)
        }

        /// The remote config posthog-js reads with its flags: PostHog's own fallback (nothing Uplift does not
        /// serve is switched on: no recordings, surveys, heatmaps or toolbar).
        static func configMembers(hasFlags: Bool) -> [(String, JSONValue)] {
            [
                ("hasFeatureFlags", .bool(hasFlags)),
                ("supportedCompression", .array([.string("gzip"), .string("gzip-js")])),
                ("sessionRecording", .bool(false)), ("surveys", .bool(false)), ("heatmaps", .bool(false)),
                ("capturePerformance", .bool(false)), ("autocaptureExceptions", .bool(false)),
                ("isAuthenticated", .bool(false)), ("toolbarParams", .object([])),
                ("config", .object([("enable_collect_everything", .bool(true))])),
            ]
        }
    }
}

import UpliftAnalysis
import UpliftExperiments
import UpliftModel

/// Reads a PR/FAQ file, collecting every mistake rather than stopping at the first: each field is
/// read on its own, a wrong field is reported and skipped, and the reader goes on.
struct PrfaqParser {
    let path: String
    var problems: [PrfaqProblem] = []
    /// The parsed header, which knows each field's line.
    private var source: DefinitionSource?

    init(path: String) { self.path = path }

    mutating func parse(_ text: String) -> PrfaqDocument? {
        guard let (header, body) = splitFrontMatter(text) else { return nil }
        let source: DefinitionSource
        do {
            source = try DefinitionSource(yaml: header, lineOffset: 1, subject: "the header")
        } catch {
            problems.append(PrfaqProblem(field: "", line: nil, message: error.message))
            return nil
        }
        self.source = source
        var f: FieldReader
        do { f = try FieldReader(source.value, path: "") } catch {
            add(FieldError(path: "", message: "the header must be a mapping of fields (id: …, title: …, goals: …)"))
            return nil
        }
        let id = attempt { try f.slug("id") } ?? nil
        let title = attempt { try f.requiredString("title", what: "the feature's headline") }
        let owner = attempt { try f.requiredString("owner", what: "who answers for the goals") }
        let feature = attempt { try f.requiredString("feature", what: "the feature's name") }
        let launch = attempt { () throws(FieldError) -> UTCDay in
            guard let d = try f.date("launch") else {
                throw FieldError(path: "launch", message: "is required: the launch date, YYYY-MM-DD")
            }
            return d
        }
        var goals: [Goal] = []
        if let items = attempt({ try f.array("goals") }) {
            if let items, !items.isEmpty {
                var seen: [String: Int] = [:]
                for (i, item) in items.enumerated() {
                    guard let goal = parseGoal(item, path: "goals[\(i)]") else { continue }
                    if let first = seen[goal.id] {
                        add(
                            FieldError(
                                path: "goals[\(i)].id",
                                message: "'\(goal.id)' is already the id of goals[\(first)]; goal ids must be unique"))
                    }
                    seen[goal.id] = i
                    if let launch, goal.deadline < launch {
                        add(
                            FieldError(
                                path: "goals[\(i)].deadline",
                                message:
                                    "\(goal.deadline) is before the launch (\(launch)); a goal's deadline follows the launch"
                            ))
                    }
                    goals.append(goal)
                }
            } else {
                add(FieldError(path: "goals", message: "is required: at least one goal (metric, target, deadline)"))
            }
        }
        let funnels = list(&f, "funnels") { (p: inout PrfaqParser, v, path) in p.parseFunnel(v, path: path) }
        let experiments = list(&f, "experiments") { (p: inout PrfaqParser, v, path) in p.parseExperiment(v, path: path)
        }
        let feedback = list(&f, "feedback") { (p: inout PrfaqParser, v, path) in p.parseFeedback(v, path: path) }
        for e in f.unknownFields() { add(e) }
        guard problems.isEmpty, let id, let title, let owner, let feature, let launch else { return nil }
        return PrfaqDocument(
            path: path, id: id, title: title, owner: owner, feature: feature, launch: launch, goals: goals,
            funnels: funnels, experiments: experiments, feedback: feedback, body: body)
    }

    /// The header between a first line `---` and the next line `---` (or `...`), and the body after it.
    private mutating func splitFrontMatter(_ text: String) -> (String, String)? {
        var all = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if let first = all.first, first.hasPrefix("\u{FEFF}") { all[0] = first.dropFirst() }
        guard let first = all.first, first.trimmingTrailingSpaces == "---" else {
            problems.append(
                PrfaqProblem(
                    field: "", line: 1,
                    message:
                        "a PR/FAQ starts with a YAML header: a line '---', the fields (id, title, owner, feature, launch, goals), and a closing '---'"
                ))
            return nil
        }
        guard
            let close = all.indices.dropFirst().first(where: {
                all[$0].trimmingTrailingSpaces == "---" || all[$0].trimmingTrailingSpaces == "..."
            })
        else {
            problems.append(
                PrfaqProblem(
                    field: "", line: 1,
                    message: "the YAML header opened on line 1 is never closed; end it with a line '---'"))
            return nil
        }
        let header = all[1..<close].joined(separator: "\n")
        let body = all[(close + 1)...].joined(separator: "\n")
        return (header, body)
    }

    mutating func add(_ error: FieldError) {
        problems.append(PrfaqProblem(field: error.path, line: line(of: error.path), message: error.message))
    }

    /// Runs one field's reader; a mistake is recorded and the result is nil.
    /// (Untyped `throws`: closures do not infer typed throws; every reader throws `FieldError`.)
    mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as FieldError {
            add(error)
        } catch {
            add(FieldError(path: "", message: "\(error)"))
        }
        return nil
    }

    /// The line of the field, or of its nearest ancestor that exists (a missing key points at its parent).
    func line(of path: String) -> Int? { source?.line(of: path) }

    /// An optional list whose items are each parsed on their own.
    private mutating func list<T>(
        _ f: inout FieldReader, _ key: String, _ item: (inout PrfaqParser, JSONValue, String) -> T?
    ) -> [T] {
        guard let items = attempt({ try f.array(key) }), let items else { return [] }
        var out: [T] = []
        for (i, v) in items.enumerated() {
            if let x = item(&self, v, "\(key)[\(i)]") { out.append(x) }
        }
        return out
    }

    /// Funnel steps: event names or `{event, where}`, 2 to 20 of them.
    mutating func steps(_ f: inout FieldReader, path: String) -> [FunnelQuery.Step]? {
        guard let items = attempt({ try f.array("steps") }), let items else { return nil }
        guard (2...FunnelQuery.maxSteps).contains(items.count) else {
            add(
                FieldError(
                    path: path + ".steps", message: "must list 2 to \(FunnelQuery.maxSteps) steps, not \(items.count)"))
            return nil
        }
        var steps: [FunnelQuery.Step] = []
        var ok = true
        for (i, item) in items.enumerated() {
            let field = "\(path).steps[\(i)]"
            switch item {
            case .string(let event) where !event.isEmpty:
                steps.append(FunnelQuery.Step(event: event))
            case .object:
                let step = attempt { () throws(FieldError) -> FunnelQuery.Step in
                    var s = try FieldReader(item, path: field)
                    let event = try s.requiredString("event", what: "the step's event name")
                    let filters = try s.filters("where")
                    try s.finish()
                    return FunnelQuery.Step(event: event, filters: filters)
                }
                if let step { steps.append(step) } else { ok = false }
            default:
                add(FieldError(path: field, message: "must be an event name or {event, where}"))
                ok = false
            }
        }
        return ok ? steps : nil
    }

    private mutating func parseFunnel(_ value: JSONValue, path: String) -> PrfaqDocument.Funnel? {
        guard var f = attempt({ try FieldReader(value, path: path) }) else { return nil }
        let before = problems.count
        let id = attempt { try f.slug("id") } ?? nil
        let title = attempt { try f.string("title") } ?? nil
        let steps = steps(&f, path: path)
        if steps == nil, problems.count == before {
            add(FieldError(path: path + ".steps", message: "is required: the funnel's steps, in order"))
        }
        let window = attempt { try f.duration("window") } ?? nil
        let filters = attempt { try f.filters("where") } ?? []
        for e in f.unknownFields() { add(e) }
        guard problems.count == before, let id, let steps else { return nil }
        return PrfaqDocument.Funnel(
            id: id, title: title, steps: steps, window: window ?? TimeLength(days: 14), filters: filters)
    }

    private mutating func parseExperiment(_ value: JSONValue, path: String) -> PrfaqDocument.ExperimentReference? {
        if case .string(let key) = value {
            guard FieldReader.isSlug(key) else {
                add(
                    FieldError(
                        path: path,
                        message:
                            "\(UpliftError.quote(key)) is not an experiment key; use lowercase letters, digits, '-' and '_'"
                    ))
                return nil
            }
            return PrfaqDocument.ExperimentReference(key: key, definition: nil, line: line(of: path))
        }
        guard var f = attempt({ try FieldReader(value, path: path) }) else { return nil }
        let before = problems.count
        let key = attempt { try f.slug("key") } ?? nil
        let definition = attempt { try f.string("definition") } ?? nil
        for e in f.unknownFields() { add(e) }
        guard problems.count == before, let key else { return nil }
        return PrfaqDocument.ExperimentReference(
            key: key, definition: definition, line: line(of: definition == nil ? path : path + ".definition"))
    }

    private mutating func parseFeedback(_ value: JSONValue, path: String) -> PrfaqDocument.FeedbackReference? {
        guard var f = attempt({ try FieldReader(value, path: path) }) else { return nil }
        let before = problems.count
        let feature = attempt { try f.string("feature") } ?? nil
        let survey = attempt { try f.string("survey") } ?? nil
        for e in f.unknownFields() { add(e) }
        if problems.count == before, feature == nil, survey == nil {
            add(FieldError(path: path, message: "names no feedback; give a feature, a survey, or both"))
        }
        guard problems.count == before else { return nil }
        return PrfaqDocument.FeedbackReference(feature: feature, survey: survey)
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}

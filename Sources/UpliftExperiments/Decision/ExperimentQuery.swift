public import UpliftAnalysis
public import UpliftModel

/// The body of `POST /v1/query/experiment`, and what `uplift experiment analyze` builds from its flags:
/// `{"project"?, "experiment": "key" | "definition": {…}, "from"?, "to"?, "time_zone"?, "correction"?}`.
///
/// The range defaults to the definition's: from its `start` to its `stop`, or to now while it runs.
public struct ExperimentQuery: Sendable {
    public enum Source: Sendable {
        /// A definition stored in the catalog.
        case key(String)
        /// A definition given inline (a YAML file on the command line, JSON over HTTP).
        case definition(ExperimentDefinition)
    }

    public var project: ProjectSlug?
    public var source: Source
    public var from: Int64?
    public var to: Int64?
    public var correction: MultipleTestingCorrection

    public init(project: ProjectSlug? = nil, source: Source, from: Int64? = nil, to: Int64? = nil,
                correction: MultipleTestingCorrection = .holm) {
        self.project = project
        self.source = source
        self.from = from
        self.to = to
        self.correction = correction
    }

    public init(json: JSONValue, defaultTimeZone: String) throws(UpliftError) {
        var f = try QueryFields(json)
        if let text = try f.string("project") {
            do { project = try ProjectSlug(text) } catch { throw UpliftError(.invalidInput, "project: \(error.message)") }
        }
        let key = try f.string("experiment")
        let inline = f.value("definition")
        switch (key, inline) {
        case (let key?, nil): source = .key(key)
        case (nil, let definition?): source = .definition(try ExperimentDefinition(json: definition))
        case (.some, .some): throw UpliftError(.invalidInput, "give either experiment (a stored key) or definition (inline), not both")
        case (nil, nil): throw UpliftError(.invalidInput, "experiment: missing; name a stored experiment by its key, or give its definition inline")
        }
        let calendar = try LocalCalendar(timeZone: try f.string("time_zone") ?? defaultTimeZone, field: "time_zone")
        from = try f.string("from").map { (text) throws(UpliftError) in try QueryScope.instant(text, field: "from", calendar: calendar) }
        to = try f.string("to").map { (text) throws(UpliftError) in try QueryScope.instant(text, field: "to", calendar: calendar) }
        correction = try f.choice("correction", MultipleTestingCorrection.self) ?? .holm
        try f.finish()
    }

    /// The range to analyse: the query's bounds, else the definition's start and stop (or now).
    public func range(of definition: ExperimentDefinition, now: Int64) throws(UpliftError) -> (from: Int64, to: Int64) {
        guard let from = from ?? definition.start else {
            throw UpliftError(.invalidInput, "from: missing; the experiment '\(definition.key)' has no start, so give the range's start (YYYY-MM-DD)")
        }
        let to = to ?? definition.stop ?? (now + 1)
        guard from < to else {
            throw UpliftError(.invalidInput, "from must be before to (the range is from inclusive, to exclusive)")
        }
        return (from, to)
    }
}

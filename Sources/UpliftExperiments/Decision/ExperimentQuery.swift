import UpliftAnalysis
package import UpliftModel

/// The body of `POST /v1/query/experiment`, and what `uplift experiment analyze` builds from its flags:
/// `{"project"?, "experiment": "key" | "definition": {…}, "from"?, "to"?, "time_zone"?, "correction"?}`.
///
/// The range defaults to the definition's: from its `start` to its `stop`, or to now while it runs.
package struct ExperimentQuery: Sendable {
    package enum Source: Sendable {
        /// A definition stored in the catalog.
        case key(String)
        /// A definition given inline (a YAML file on the command line, JSON over HTTP).
        case definition(ExperimentDefinition)
    }

    package var project: ProjectSlug?
    package var source: Source
    package var from: Int64?
    package var to: Int64?
    package var correction: MultipleTestingCorrection

    package init(
        project: ProjectSlug? = nil, source: Source, from: Int64? = nil, to: Int64? = nil,
        correction: MultipleTestingCorrection = .holm
    ) {
        self.project = project
        self.source = source
        self.from = from
        self.to = to
        self.correction = correction
    }

    package init(json: JSONValue, defaultTimeZone: String) throws(UpliftError) {
        var f = try QueryFields(json)
        if let text = try f.string("project") {
            do { project = try ProjectSlug(text) } catch {
                throw UpliftError(.invalidInput, "project: \(error.message)")
            }
        }
        let key = try f.string("experiment")
        let inline = f.value("definition")
        switch (key, inline) {
        case (let key?, nil): source = .key(key)
        case (nil, let definition?): source = .definition(try ExperimentDefinition(json: definition))
        case (.some, .some):
            throw UpliftError(.invalidInput, "give either experiment (a stored key) or definition (inline), not both")
        case (nil, nil):
            throw UpliftError(
                .invalidInput, "experiment: missing; name a stored experiment by its key, or give its definition inline"
            )
        }
        let calendar = try LocalCalendar(timeZone: try f.string("time_zone") ?? defaultTimeZone, field: "time_zone")
        from = try f.string("from").map { (text) throws(UpliftError) in
            try QueryScope.instant(text, field: "from", calendar: calendar)
        }
        to = try f.string("to").map { (text) throws(UpliftError) in
            try QueryScope.end(text, field: "to", calendar: calendar)
        }
        correction = try f.choice("correction", MultipleTestingCorrection.self) ?? .holm
        try f.finish()
    }

    /// The range to analyse: the query's bounds, else the definition's start and stop (or now).
    package func range(of definition: ExperimentDefinition, now: Int64) throws(UpliftError) -> (from: Int64, to: Int64)
    {
        guard let from = from ?? definition.start else {
            throw UpliftError(
                .invalidInput,
                "from: missing; the experiment '\(definition.key)' has no start, so give the range's start (YYYY-MM-DD)"
            )
        }
        let to = to ?? definition.stop ?? (now + 1)
        guard from < to else {
            throw UpliftError(
                .invalidInput,
                "from must be before to (a date includes its whole day; a date-time is an instant: from inclusive, to exclusive)"
            )
        }
        return (from, to)
    }
}

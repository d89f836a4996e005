package import UpliftAnalysis
package import UpliftModel

/// A PR/FAQ: a Markdown file whose YAML front matter (`---` … `---`) names the feature, its launch,
/// and the goals, funnels, experiments and feedback it tracks; the body (press release and FAQ) is
/// kept as text. Schema: schemas/prfaq.schema.json.
package struct PrfaqDocument: Sendable {
    /// A funnel the report shows (not a goal by itself).
    package struct Funnel: Sendable {
        package var id: String
        package var title: String?
        package var steps: [FunnelQuery.Step]
        package var window: TimeLength
        package var filters: [PropertyFilter]
    }

    /// An experiment by its catalog key, optionally with a definition file (relative to the document).
    package struct ExperimentReference: Sendable {
        package var key: String
        package var definition: String?
        /// Line of the entry, to point at it when the definition file is wrong.
        package var line: Int?
    }

    /// Feedback the report shows: answers about a feature and/or to a survey.
    package struct FeedbackReference: Sendable {
        package var feature: String?
        package var survey: String?
    }

    package var path: String
    package var id: String
    package var title: String
    package var owner: String
    package var feature: String
    package var launch: UTCDay
    package var goals: [Goal]
    package var funnels: [Funnel]
    package var experiments: [ExperimentReference]
    package var feedback: [FeedbackReference]
    /// The Markdown after the header, as written.
    package var body: String

    /// Parses and checks the document; every mistake found is in the thrown `PrfaqErrors`, each with
    /// its field path and line (`goals[2].target (line 17): must be a number`).
    package init(text: String, path: String) throws(PrfaqErrors) {
        var parser = PrfaqParser(path: path)
        guard let document = parser.parse(text) else { throw PrfaqErrors(path: path, problems: parser.problems) }
        self = document
    }

    init(
        path: String, id: String, title: String, owner: String, feature: String, launch: UTCDay, goals: [Goal],
        funnels: [Funnel], experiments: [ExperimentReference], feedback: [FeedbackReference], body: String
    ) {
        self.path = path
        self.id = id
        self.title = title
        self.owner = owner
        self.feature = feature
        self.launch = launch
        self.goals = goals
        self.funnels = funnels
        self.experiments = experiments
        self.feedback = feedback
        self.body = body
    }
}

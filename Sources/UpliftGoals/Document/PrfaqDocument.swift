public import UpliftAnalysis
public import UpliftModel

/// A PR/FAQ: a Markdown file whose YAML front matter (`---` … `---`) names the feature, its launch,
/// and the goals, funnels, experiments and feedback it tracks; the body (press release and FAQ) is
/// kept as text. Schema: schemas/prfaq.schema.json.
public struct PrfaqDocument: Sendable {
    /// A funnel the report shows (not a goal by itself).
    public struct Funnel: Sendable {
        public var id: String
        public var title: String?
        public var steps: [FunnelQuery.Step]
        public var window: TimeLength
        public var filters: [PropertyFilter]
    }

    /// An experiment by its catalog key, optionally with a definition file (relative to the document).
    public struct ExperimentReference: Sendable {
        public var key: String
        public var definition: String?
        /// Line of the entry, to point at it when the definition file is wrong.
        public var line: Int?
    }

    /// Feedback the report shows: answers about a feature and/or to a survey.
    public struct FeedbackReference: Sendable {
        public var feature: String?
        public var survey: String?
    }

    public var path: String
    public var id: String
    public var title: String
    public var owner: String
    public var feature: String
    public var launch: UTCDay
    public var goals: [Goal]
    public var funnels: [Funnel]
    public var experiments: [ExperimentReference]
    public var feedback: [FeedbackReference]
    /// The Markdown after the header, as written.
    public var body: String

    /// Parses and checks the document; every mistake found is in the thrown `PrfaqErrors`, each with
    /// its field path and line (`goals[2].target (line 17): must be a number`).
    public init(text: String, path: String) throws(PrfaqErrors) {
        var parser = PrfaqParser(path: path)
        guard let document = parser.parse(text) else { throw PrfaqErrors(path: path, problems: parser.problems) }
        self = document
    }

    init(path: String, id: String, title: String, owner: String, feature: String, launch: UTCDay, goals: [Goal],
         funnels: [Funnel], experiments: [ExperimentReference], feedback: [FeedbackReference], body: String) {
        self.path = path; self.id = id; self.title = title; self.owner = owner; self.feature = feature
        self.launch = launch; self.goals = goals; self.funnels = funnels; self.experiments = experiments
        self.feedback = feedback; self.body = body
    }
}

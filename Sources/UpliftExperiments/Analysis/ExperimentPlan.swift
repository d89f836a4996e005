import UpliftAnalysis
package import UpliftModel

/// How an experiment's data is read: the frames (exposure plus metric roles, at most 32 role bits
/// each, so a definition with many metrics is split over several frames that all repeat the exposure
/// role) and, per frame, what each person accumulates.
struct ExperimentPlan {
    /// One per-person accumulator: events of a role bit (counted, or their number summed) over the
    /// post-exposure span or the pre-exposure (CUPED) one.
    struct Measure {
        var bit: UInt32
        /// Index into the frame's number columns; -1 counts events.
        var number: Int
        /// Pre-exposure span [e − preWindow, e) instead of the post-exposure one.
        var pre: Bool
        /// Post-exposure span ends at e + window (inclusive); -1: at the range's end.
        var window: Int64
    }

    struct Metric {
        /// Position in `ExperimentData.metrics`.
        var output: Int
        var kind: MetricDefinition.Kind
        /// Measures giving the components, in `MetricSums` order (empty for funnels).
        var measures: [Int]
        /// Index into `funnels` for funnel metrics, else -1.
        var funnel: Int
        var components: Int
    }

    struct Funnel {
        /// The frame role bit of each step.
        var stepBits: [UInt32]
        var steps: [FunnelQuery.Step]
        var window: TimeLength
    }

    struct Frame {
        var request: FrameRequest
        var measures: [Measure] = []
        var metrics: [Metric] = []
        var funnels: [Funnel] = []
        /// Roles any measure or funnel step reads.
        var metricMask: UInt32 = 0
    }

    static let exposureBit: UInt32 = 1

    let frames: [Frame]
    /// Output order: primary metrics then guardrails.
    let metrics: [(definition: MetricDefinition, guardrail: Bool, cuped: Bool)]
    let preWindow: Int64

    init(_ definition: ExperimentDefinition, from: Int64, to: Int64) throws(UpliftError) {
        try Self.validate(definition, from: from, to: to)
        let cupedOn = definition.cuped.enabled
        preWindow = cupedOn ? max(0, definition.cuped.preExposureWindow.microseconds) : 0
        metrics =
            definition.metrics.map { ($0, false, cupedOn && $0.kind != .funnel) }
            + definition.guardrails.map { ($0, true, cupedOn && $0.kind != .funnel) }
        let exposure = FrameRequest.Role(
            event: definition.exposure.event,
            filters: definition.exposure.filters + [
                PropertyFilter(
                    property: PropertyRef(definition.exposure.experimentProperty), op: .eq, values: [definition.key])
            ])
        let readFrom = from > Int64.min + preWindow ? from - preWindow : Int64.min
        func newFrame() -> Frame {
            Frame(
                request: FrameRequest(
                    roles: [exposure], from: readFrom, to: to,
                    strings: [
                        FrameRequest.PropertyRequest(
                            PropertyRef(definition.exposure.variantProperty), roleMask: Self.exposureBit)
                    ]))
        }
        var frames: [Frame] = []
        var current = newFrame()
        for (output, m) in metrics.enumerated() {
            let roles = Self.roles(of: m.definition)
            let added = Set(roles).subtracting(current.request.roles).count
            if current.request.roles.count + added > 32 {
                frames.append(current)
                current = newFrame()
            }
            Self.add(m.definition, output: output, cuped: m.cuped, to: &current)
        }
        frames.append(current)
        self.frames = frames
    }

    /// The event roles a metric reads.
    static func roles(of m: MetricDefinition) -> [FrameRequest.Role] {
        switch m.kind {
        case .proportion, .mean: [FrameRequest.Role(event: m.measure.event, filters: m.measure.filters)]
        case .ratio:
            [m.measure, m.denominator ?? m.measure].map { FrameRequest.Role(event: $0.event, filters: $0.filters) }
        case .funnel: m.steps.map { FrameRequest.Role(event: $0.event, filters: $0.filters) }
        }
    }

    private static func bit(_ role: FrameRequest.Role, in frame: inout Frame) -> UInt32 {
        if let i = frame.request.roles.firstIndex(of: role) { return 1 << UInt32(i) }
        frame.request.roles.append(role)
        return 1 << UInt32(frame.request.roles.count - 1)
    }

    private static func add(_ m: MetricDefinition, output: Int, cuped: Bool, to frame: inout Frame) {
        if m.kind == .funnel {
            let bits = m.steps.map { bit(FrameRequest.Role(event: $0.event, filters: $0.filters), in: &frame) }
            frame.metricMask |= bits.reduce(0, |)
            frame.funnels.append(
                Funnel(stepBits: bits, steps: m.steps, window: m.window ?? MetricDefinition.defaultFunnelWindow))
            frame.metrics.append(
                Metric(output: output, kind: .funnel, measures: [], funnel: frame.funnels.count - 1, components: 1))
            return
        }
        let sources = m.kind == .ratio ? [m.measure, m.denominator ?? m.measure] : [m.measure]
        let window = m.window.map { max(0, $0.microseconds) } ?? -1
        var post: [Int] = []
        var pre: [Int] = []
        for source in sources {
            let b = bit(FrameRequest.Role(event: source.event, filters: source.filters), in: &frame)
            frame.metricMask |= b
            var number = -1
            // Proportions ignore the property: they ask whether the event happened.
            if let property = source.property, m.kind != .proportion {
                let request = FrameRequest.PropertyRequest(property, roleMask: b)
                if let i = frame.request.numbers.firstIndex(of: request) {
                    number = i
                } else {
                    frame.request.numbers.append(request)
                    number = frame.request.numbers.count - 1
                }
            }
            post.append(frame.measures.count)
            frame.measures.append(Measure(bit: b, number: number, pre: false, window: window))
            if cuped {
                pre.append(frame.measures.count)
                frame.measures.append(Measure(bit: b, number: number, pre: true, window: -1))
            }
        }
        let measures = post + pre
        frame.metrics.append(
            Metric(output: output, kind: m.kind, measures: measures, funnel: -1, components: measures.count))
    }

    /// Definitions built in code are checked here too: bad input is an error, never a crash.
    static func validate(_ d: ExperimentDefinition, from: Int64, to: Int64) throws(UpliftError) {
        guard from < to else {
            throw UpliftError(.invalidInput, "experiment range: from must be before to (from inclusive, to exclusive)")
        }
        let days = UTCDay(microseconds: to - 1).daysSinceEpoch - UTCDay(microseconds: from).daysSinceEpoch + 1
        guard days <= 3_660 else {
            throw UpliftError(
                .invalidInput,
                "experiment range spans \(days) days; analyse at most 3660 days (pass the experiment's start and stop)")
        }
        guard !d.variants.isEmpty else {
            throw UpliftError(.invalidInput, "experiment '\(d.key)' has no variants; add at least two")
        }
        guard Set(d.variants.map(\.key)).count == d.variants.count else {
            throw UpliftError(.invalidInput, "experiment '\(d.key)': variant keys must be distinct")
        }
        for m in d.metrics + d.guardrails {
            if m.kind == .ratio && m.denominator == nil {
                throw UpliftError(.invalidInput, "metric '\(m.id)': a ratio metric needs a denominator")
            }
            if m.kind == .funnel && !(1...FunnelQuery.maxSteps).contains(m.steps.count) {
                throw UpliftError(
                    .invalidInput,
                    "metric '\(m.id)': a funnel metric needs 1 to \(FunnelQuery.maxSteps) steps, not \(m.steps.count)")
            }
        }
    }
}

extension ExperimentDefinition {
    /// Whether the definition can be analysed over `[from, to)`: the same check, and the same errors, for the
    /// embedded engine (`AnalysisEngine.experimentData`) and a compiled statement (`ExperimentSQL`).
    package func checkAnalysable(from: Int64, to: Int64) throws(UpliftError) {
        try ExperimentPlan.validate(self, from: from, to: to)
    }
}

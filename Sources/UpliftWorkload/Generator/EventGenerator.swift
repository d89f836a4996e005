package import UpliftModel

/// Streams a synthetic workload as NDJSON bytes: exactly `config.events` lines, in time order,
/// byte-identical for the same configuration. Memory stays bounded by the people and one day of
/// sessions, whatever the number of events, so callers can pull 100M events in chunks.
///
/// ```swift
/// var generator = try EventGenerator(GeneratorConfig(events: 1_000_000))
/// var chunk: [UInt8] = []
/// while generator.nextChunk(into: &chunk) > 0 { write(chunk); chunk.removeAll(keepingCapacity: true) }
/// ```
package struct EventGenerator: Sendable {
    package let config: GeneratorConfig
    /// Lines produced so far.
    package private(set) var emitted = 0

    private var planner: DayPlanner
    private var encoder: LineEncoder
    private let tracks: ZipfTable
    private let pages: ZipfTable
    private let idKey: UInt64
    private var plannedDays = 0
    private var pending: [PlannedSession] = []
    private var pendingIndex = 0
    private var open = SessionHeap()
    private var lastMs: Int64

    package init(_ config: GeneratorConfig) throws(UpliftError) {
        try config.validate()
        self.config = config
        planner = DayPlanner(config: config)
        encoder = LineEncoder(lexicon: Lexicon(), key: planner.key)
        tracks = ZipfTable(count: Vocabulary.trackSpecs.count, exponent: 1.0)
        pages = ZipfTable(count: Vocabulary.pages.count, exponent: 1.0)
        idKey = mix64(planner.key ^ 0x1D5)
        lastMs = planner.layout.startMs
    }

    /// The number of people generated (see `GeneratorConfig.effectiveUsers`).
    package var users: Int { planner.users }

    /// Appends the next line (with its trailing newline); false once all lines are out.
    package mutating func next(into buffer: inout [UInt8]) -> Bool {
        guard emitted < config.events else { return false }
        while true {
            let pendingTime = pendingIndex < pending.count ? pending[pendingIndex].start : .max
            let openTime = open.topTime
            let time = min(pendingTime, openTime)
            if plannedDays < config.days && time >= planner.dayStart(plannedDays) {
                planNextDay()
                continue
            }
            if time == .max {
                // Only reachable if the budget could not be placed; keep the promise of exactly N.
                topUp()
                continue
            }
            if pendingTime <= openTime {
                openPending()
                continue
            }
            emitTop(into: &buffer)
            return true
        }
    }

    /// Appends whole lines until the buffer holds at least `targetBytes` or the workload ends.
    /// Returns the number of lines appended (0 when done).
    package mutating func nextChunk(into buffer: inout [UInt8], targetBytes: Int = 1 << 20) -> Int {
        buffer.reserveCapacity(targetBytes + 4096)
        var lines = 0
        while buffer.count < targetBytes, next(into: &buffer) { lines += 1 }
        return lines
    }

    /// The whole workload in memory; for tests and small demos.
    package static func generateAll(_ config: GeneratorConfig) throws(UpliftError) -> [UInt8] {
        var generator = try EventGenerator(config)
        var out: [UInt8] = []
        out.reserveCapacity(config.events * 400)
        while generator.next(into: &out) {}
        return out
    }

    private mutating func planNextDay() {
        // Sessions planned earlier but starting later (rare spill past midnight) are kept.
        var sessions = Array(pending[pendingIndex...])
        planner.plan(day: plannedDays, into: &sessions)
        sessions.sort { $0.start < $1.start || ($0.start == $1.start && $0.user < $1.user) }
        pending = sessions
        pendingIndex = 0
        plannedDays += 1
    }

    private mutating func openPending() {
        let planned = pending[pendingIndex]
        pendingIndex += 1
        open.push(
            OpenSession(
                profile: planner.profile(Int(planned.user)), kind: planned.kind, step: 0,
                length: planned.length, nextMs: planned.start, rng: SplitMix64(seed: planned.seed)
            ))
    }

    private mutating func topUp() {
        let missing = config.events - emitted
        pending = [
            PlannedSession(
                start: lastMs + 1_000, user: 0, kind: .ordinary, length: Int32(clamping: missing),
                seed: mix64(lastMs.magnitude)
            )
        ]
        pendingIndex = 0
    }

    private mutating func emitTop(into buffer: inout [UInt8]) {
        let v = mix64(UInt64(emitted) ^ idKey)
        // `v` is unique per line; the UUID's version nibble overwrites bits 12...15 of the high
        // half, so those bits are kept in the low half's last nibble.
        let lo = (mix64(v ^ 0x7C0F_FEE) & ~0xF) | ((v >> 12) & 0xF)
        // OpenSession holds no references, so copying it out and back is a plain memcpy.
        var session = open.top
        let draft = makeDraft(&session, hi: v, lo: lo)
        open.replaceTop(session)
        lastMs = draft.trueMs
        encoder.encode(draft, user: session.profile, into: &buffer)
        emitted += 1
    }

    /// `Truth.npsResponseRate` in 16-bit fixed point.
    private static let npsThreshold = UInt64(Truth.npsResponseRate * 65_536)

    /// Decides the next line of a session and advances it.
    private func makeDraft(_ s: inout OpenSession, hi: UInt64, lo: UInt64) -> Draft {
        let p = s.profile
        let lexicon = encoder.lexicon
        let time = s.nextMs
        let step = Int(s.step)
        let shape: Shape
        switch s.kind {
        case .firstVisit:
            if step < p.anonymousCount {
                shape = .page(
                    step == 0
                        ? Vocabulary.landingPages[s.rng.below(Vocabulary.landingPages.count)]
                        : pages.sample(s.rng.next()))
            } else {
                let link = step - p.anonymousCount
                if p.sendsAlias && link == 0 {
                    shape = .alias
                } else if link == (p.sendsAlias ? 1 : 0) {
                    shape = .identify
                } else {
                    shape = .track(name: lexicon.signupName, fragment: lexicon.signupFragment, numberKey: -1, number: 0)
                }
            }
            s.nextMs += p.gapMs
        case .activation:
            switch step {
            case 0: shape = .page(2)
            case 1:
                shape = .track(
                    name: lexicon.activationName, fragment: lexicon.activationFragment, numberKey: -1, number: 0)
            default:
                shape = .track(
                    name: lexicon.exposureName,
                    fragment: p.treatment ? lexicon.exposureTreatment : lexicon.exposureControl,
                    numberKey: -1, number: 0)
            }
            s.nextMs += p.gapMs
        case .purchase:
            switch step {
            case 0: shape = .page(6)
            case 1:
                shape = .track(
                    name: lexicon.checkoutName, fragment: lexicon.checkoutFragments[p.paidPlan - 1], numberKey: -1,
                    number: 0)
            case 2:
                let fragment = lexicon.purchaseFragments[(p.paidPlan - 1) * 2 + (p.yearly ? 1 : 0)]
                shape = .track(name: lexicon.purchaseName, fragment: fragment, numberKey: -1, number: 0)
            default:
                // Only sessions of people who answer CSAT have a fourth step (`purchaseSessionLength`).
                let score = FeedbackDraw.csatScore(treatment: p.treatment, rng: &s.rng)
                let fragment = FeedbackDraw.fragment(
                    score: score, scale: Truth.csatScale, first: lexicon.csatFragments,
                    bands: Truth.csatCommentBands, rng: &s.rng)
                shape = .track(
                    name: lexicon.feedbackName, fragment: fragment, numberKey: lexicon.feedbackScoreKey, number: score)
            }
            s.nextMs += p.gapMs
        case .ordinary:
            let r = s.rng.next()
            if step == 1 && p.adopter {
                // Adopters use feature X in every session with a second event, so adoption is
                // measurable: see `Truth.featureXAdoption`.
                let ref = lexicon.tracks[Vocabulary.featureXIndex]
                shape = .track(
                    name: ref.name, fragment: ref.variants[0], numberKey: ref.numberKey,
                    number: s.rng.below(ref.numberBound))
            } else if step == 2 && p.adopter && config.feedback && r & 0xFFFF < Self.npsThreshold {
                // Right after using feature X, sometimes the NPS prompt (the low bits of `r` are
                // unused by the other branches, so the decision is independent of them).
                let layout = planner.layout
                let progress = Double(time - layout.startMs) / Double(layout.spanMs)
                let score = FeedbackDraw.npsScore(progress: progress, rng: &s.rng)
                let fragment = FeedbackDraw.fragment(
                    score: score, scale: Truth.npsScale, first: lexicon.npsFragments,
                    bands: Truth.npsCommentBands, rng: &s.rng)
                shape = .track(
                    name: lexicon.feedbackName, fragment: fragment, numberKey: lexicon.feedbackScoreKey, number: score)
            } else if step == 0 || r >> 60 < 6 {  // 6/16 of later events are page views
                shape = .page(pages.sample(r << 4))
            } else {
                var index = tracks.sample(r << 4)
                if index == Vocabulary.featureXIndex && !p.adopter { index = 0 }
                let ref = lexicon.tracks[index]
                let variant = ref.variants.count == 1 ? ref.variants[0] : ref.variants[s.rng.below(ref.variants.count)]
                let number = ref.numberBound > 0 ? s.rng.below(ref.numberBound) : 0
                shape = .track(name: ref.name, fragment: variant, numberKey: ref.numberKey, number: number)
            }
            s.nextMs += 2_000 + Int64(s.rng.below(58_000))
        }
        s.step += 1
        let mobile = p.platform != 0
        let delay = mobile ? 200 + Int64(s.rng.below(30_000)) : 20 + Int64(s.rng.below(800))
        return Draft(
            shape: shape, trueMs: time, sentDelayMs: delay, latencyMs: 15 + Int64(s.rng.below(250)),
            idHi: hi, idLo: lo, identified: time >= p.identifyMs, paid: time >= p.purchaseMs
        )
    }
}

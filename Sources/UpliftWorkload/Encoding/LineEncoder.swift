/// What one generated line says, before it is rendered in a dialect.
package enum Shape: Sendable {
    /// A page view (web) or screen view (mobile) of `Vocabulary.pages[page]`.
    case page(Int)
    /// A track event: `Lexicon.names[name]` with `fragments[fragment]` and, when `numberKey`
    /// is not -1, `fragments[numberKey]` followed by `number`.
    case track(name: Int, fragment: Int, numberKey: Int, number: Int)
    case identify
    case alias
}

/// One line to render: the shape, the person, and the three clocks.
package struct Draft {
    package var shape: Shape
    /// True time of the event; the client stamps it with its (maybe skewed) clock.
    package var trueMs: Int64
    package var sentDelayMs: Int64
    package var latencyMs: Int64
    package var idHi: UInt64
    package var idLo: UInt64
    package var identified: Bool
    package var paid: Bool
}

/// Renders drafts as Segment messages or PostHog events, appending bytes to a buffer.
package struct LineEncoder: Sendable {
    package let lexicon: Lexicon
    private var clock = TimestampFormatter()
    /// Room for the longest line (at most ~16 lexicon pieces plus ids, numbers and times),
    /// kept across lines: a temporary allocation this large would hit malloc every line.
    private var scratch: [UInt8]
    private let idKey: UInt64

    package init(lexicon: Lexicon, key: UInt64) {
        self.lexicon = lexicon
        self.idKey = mix64(key ^ 0xA11C_E5ED)
        self.scratch = [UInt8](repeating: 0, count: 16 * lexicon.longestPiece + 512)
    }

    /// Appends one NDJSON line (with its newline) for `draft` by `user`.
    package mutating func encode(_ draft: Draft, user: UserProfile, into out: inout [UInt8]) {
        var scratch = self.scratch
        self.scratch = []  // keeps `scratch` uniquely referenced, so no copy on write below
        defer { self.scratch = scratch }
        lexicon.arena.withUnsafeBufferPointer { arena in
            scratch.withUnsafeMutableBufferPointer { scratch in
                guard let base = scratch.baseAddress, let arenaBase = arena.baseAddress else { return }
                var c = Cursor(base, arena: arenaBase)
                if user.posthog {
                    encodePostHog(draft, user: user, into: &c)
                } else {
                    encodeSegment(draft, user: user, into: &c)
                }
                c.byte(10)
                out.append(contentsOf: UnsafeBufferPointer(start: base, count: c.position - base))
            }
        }
    }

    @inline(__always)
    private func appendAnonymousID(_ user: UserProfile, _ c: inout Cursor) {
        c.span(lexicon.anonPrefix)
        c.hex(mix64(UInt64(user.index) ^ idKey), digits: 16)
        c.byte(34)
    }

    @inline(__always)
    private func appendUserID(_ user: UserProfile, _ c: inout Cursor) {
        c.span(lexicon.userPrefix)
        c.decimal(user.index + 1)
        c.byte(34)
    }

    /// The event's own properties, each followed by a comma (the common ones come last).
    @inline(__always)
    private func appendTrackProperties(_ shape: Shape, _ c: inout Cursor) {
        guard case let .track(_, fragment, numberKey, number) = shape else { return }
        if fragment >= 0 {
            c.span(lexicon.fragments[fragment])
            c.byte(44)
        }
        if numberKey >= 0 {
            c.span(lexicon.fragments[numberKey])
            c.decimal(number)
            c.byte(44)
        }
    }

    private mutating func encodeSegment(_ d: Draft, user: UserProfile, into c: inout Cursor) {
        let mobile = user.platform != 0
        let slot = user.platform * Vocabulary.countryCodes.count + user.country
        switch d.shape {
        case .page: c.span(mobile ? lexicon.segScreen : lexicon.segPage)
        case .track: c.span(lexicon.segTrack)
        case .identify: c.span(lexicon.segIdentify)
        case .alias: c.span(lexicon.segAlias)
        }
        c.uuid(hi: d.idHi, lo: d.idLo)
        if case .alias = d.shape {
            c.span(lexicon.segPreviousID)
            appendAnonymousID(user, &c)
        } else {
            c.span(lexicon.segAnonymousID)
            appendAnonymousID(user, &c)
        }
        if d.identified {
            c.span(lexicon.segUserID)
            appendUserID(user, &c)
        }
        switch d.shape {
        case let .track(name, _, _, _):
            c.span(lexicon.segEvent)
            c.span(lexicon.names[name])
            c.byte(34)
        case let .page(page):
            c.span(lexicon.segName)
            c.span(lexicon.pageTitles[page])
            c.byte(34)
        default: break
        }
        let clientMs = d.trueMs + user.skewMs
        c.span(lexicon.segTimestamp)
        clock.write(clientMs, to: &c)
        c.span(lexicon.segSentAt)
        clock.write(clientMs + d.sentDelayMs, to: &c)
        c.span(lexicon.segReceivedAt)
        clock.write(d.trueMs + d.sentDelayMs + d.latencyMs, to: &c)
        switch d.shape {
        case .alias: break
        case .identify:
            c.span(lexicon.segTraits)
            c.span(lexicon.plan[d.paid ? user.paidPlan : 0])
            c.span(lexicon.common[slot])
            c.byte(125)
        case let .page(page):
            c.span(lexicon.segProperties)
            // The path only (no url): keeps lines near 400 bytes; the host is the same for all.
            if !mobile { c.span(lexicon.pagePath[page]) }
            if d.identified { c.span(lexicon.plan[d.paid ? user.paidPlan : 0]) }
            c.span(lexicon.common[slot])
            c.byte(125)
        case .track:
            c.span(lexicon.segProperties)
            appendTrackProperties(d.shape, &c)
            if d.identified { c.span(lexicon.plan[d.paid ? user.paidPlan : 0]) }
            c.span(lexicon.common[slot])
            c.byte(125)
        }
        c.span(lexicon.segContext[slot])
    }

    private mutating func encodePostHog(_ d: Draft, user: UserProfile, into c: inout Cursor) {
        let mobile = user.platform != 0
        let slot = user.platform * Vocabulary.countryCodes.count + user.country
        c.span(lexicon.phEvent)
        switch d.shape {
        case .page: c.span(mobile ? lexicon.phScreenName : lexicon.phPageviewName)
        case let .track(name, _, _, _): c.span(lexicon.names[name])
        case .identify: c.span(lexicon.phIdentifyName)
        case .alias: c.span(lexicon.phAliasName)
        }
        c.span(lexicon.phUUID)
        c.uuid(hi: d.idHi, lo: d.idLo)
        c.span(lexicon.phDistinctID)
        if d.identified { appendUserID(user, &c) } else { appendAnonymousID(user, &c) }
        let clientMs = d.trueMs + user.skewMs
        c.span(lexicon.phTimestamp)
        clock.write(clientMs, to: &c)
        c.span(lexicon.phSentAt)
        clock.write(clientMs + d.sentDelayMs, to: &c)
        c.span(lexicon.phProperties)
        switch d.shape {
        case let .page(page):
            c.span(mobile ? lexicon.phScreenProps[page] : lexicon.phPageProps[page])
        case .track: appendTrackProperties(d.shape, &c)
        case .identify:
            c.span(lexicon.phAnonDistinctID)
            appendAnonymousID(user, &c)
            c.byte(44)
        case .alias:
            c.span(lexicon.phAlias)
            appendAnonymousID(user, &c)
            c.byte(44)
        }
        if d.identified { c.span(lexicon.plan[d.paid ? user.paidPlan : 0]) }
        c.span(lexicon.common[slot])
        c.span(lexicon.phLib[slot])
        c.byte(125)
        if case .identify = d.shape {
            c.span(lexicon.phSet)
            c.span(lexicon.plan[d.paid ? user.paidPlan : 0])
            c.span(lexicon.common[slot])
            c.byte(125)
        }
        c.byte(125)
    }
}

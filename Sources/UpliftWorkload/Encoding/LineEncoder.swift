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
    private var writer = ByteWriter()
    private let idKey: UInt64

    package init(lexicon: Lexicon, key: UInt64) {
        self.lexicon = lexicon
        self.idKey = mix64(key ^ 0xA11C_E5ED)
    }

    private typealias B = [UInt8]

    /// Appends one NDJSON line (with its newline) for `draft` by `user`.
    package mutating func encode(_ draft: Draft, user: UserProfile, into out: inout [UInt8]) {
        if user.posthog {
            encodePostHog(draft, user: user, into: &out)
        } else {
            encodeSegment(draft, user: user, into: &out)
        }
        out.append(10)
    }

    @inline(__always)
    private func appendAnonymousID(_ user: UserProfile, _ out: inout [UInt8]) {
        out.append(contentsOf: lexicon.anonPrefix)
        ByteWriter.appendHex(mix64(UInt64(user.index) ^ idKey), digits: 16, to: &out)
        out.append(34)
    }

    @inline(__always)
    private func appendUserID(_ user: UserProfile, _ out: inout [UInt8]) {
        out.append(contentsOf: lexicon.userPrefix)
        ByteWriter.appendDecimal(user.index + 1, to: &out)
        out.append(34)
    }

    /// The event's own properties, each followed by a comma (the common ones come last).
    @inline(__always)
    private func appendTrackProperties(_ shape: Shape, _ out: inout [UInt8]) {
        guard case let .track(_, fragment, numberKey, number) = shape else { return }
        if fragment >= 0 {
            out.append(contentsOf: lexicon.fragments[fragment])
            out.append(44)
        }
        if numberKey >= 0 {
            out.append(contentsOf: lexicon.fragments[numberKey])
            ByteWriter.appendDecimal(number, to: &out)
            out.append(44)
        }
    }

    private mutating func encodeSegment(_ d: Draft, user: UserProfile, into out: inout [UInt8]) {
        let mobile = user.platform != 0
        let slot = user.platform * Vocabulary.countryCodes.count + user.country
        switch d.shape {
        case .page: out.append(contentsOf: mobile ? lexicon.segScreen : lexicon.segPage)
        case .track: out.append(contentsOf: lexicon.segTrack)
        case .identify: out.append(contentsOf: lexicon.segIdentify)
        case .alias: out.append(contentsOf: lexicon.segAlias)
        }
        ByteWriter.appendUUID(hi: d.idHi, lo: d.idLo, to: &out)
        if case .alias = d.shape {
            out.append(contentsOf: lexicon.segPreviousID)
            appendAnonymousID(user, &out)
        } else {
            out.append(contentsOf: lexicon.segAnonymousID)
            appendAnonymousID(user, &out)
        }
        if d.identified {
            out.append(contentsOf: lexicon.segUserID)
            appendUserID(user, &out)
        }
        switch d.shape {
        case let .track(name, _, _, _):
            out.append(contentsOf: lexicon.segEvent)
            out.append(contentsOf: lexicon.names[name])
            out.append(34)
        case let .page(page):
            out.append(contentsOf: lexicon.segName)
            out.append(contentsOf: lexicon.pageTitles[page])
            out.append(34)
        default: break
        }
        let clientMs = d.trueMs + user.skewMs
        out.append(contentsOf: lexicon.segTimestamp)
        writer.appendTimestamp(clientMs, to: &out)
        out.append(contentsOf: lexicon.segSentAt)
        writer.appendTimestamp(clientMs + d.sentDelayMs, to: &out)
        out.append(contentsOf: lexicon.segReceivedAt)
        writer.appendTimestamp(d.trueMs + d.sentDelayMs + d.latencyMs, to: &out)
        switch d.shape {
        case .alias: break
        case .identify:
            out.append(contentsOf: lexicon.segTraits)
            out.append(contentsOf: lexicon.plan[d.paid ? user.paidPlan : 0])
            out.append(contentsOf: lexicon.common[slot])
            out.append(125)
        case let .page(page):
            out.append(contentsOf: lexicon.segProperties)
            // The path only (no url): keeps lines near 400 bytes; the host is the same for all.
            if !mobile { out.append(contentsOf: lexicon.pagePath[page]) }
            if d.identified { out.append(contentsOf: lexicon.plan[d.paid ? user.paidPlan : 0]) }
            out.append(contentsOf: lexicon.common[slot])
            out.append(125)
        case .track:
            out.append(contentsOf: lexicon.segProperties)
            appendTrackProperties(d.shape, &out)
            if d.identified { out.append(contentsOf: lexicon.plan[d.paid ? user.paidPlan : 0]) }
            out.append(contentsOf: lexicon.common[slot])
            out.append(125)
        }
        out.append(contentsOf: lexicon.segContext[slot])
    }

    private mutating func encodePostHog(_ d: Draft, user: UserProfile, into out: inout [UInt8]) {
        let mobile = user.platform != 0
        let slot = user.platform * Vocabulary.countryCodes.count + user.country
        out.append(contentsOf: lexicon.phEvent)
        switch d.shape {
        case .page: out.append(contentsOf: mobile ? lexicon.phScreenName : lexicon.phPageviewName)
        case let .track(name, _, _, _): out.append(contentsOf: lexicon.names[name])
        case .identify: out.append(contentsOf: lexicon.phIdentifyName)
        case .alias: out.append(contentsOf: lexicon.phAliasName)
        }
        out.append(contentsOf: lexicon.phUUID)
        ByteWriter.appendUUID(hi: d.idHi, lo: d.idLo, to: &out)
        out.append(contentsOf: lexicon.phDistinctID)
        if d.identified { appendUserID(user, &out) } else { appendAnonymousID(user, &out) }
        let clientMs = d.trueMs + user.skewMs
        out.append(contentsOf: lexicon.phTimestamp)
        writer.appendTimestamp(clientMs, to: &out)
        out.append(contentsOf: lexicon.phSentAt)
        writer.appendTimestamp(clientMs + d.sentDelayMs, to: &out)
        out.append(contentsOf: lexicon.phProperties)
        switch d.shape {
        case let .page(page):
            out.append(contentsOf: mobile ? lexicon.phScreenProps[page] : lexicon.phPageProps[page])
        case .track: appendTrackProperties(d.shape, &out)
        case .identify:
            out.append(contentsOf: lexicon.phAnonDistinctID)
            appendAnonymousID(user, &out)
            out.append(44)
        case .alias:
            out.append(contentsOf: lexicon.phAlias)
            appendAnonymousID(user, &out)
            out.append(44)
        }
        if d.identified { out.append(contentsOf: lexicon.plan[d.paid ? user.paidPlan : 0]) }
        out.append(contentsOf: lexicon.common[slot])
        out.append(contentsOf: lexicon.phLib[slot])
        out.append(125)
        if case .identify = d.shape {
            out.append(contentsOf: lexicon.phSet)
            out.append(contentsOf: lexicon.plan[d.paid ? user.paidPlan : 0])
            out.append(contentsOf: lexicon.common[slot])
            out.append(125)
        }
        out.append(125)
    }
}

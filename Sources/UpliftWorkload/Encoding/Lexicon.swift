import UpliftModel

/// A run of bytes inside `Lexicon.arena`.
package struct Span: Sendable {
    package var start: Int
    package var count: Int
}

/// Every constant piece of a generated line, rendered once per generator into one byte arena,
/// so the encoder copies from a single buffer without touching reference counts.
package struct Lexicon: Sendable {
    package private(set) var arena: [UInt8] = []

    /// Where a track spec's bytes live in `names` / `fragments`.
    package struct TrackRef: Sendable {
        package let name: Int
        package let variants: [Int]
        package let numberKey: Int
        package let numberBound: Int
    }

    package private(set) var names: [Span] = []
    package private(set) var fragments: [Span] = []
    package private(set) var tracks: [TrackRef] = []

    // Funnel and experiment events.
    package private(set) var signupName = 0, signupFragment = 0
    package private(set) var activationName = 0, activationFragment = 0
    package private(set) var exposureName = 0, exposureControl = 0, exposureTreatment = 0
    package private(set) var checkoutName = 0, checkoutFragments: [Int] = []
    /// Indexed by (paidPlan - 1) * 2 + (yearly ? 1 : 0).
    package private(set) var purchaseName = 0, purchaseFragments: [Int] = []
    // Feedback answers: `"score":` is the number key; from a survey's first fragment on, the
    // constant members without a comment, then with comment i of the survey's list at 1 + i.
    // Plain indices rather than arrays: every array here costs a retain per generated line.
    package private(set) var feedbackName = 0, feedbackScoreKey = 0
    package private(set) var npsFragments = 0, csatFragments = 0

    package private(set) var anonPrefix = Span(start: 0, count: 0)
    package private(set) var userPrefix = Span(start: 0, count: 0)
    package private(set) var segPage = Span(start: 0, count: 0)
    package private(set) var segScreen = Span(start: 0, count: 0)
    package private(set) var segTrack = Span(start: 0, count: 0)
    package private(set) var segIdentify = Span(start: 0, count: 0)
    package private(set) var segAlias = Span(start: 0, count: 0)
    package private(set) var segPreviousID = Span(start: 0, count: 0)
    package private(set) var segAnonymousID = Span(start: 0, count: 0)
    package private(set) var segUserID = Span(start: 0, count: 0)
    package private(set) var segEvent = Span(start: 0, count: 0)
    package private(set) var segName = Span(start: 0, count: 0)
    package private(set) var segTimestamp = Span(start: 0, count: 0)
    package private(set) var segSentAt = Span(start: 0, count: 0)
    package private(set) var segReceivedAt = Span(start: 0, count: 0)
    package private(set) var segTraits = Span(start: 0, count: 0)
    package private(set) var segProperties = Span(start: 0, count: 0)
    package private(set) var phEvent = Span(start: 0, count: 0)
    package private(set) var phUUID = Span(start: 0, count: 0)
    package private(set) var phDistinctID = Span(start: 0, count: 0)
    package private(set) var phPageviewName = Span(start: 0, count: 0)
    package private(set) var phScreenName = Span(start: 0, count: 0)
    package private(set) var phIdentifyName = Span(start: 0, count: 0)
    package private(set) var phAliasName = Span(start: 0, count: 0)
    package private(set) var phTimestamp = Span(start: 0, count: 0)
    package private(set) var phSentAt = Span(start: 0, count: 0)
    package private(set) var phProperties = Span(start: 0, count: 0)
    package private(set) var phAnonDistinctID = Span(start: 0, count: 0)
    package private(set) var phAlias = Span(start: 0, count: 0)
    package private(set) var phSet = Span(start: 0, count: 0)

    package private(set) var plan: [Span] = []
    package private(set) var pageTitles: [Span] = []
    package private(set) var pagePath: [Span] = []
    package private(set) var phPageProps: [Span] = []
    package private(set) var phScreenProps: [Span] = []
    /// Indexed by platform * countries + country.
    package private(set) var common: [Span] = []
    package private(set) var segContext: [Span] = []
    package private(set) var phLib: [Span] = []

    package init() {
        anonPrefix = add("\"anon-")
        userPrefix = add("\"user-")
        segPage = add("{\"type\":\"page\",\"messageId\":")
        segScreen = add("{\"type\":\"screen\",\"messageId\":")
        segTrack = add("{\"type\":\"track\",\"messageId\":")
        segIdentify = add("{\"type\":\"identify\",\"messageId\":")
        segAlias = add("{\"type\":\"alias\",\"messageId\":")
        segPreviousID = add(",\"previousId\":")
        segAnonymousID = add(",\"anonymousId\":")
        segUserID = add(",\"userId\":")
        segEvent = add(",\"event\":\"")
        segName = add(",\"name\":\"")
        segTimestamp = add(",\"timestamp\":")
        segSentAt = add(",\"sentAt\":")
        segReceivedAt = add(",\"receivedAt\":")
        segTraits = add(",\"traits\":{")
        segProperties = add(",\"properties\":{")
        phEvent = add("{\"event\":\"")
        phUUID = add("\",\"uuid\":")
        phDistinctID = add(",\"distinct_id\":")
        phPageviewName = add("$pageview")
        phScreenName = add("$screen")
        phIdentifyName = add("$identify")
        phAliasName = add("$create_alias")
        phTimestamp = add(",\"timestamp\":")
        phSentAt = add(",\"sent_at\":")
        phProperties = add(",\"properties\":{")
        phAnonDistinctID = add("\"$anon_distinct_id\":")
        phAlias = add("\"alias\":")
        phSet = add(",\"$set\":{")
        plan = (Truth.plans.map { "\"plan\":\"\($0)\"," }).map { add($0) }
        pageTitles = (Vocabulary.pages.map { $0.title }).map { add($0) }
        pagePath = (Vocabulary.pages.map { "\"path\":\"\($0.path)\"," }).map { add($0) }
        phPageProps =
            (Vocabulary.pages.map {
                "\"$current_url\":\"https://app.example.com\($0.path)\",\"$pathname\":\"\($0.path)\",\"path\":\"\($0.path)\","
            }).map { add($0) }
        phScreenProps = (Vocabulary.pages.map { "\"$screen_name\":\"\($0.title)\"," }).map { add($0) }
        let segLibs = [("analytics.js", "4.1.0"), ("analytics-ios", "4.1.8"), ("analytics-android", "4.11.3")]
        let phLibs = [
            ("web", "1.200.0", "Mac OS X"), ("posthog-ios", "3.15.0", "iOS"), ("posthog-android", "3.9.0", "Android"),
        ]
        for (p, platform) in Vocabulary.platforms.enumerated() {
            for (c, country) in Vocabulary.countryCodes.enumerated() {
                let locale = Vocabulary.locales[c]
                common.append(add("\"country\":\"\(country)\",\"platform\":\"\(platform)\""))
                let (lib, version) = segLibs[p]
                segContext.append(
                    add(
                        ",\"context\":{\"library\":{\"name\":\"\(lib)\",\"version\":\"\(version)\"},\"locale\":\"\(locale)\"}}"
                    ))
                let (phName, phVersion, os) = phLibs[p]
                let libName = phName == "web" ? "posthog-js" : phName
                let language = p == 0 ? "$browser_language" : "$locale"
                phLib.append(
                    add(
                        ",\"$lib\":\"\(libName)\",\"$lib_version\":\"\(phVersion)\",\"$os\":\"\(os)\",\"\(language)\":\"\(locale)\""
                    ))
            }
        }

        for spec in Vocabulary.trackSpecs {
            let name = addName(String(decoding: spec.name, as: UTF8.self))
            let variants = spec.variants.map { $0.isEmpty ? -1 : addFragment(String(decoding: $0, as: UTF8.self)) }
            let key = spec.numberKey.isEmpty ? -1 : addFragment(String(decoding: spec.numberKey, as: UTF8.self))
            tracks.append(TrackRef(name: name, variants: variants, numberKey: key, numberBound: spec.numberBound))
        }
        signupName = addName(Truth.signupEvent)
        signupFragment = addFragment(("\"method\":\"email\""))
        activationName = addName(Truth.activationEvent)
        activationFragment = addFragment(("\"steps_completed\":4"))
        exposureName = addName(Truth.exposureEvent)
        exposureControl = addFragment(
            ("\"experiment_id\":\"\(Truth.experimentKey)\",\"variation_id\":\"\(Truth.controlVariant)\""))
        exposureTreatment = addFragment(
            ("\"experiment_id\":\"\(Truth.experimentKey)\",\"variation_id\":\"\(Truth.treatmentVariant)\""))
        checkoutName = addName(Truth.checkoutEvent)
        checkoutFragments = [1, 2].map { addFragment(("\"plan_selected\":\"\(Truth.plans[$0])\"")) }
        purchaseName = addName(Truth.purchaseEvent)
        for plan in [1, 2] {
            for yearly in [false, true] {
                let amount = Truth.price(plan: plan, yearly: yearly)
                purchaseFragments.append(
                    addFragment(
                        ("\"amount\":\(amount),\"currency\":\"USD\",\"plan_purchased\":\"\(Truth.plans[plan])\",\"billing\":\"\(yearly ? "yearly" : "monthly")\"")
                    ))
            }
        }
        feedbackName = addName(Truth.feedbackEvent)
        feedbackScoreKey = addFragment("\"score\":")
        npsFragments = addFeedbackFragments(
            feature: Truth.npsFeature, survey: Truth.npsSurvey, scale: Truth.npsScale, comments: Truth.npsComments)
        csatFragments = addFeedbackFragments(
            feature: Truth.csatFeature, survey: Truth.csatSurvey, scale: Truth.csatScale, comments: Truth.csatComments)
    }

    /// Adds a survey's fragments in a row and returns the first one's index.
    private mutating func addFeedbackFragments(feature: String, survey: String, scale: Int, comments: [String]) -> Int {
        let members = "\"feature\":\"\(feature)\",\"survey\":\"\(survey)\",\"scale\":\(scale)"
        let first = addFragment(members)
        for comment in comments { _ = addFragment(members + ",\"comment\":" + JSONValue.string(comment).compactText) }
        return first
    }

    private mutating func add(_ text: String) -> Span {
        let span = Span(start: arena.count, count: text.utf8.count)
        arena.append(contentsOf: text.utf8)
        longestPiece = max(longestPiece, span.count)
        return span
    }

    private mutating func addName(_ text: String) -> Int {
        names.append(add(text))
        return names.count - 1
    }

    private mutating func addFragment(_ text: String) -> Int {
        fragments.append(add(text))
        return fragments.count - 1
    }

    /// The longest single piece, which bounds a line's length (see `LineEncoder.scratchBytes`).
    package private(set) var longestPiece = 0
}

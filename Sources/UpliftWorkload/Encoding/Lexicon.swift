/// Every constant piece of a generated line, rendered to bytes once per generator.
package struct Lexicon: Sendable {
    /// Where a track spec's bytes live in `names` / `fragments`.
    package struct TrackRef: Sendable {
        package let name: Int
        package let variants: [Int]
        package let numberKey: Int
        package let numberBound: Int
    }

    package private(set) var names: [[UInt8]] = []
    package private(set) var fragments: [[UInt8]] = []
    package private(set) var tracks: [TrackRef] = []

    // Funnel and experiment events.
    package private(set) var signupName = 0, signupFragment = 0
    package private(set) var activationName = 0, activationFragment = 0
    package private(set) var exposureName = 0, exposureControl = 0, exposureTreatment = 0
    package private(set) var checkoutName = 0, checkoutFragments: [Int] = []
    /// Indexed by (paidPlan - 1) * 2 + (yearly ? 1 : 0).
    package private(set) var purchaseName = 0, purchaseFragments: [Int] = []

    let anonPrefix = b("\"anon-"), userPrefix = b("\"user-")
    let segPage = b("{\"type\":\"page\",\"messageId\":"), segScreen = b("{\"type\":\"screen\",\"messageId\":")
    let segTrack = b("{\"type\":\"track\",\"messageId\":")
    let segIdentify = b("{\"type\":\"identify\",\"messageId\":")
    let segAlias = b("{\"type\":\"alias\",\"messageId\":")
    let segPreviousID = b(",\"previousId\":"), segAnonymousID = b(",\"anonymousId\":")
    let segUserID = b(",\"userId\":"), segEvent = b(",\"event\":\""), segName = b(",\"name\":\"")
    let segTimestamp = b(",\"timestamp\":"), segSentAt = b(",\"sentAt\":"), segReceivedAt = b(",\"receivedAt\":")
    let segTraits = b(",\"traits\":{"), segProperties = b(",\"properties\":{")
    let phEvent = b("{\"event\":\""), phUUID = b("\",\"uuid\":"), phDistinctID = b(",\"distinct_id\":")
    let phPageviewName = b("$pageview"), phScreenName = b("$screen")
    let phIdentifyName = b("$identify"), phAliasName = b("$create_alias")
    let phTimestamp = b(",\"timestamp\":"), phSentAt = b(",\"sent_at\":"), phProperties = b(",\"properties\":{")
    let phAnonDistinctID = b("\"$anon_distinct_id\":"), phAlias = b("\"alias\":"), phSet = b(",\"$set\":{")

    let plan: [[UInt8]] = Truth.plans.map { b("\"plan\":\"\($0)\",") }
    let pageTitles: [[UInt8]] = Vocabulary.pages.map { b($0.title) }
    let pagePath: [[UInt8]] = Vocabulary.pages.map { b("\"path\":\"\($0.path)\",") }
    let phPageProps: [[UInt8]] = Vocabulary.pages.map {
        b("\"$current_url\":\"https://app.example.com\($0.path)\",\"$pathname\":\"\($0.path)\",\"path\":\"\($0.path)\",")
    }
    let phScreenProps: [[UInt8]] = Vocabulary.pages.map { b("\"$screen_name\":\"\($0.title)\",") }
    /// Indexed by platform * countries + country.
    let common: [[UInt8]]
    let segContext: [[UInt8]]
    let phLib: [[UInt8]]

    package init() {
        var common: [[UInt8]] = [], segContext: [[UInt8]] = [], phLib: [[UInt8]] = []
        let segLibs = [("analytics.js", "4.1.0"), ("analytics-ios", "4.1.8"), ("analytics-android", "4.11.3")]
        let phLibs = [("web", "1.200.0", "Mac OS X"), ("posthog-ios", "3.15.0", "iOS"), ("posthog-android", "3.9.0", "Android")]
        for (p, platform) in Vocabulary.platforms.enumerated() {
            for (c, country) in Vocabulary.countryCodes.enumerated() {
                let locale = Vocabulary.locales[c]
                common.append(b("\"country\":\"\(country)\",\"platform\":\"\(platform)\""))
                let (lib, version) = segLibs[p]
                segContext.append(b(
                    ",\"context\":{\"library\":{\"name\":\"\(lib)\",\"version\":\"\(version)\"},\"locale\":\"\(locale)\"}}"
                ))
                let (phName, phVersion, os) = phLibs[p]
                let libName = phName == "web" ? "posthog-js" : phName
                let language = p == 0 ? "$browser_language" : "$locale"
                phLib.append(b(
                    ",\"$lib\":\"\(libName)\",\"$lib_version\":\"\(phVersion)\",\"$os\":\"\(os)\",\"\(language)\":\"\(locale)\""
                ))
            }
        }
        self.common = common
        self.segContext = segContext
        self.phLib = phLib

        for spec in Vocabulary.trackSpecs {
            let name = addName(spec.name)
            let variants = spec.variants.map { $0.isEmpty ? -1 : addFragment($0) }
            let key = spec.numberKey.isEmpty ? -1 : addFragment(spec.numberKey)
            tracks.append(TrackRef(name: name, variants: variants, numberKey: key, numberBound: spec.numberBound))
        }
        signupName = addName(b(Truth.signupEvent))
        signupFragment = addFragment(b("\"method\":\"email\""))
        activationName = addName(b(Truth.activationEvent))
        activationFragment = addFragment(b("\"steps_completed\":4"))
        exposureName = addName(b(Truth.exposureEvent))
        exposureControl = addFragment(b(
            "\"experiment_id\":\"\(Truth.experimentKey)\",\"variation_id\":\"\(Truth.controlVariant)\""
        ))
        exposureTreatment = addFragment(b(
            "\"experiment_id\":\"\(Truth.experimentKey)\",\"variation_id\":\"\(Truth.treatmentVariant)\""
        ))
        checkoutName = addName(b(Truth.checkoutEvent))
        checkoutFragments = [1, 2].map { addFragment(b("\"plan_selected\":\"\(Truth.plans[$0])\"")) }
        purchaseName = addName(b(Truth.purchaseEvent))
        for plan in [1, 2] {
            for yearly in [false, true] {
                let amount = Truth.price(plan: plan, yearly: yearly)
                purchaseFragments.append(addFragment(b(
                    "\"amount\":\(amount),\"currency\":\"USD\",\"plan_purchased\":\"\(Truth.plans[plan])\",\"billing\":\"\(yearly ? "yearly" : "monthly")\""
                )))
            }
        }
    }

    private mutating func addName(_ bytes: [UInt8]) -> Int {
        names.append(bytes)
        return names.count - 1
    }

    private mutating func addFragment(_ bytes: [UInt8]) -> Int {
        fragments.append(bytes)
        return fragments.count - 1
    }
}

private func b(_ text: String) -> [UInt8] { Array(text.utf8) }

import Testing
import UpliftAnalysis
import UpliftExperiments
import UpliftModel

struct DefinitionParsingTests {
    /// The issue's example, exactly as written there.
    static let issueExample = """
        key: checkout-v2
        hypothesis: The one-page checkout raises purchases.
        variants:
          - key: control
            weight: 0.5
          - key: treatment
            weight: 0.5
        exposure:
          event: $exposure
        metrics:
          - id: conversion
            kind: proportion
            event: purchase
          - id: revenue
            kind: mean
            event: purchase
            property: amount
        method: frequentist
        """

    /// Every field, every metric kind.
    static let full = """
        key: pricing-page
        hypothesis: Annual-first pricing raises paid conversion.
        owner: growth@example.com
        status: running
        variants:
          - key: control
            weight: 0.34
          - key: annual
            weight: 0.33
          - key: monthly
            weight: 0.33
        start: 2026-03-01
        stop: 2026-03-29T12:00:00Z
        exposure:
          event: $feature_flag_called
          where:
            - property: $feature_flag
              value: pricing-page
            - plan!=enterprise
        metrics:
          - id: paid
            kind: proportion
            event: subscription_started
            where:
              - property: amount
                op: gt
                value: 0
            window: 14d
          - id: revenue-per-session
            kind: ratio
            event: purchase
            property: amount
            denominator:
              event: session_start
          - id: checkout-funnel
            kind: funnel
            steps:
              - event: pricing_viewed
              - event: checkout_started
                where: [ "country=DE|FR" ]
              - purchase
            window: 1d
        guardrails:
          - id: errors
            kind: mean
            event: $exception
            direction: decrease
        method: sequential
        confidence: 0.9
        cuped:
          enabled: true
          pre_exposure_window: 2w
        minimum_detectable_effect: 0.05
        hash_attribute: tenant
        seed: pricing-2026
        multiple_exposures: first
        """

    @Test func issueExampleParses() throws {
        let d = try ExperimentDefinition(yaml: Self.issueExample)
        #expect(d.key == "checkout-v2")
        #expect(d.hypothesis == "The one-page checkout raises purchases.")
        #expect(d.variants == [.init(key: "control", weight: 0.5), .init(key: "treatment", weight: 0.5)])
        #expect(d.exposure == ExperimentDefinition.Exposure(event: "$exposure"))
        #expect(d.exposure.experimentProperty == "experiment" && d.exposure.variantProperty == "variant")
        #expect(d.metrics.count == 2)
        #expect(
            d.metrics[0].id == "conversion" && d.metrics[0].kind == .proportion
                && d.metrics[0].measure.event == "purchase")
        #expect(d.metrics[1].kind == .mean && d.metrics[1].measure.property == PropertyRef("amount"))
        #expect(d.method == .frequentist)
        // Defaults.
        #expect(d.status == .draft && d.confidence == 0.95 && d.hashAttribute == "id" && d.seed == nil)
        #expect(d.cuped == ExperimentDefinition.Cuped() && d.multipleExposures == .exclude && d.guardrails.isEmpty)
    }

    @Test func fullDefinitionParses() throws {
        let d = try ExperimentDefinition(yaml: Self.full)
        #expect(d.owner == "growth@example.com" && d.status == .running && d.variants.count == 3)
        #expect(d.start == Timestamp.parse("2026-03-01T00:00:00Z") && d.stop == Timestamp.parse("2026-03-29T12:00:00Z"))
        #expect(
            d.exposure.experimentProperty == "$feature_flag" && d.exposure.variantProperty == "$feature_flag_response")
        #expect(
            d.exposure.filters == [
                PropertyFilter(property: PropertyRef("$feature_flag"), op: .eq, values: ["pricing-page"]),
                PropertyFilter(property: PropertyRef("plan"), op: .neq, values: ["enterprise"]),
            ])
        #expect(
            d.metrics[0].measure.filters == [PropertyFilter(property: PropertyRef("amount"), op: .gt, values: ["0"])])
        #expect(d.metrics[0].window == TimeLength("14d"))
        #expect(d.metrics[1].denominator == MetricDefinition.EventMeasure(event: "session_start"))
        let funnel = d.metrics[2]
        #expect(
            funnel.kind == .funnel && funnel.steps.map(\.event) == ["pricing_viewed", "checkout_started", "purchase"])
        #expect(
            funnel.steps[1].filters == [
                PropertyFilter(property: PropertyRef("country"), op: .eq, values: ["DE", "FR"])
            ])
        #expect(funnel.measure.event == "pricing_viewed")
        #expect(d.guardrails.first?.direction == .decrease)
        #expect(d.method == .sequential && d.confidence == 0.9 && d.minimumDetectableEffect == 0.05)
        #expect(d.cuped == ExperimentDefinition.Cuped(enabled: true, preExposureWindow: try #require(TimeLength("2w"))))
        #expect(d.hashAttribute == "tenant" && d.seed == "pricing-2026" && d.multipleExposures == .first)
    }

    @Test func shorthandForms() throws {
        let d = try ExperimentDefinition(
            yaml: """
                key: a
                variants: [{key: x}, {key: y}, {key: z}]
                metrics: [{id: m, kind: mean, event: e}]
                cuped: true
                """)
        let third: Double = 1.0 / 3
        #expect(d.variants.map(\.weight) == [third, third, third])
        #expect(d.cuped.enabled && d.cuped.preExposureWindow == TimeLength(days: 14))
        #expect(d.exposure.event == "$exposure")
    }

    @Test func jsonRoundTrip() throws {
        for yaml in [Self.issueExample, Self.full] {
            let d = try ExperimentDefinition(yaml: yaml)
            let again = try ExperimentDefinition(json: d.json)
            #expect(again == d)
            #expect(again.json == d.json)
            // And through text, as the catalog stores it.
            let reparsed = try JSONValue(parsing: Array(d.json.compactText.utf8))
            #expect(try ExperimentDefinition(json: reparsed) == d)
        }
    }

    @Test func jsonWireNames() throws {
        let json = try ExperimentDefinition(yaml: Self.full).json
        #expect(json["hash_attribute"] == .string("tenant"))
        #expect(json["minimum_detectable_effect"]?.doubleValue == 0.05)
        #expect(json["multiple_exposures"] == .string("first"))
        #expect(json["cuped"]?["pre_exposure_window"] == .string("2w"))
        #expect(json["exposure"]?["experiment_property"] == .string("$feature_flag"))
        #expect(json["start"] == .string("2026-03-01T00:00:00Z"))
        #expect(json["stop"] == .string("2026-03-29T12:00:00Z"))
    }

    @Test func jsonAcceptsTheSameDocument() throws {
        let text =
            #"{"key":"k","variants":[{"key":"a","weight":0.25},{"key":"b","weight":0.75}],"metrics":[{"id":"m","kind":"proportion","event":"e"}],"start":"2026-01-01T10:00:00+02:00"}"#
        let d = try ExperimentDefinition(json: try JSONValue(parsing: Array(text.utf8)))
        #expect(d.variants.map(\.weight) == [0.25, 0.75])
        #expect(d.start == Timestamp.parse("2026-01-01T08:00:00Z"))
    }

    @Test func metricAloneRoundTrips() throws {
        for metric in try ExperimentDefinition(yaml: Self.full).metrics {
            #expect(try MetricDefinition(json: metric.json) == metric)
        }
    }
}

extension DefinitionParsingTests {
    /// The properties an analysis reads, for its `unknown_property` warnings: the exposure's two and
    /// its filters, then each metric's filters, summed property and funnel step filters.
    @Test func aDefinitionListsThePropertiesItReads() throws {
        let d = try ExperimentDefinition(yaml: Self.full)
        #expect(
            d.propertyRefs.map(\.description) == [
                "$feature_flag", "$feature_flag_response", "$feature_flag", "plan", "amount", "amount", "country",
            ])
        #expect(
            try ExperimentDefinition(yaml: Self.issueExample).propertyRefs.map(\.description) == [
                "experiment", "variant", "amount",
            ])
    }
}

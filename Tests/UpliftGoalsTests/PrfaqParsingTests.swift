import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel

struct PrfaqParsingTests {
    static let valid = """
        ---
        id: team-invites
        title: Teams grow by inviting each other
        owner: Sam (Collaboration)
        feature: team-invites
        launch: 2026-02-01
        goals:
          - id: invite-adoption
            metric: adoption_rate
            feature: invite_sent
            where:
              - plan=pro
              - {property: role, op: eq, value: [admin, member]}
            interval: week
            baseline: 0.05
            target: 0.2
            deadline: 2026-05-01
          - id: invite-funnel
            metric: funnel_conversion
            steps: [invite_sent, {event: signed_up, where: ["context.campaign=invite"]}]
            window: 7d
            target: 0.5
            deadline: 2026-05-01
          - id: errors
            metric: events
            event: error_shown
            target: 10
            direction: decrease
            deadline: 2026-05-01
        funnels:
          - id: invite
            steps: [invite_sent, signed_up]
        experiments:
          - invite-copy
          - key: invite-button
            definition: experiments/invite-button.yaml
        feedback:
          - feature: team-invites
        ---

        # Press release

        Body **text**.
        """

    @Test func parsesEveryField() throws {
        #expect(problems(Self.valid) == [])
        let d = try PrfaqDocument(text: Self.valid, path: "dashboards/team-invites.md")
        #expect(d.id == "team-invites" && d.owner == "Sam (Collaboration)" && d.launch.description == "2026-02-01")
        #expect(d.goals.map(\.id) == ["invite-adoption", "invite-funnel", "errors"])
        let adoption = d.goals[0]
        #expect(adoption.metric == .adoptionRate && adoption.feature == "invite_sent" && adoption.interval == .week)
        #expect(adoption.filters.count == 2 && adoption.filters[1].values == ["admin", "member"])
        #expect(adoption.baseline == 0.05 && adoption.target == 0.2 && adoption.direction == .increase)
        #expect(adoption.line == 8)
        let funnel = d.goals[1]
        #expect(funnel.steps.map(\.event) == ["invite_sent", "signed_up"] && funnel.steps[1].filters.count == 1)
        #expect(funnel.window?.wholeDays == 7 && funnel.baseline == nil)
        #expect(d.goals[2].direction == .decrease)
        #expect(d.funnels.first?.window.wholeDays == 14)
        #expect(d.experiments.map(\.key) == ["invite-copy", "invite-button"])
        #expect(d.experiments[1].definition == "experiments/invite-button.yaml")
        #expect(d.feedback.first?.feature == "team-invites" && d.feedback.first?.survey == nil)
        #expect(d.body.contains("# Press release") && d.body.contains("Body **text**."))
    }

    func problems(_ text: String) -> [PrfaqProblem] {
        do {
            _ = try PrfaqDocument(text: text, path: "x.md")
            return []
        } catch {
            return error.problems
        }
    }

    /// Every mistake in one pass, each with its field path and the line it is on.
    @Test func collectsEveryMistakeWithItsLine() {
        let text = """
            ---
            id: Team Invites
            title: t
            owner: o
            feature: f
            launch: 2026-02-30
            goals:
              - id: a
                metric: adoption_rate
                target: 20
                deadline: 2026-05-01
              - id: b
                metric: retention
                event: signed_up
                day: 7
                steps: [a, b]
                target: high
                deadline: 2026-05-01
                intervall: week
              - id: c
                metric: popularity
                target: 1
                deadline: 2026-05-01
            feedback:
              - {}
            colour: blue
            ---
            """
        let found = problems(text)
        let byField = Dictionary(found.map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["id"]?.line == 2)
        #expect(byField["launch"]?.line == 6)
        #expect(byField["goals[0].feature"]?.message.contains("required with metric adoption_rate") == true)
        #expect(byField["goals[0].target"]?.line == 10)
        #expect(byField["goals[0].target"]?.message.contains("write 0.4 for 40%") == true)
        #expect(byField["goals[1].steps"]?.line == 16)
        #expect(byField["goals[1].target"]?.line == 17)
        #expect(byField["goals[1].intervall"]?.line == 19)
        #expect(byField["goals[2].metric"]?.line == 21)
        #expect(byField["feedback[0]"] != nil)
        #expect(byField["colour"]?.line == 26)
        #expect(found.count == 10, "\(found)")
        #expect(found.contains { $0.description == "goals[1].target (line 17): must be a number" })
    }

    @Test func duplicateIdsAndDeadlinesBeforeLaunch() {
        let text = """
            ---
            id: x
            title: t
            owner: o
            feature: f
            launch: 2026-02-01
            goals:
              - {id: a, metric: events, target: 1, deadline: 2026-01-01}
              - {id: a, metric: unique_persons, target: 1, deadline: 2026-03-01}
            ---
            """
        let found = problems(text)
        #expect(found.map(\.field) == ["goals[0].deadline", "goals[1].id"])
        #expect(found.allSatisfy { $0.line != nil })
    }

    @Test(
        arguments: [
            ("no header", "# Just markdown", 1),
            ("unclosed", "---\nid: x\n", 1),
            ("bad yaml", "---\nid: [x\n---\n", nil),
            ("not a mapping", "---\n- a\n- b\n---\n", nil),
            ("empty", "", 1),
            ("no goals", "---\nid: x\ntitle: t\nowner: o\nfeature: f\nlaunch: 2026-01-01\ngoals: []\n---\n", 7),
        ] as [(String, String, Int?)])
    func refusesMalformedDocuments(_ name: String, _ text: String, _ line: Int?) {
        let found = problems(text)
        #expect(!found.isEmpty, "\(name)")
        if let line { #expect(found.first?.line == line, "\(name): \(found)") }
    }

    @Test func yamlErrorsNameTheFileLine() {
        let found = problems("---\nid: x\ntitle: [unclosed\n---\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("line") == true)
    }

    /// Random bytes and mangled documents never crash the parser.
    @Test func survivesGarbage() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let base = Array(Self.valid.utf8)
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<(1 + Int(next() % 6)) {
                let i = Int(next() % UInt64(bytes.count))
                bytes[i] =
                    [
                        UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: " "), 10,
                        UInt8(ascii: "{"), UInt8(ascii: "&"), UInt8(ascii: "*"),
                    ][Int(next() % 8)]
            }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = problems(text)
        }
    }
}

extension PrfaqParsingTests {
    /// The events and properties each goal reads, for its `unknown_event` and `unknown_property` warnings.
    @Test func goalsListTheNamesTheyRead() throws {
        let d = try PrfaqDocument(text: Self.valid, path: "dashboards/team-invites.md")
        #expect(d.goals.map(\.eventNames) == [["invite_sent"], ["invite_sent", "signed_up"], ["error_shown"]])
        #expect(d.goals.map { $0.propertyRefs.map(\.description) } == [["plan", "role"], ["context.campaign"], []])
        let sum = Goal(
            id: "revenue", metric: .propertySum, event: "purchase", property: "amount",
            filters: [PropertyFilter(property: PropertyRef("plan"), op: .isSet)], target: 1,
            deadline: try #require(UTCDay("2026-05-01")))
        #expect(sum.propertyRefs.map(\.description) == ["plan", "amount"])
    }
}

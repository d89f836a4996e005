import Foundation
import TestSupport
import Testing
import UpliftExperiments
import UpliftModel

/// The limits every YAML document is held to before it is composed: no anchors or aliases, at most
/// `YAMLBounds.maxNodes` nodes and `YAMLBounds.maxBytes` bytes.
struct YAMLBoundsTests {
    static let head = "key: exp\nvariants:\n  - key: a\n    weight: 0.5\n  - key: b\n    weight: 0.5\n"
    static let metric = "metrics:\n  - id: m\n    kind: proportion\n    event: e\n"

    func refusal(_ yaml: String) -> UpliftError? {
        do {
            _ = try ExperimentDefinition(yaml: yaml)
            return nil
        } catch {
            return error
        }
    }

    /// Nine levels of ten aliases (10^9 strings) are refused at the first anchor, at once.
    @Test func billionLaughsIsRefusedAtTheFirstAnchor() throws {
        let start = ContinuousClock.now
        let error = try #require(refusal(HostileYAML.billionLaughs(levels: 9)))
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(error.code == .invalidInput)
        #expect(error.message.hasPrefix("the definition (line 3): YAML anchors and aliases"), "\(error.message)")
        #expect(error.message.contains("write the value out"))
    }

    /// An alias as a mapping's key would be hashed (walked whole) by the composer's duplicate check.
    @Test func anAliasAsAKeyIsRefusedBeforeComposing() throws {
        let start = ContinuousClock.now
        let error = try #require(refusal(HostileYAML.laughingKey(levels: 9)))
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(error.message.contains("anchors and aliases"), "\(error.message)")
    }

    @Test func anAnchorAloneOrAnAliasAloneIsRefused() throws {
        let anchored = try #require(refusal(Self.head + Self.metric + "owner: &who sam\n"))
        #expect(anchored.message.hasPrefix("the definition (line 11): YAML anchors and aliases"), "\(anchored.message)")
        let undefined = try #require(refusal(Self.head + Self.metric + "owner: *who\n"))
        #expect(undefined.message.hasPrefix("the definition (line 11): YAML anchors"), "\(undefined.message)")
    }

    /// `&` and `*` inside text are text.
    @Test func ampersandsAndStarsInTextAreAccepted() throws {
        let yaml =
            Self.head + Self.metric
            + "hypothesis: \"a & b * c\"\nowner: R&D *team*\ndescription: |\n  *bold* &amp; *x\n  - &y\n"
        let source = try DefinitionSource(yaml: yaml)
        #expect(source.value["owner"] == .string("R&D *team*"))
        let definition = try ExperimentDefinition(yaml: Self.head + Self.metric + "hypothesis: \"a & b * c\"\n")
        #expect(definition.hypothesis == "a & b * c")
    }

    @Test func moreNodesThanTheLimitAreRefused() throws {
        func list(_ n: Int) -> String { "owner: [" + Array(repeating: "1", count: n).joined(separator: ",") + "]\n" }
        // 21 nodes before the list (keys included), the list itself, then its items.
        let error = try #require(refusal(Self.head + Self.metric + list(YAMLBounds.maxNodes)))
        #expect(error.message.contains("more than 10000 YAML nodes"), "\(error.message)")
        #expect(error.message.contains("(line 11)"), "\(error.message)")
        // Under the limit the document is read (and refused for what owner is, not for its size).
        let under = try #require(refusal(Self.head + Self.metric + list(YAMLBounds.maxNodes - 100)))
        #expect(under.message.hasPrefix("owner (line 11): must be a string"), "\(under.message)")
    }

    @Test func aDocumentOverTheSizeLimitIsRefusedUnread() throws {
        let padding = "# " + String(repeating: "x", count: YAMLBounds.maxBytes) + "\n"
        let error = try #require(refusal(Self.head + Self.metric + padding))
        #expect(error.message.contains("the limit is 65536 bytes (64 KiB)"), "\(error.message)")
        let fits = String(padding.prefix(YAMLBounds.maxBytes - 200)) + "\n"
        #expect(refusal(Self.head + Self.metric + fits) == nil)
    }

    /// Far deeper than the conversion's limit, the scan stops before the composer recurses.
    @Test func deepNestingIsRefusedBeforeComposing() throws {
        let deep = "owner: " + String(repeating: "[", count: 900) + String(repeating: "]", count: 900) + "\n"
        let error = try #require(refusal(Self.head + Self.metric + deep))
        #expect(error.message.contains("nested more than 32 levels deep"), "\(error.message)")
    }

    /// The limits hold for flag definitions and PR/FAQ headers too (same parser), with their lines.
    @Test func flagDefinitionsAreHeldToTheSameLimits() throws {
        do {
            _ = try FlagDefinition(yaml: "key: f\ndefault: &d false\n")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("(line 2): YAML anchors and aliases"), "\(error.message)")
        }
    }
}

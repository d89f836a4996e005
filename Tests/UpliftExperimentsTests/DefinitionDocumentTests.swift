import Testing
import UpliftExperiments
import UpliftModel

/// The shared good/bad documents (Fixtures/definition-documents.json), which the lead also runs
/// through jsonschema against schemas/experiment.schema.json and schemas/flag.schema.json.
struct DefinitionDocumentTests {
    static let documents = Fixtures.load("definition-documents.json")

    static func list(_ kind: String, _ group: String) -> [JSONValue] {
        guard case .array(let items)? = documents[kind]?[group] else { return [] }
        return items
    }

    @Test func fixtureIsPresent() {
        #expect(Self.list("experiment", "good").count >= 4 && Self.list("experiment", "bad").count >= 20)
        #expect(Self.list("flag", "good").count >= 4 && Self.list("flag", "bad").count >= 10)
    }

    @Test(arguments: list("experiment", "good"))
    func goodExperiment(_ doc: JSONValue) throws {
        let d = try ExperimentDefinition(json: doc)
        #expect(try ExperimentDefinition(json: d.json) == d)
    }

    @Test(arguments: list("experiment", "bad"))
    func badExperiment(_ item: JSONValue) throws {
        let doc = try #require(item["doc"])
        guard case .string(let path)? = item["error"] else {
            Issue.record("no error path")
            return
        }
        #expect(throws: UpliftError.self) { try ExperimentDefinition(json: doc) }
        do { _ = try ExperimentDefinition(json: doc) } catch {
            #expect(error.message.hasPrefix(path + ":"), "\(error.message)")
        }
    }

    @Test(arguments: list("flag", "good"))
    func goodFlag(_ doc: JSONValue) throws {
        let f = try FlagDefinition(json: doc)
        #expect(try FlagDefinition(json: f.json) == f)
    }

    @Test(arguments: list("flag", "bad"))
    func badFlag(_ item: JSONValue) throws {
        let doc = try #require(item["doc"])
        guard case .string(let path)? = item["error"] else {
            Issue.record("no error path")
            return
        }
        #expect(throws: UpliftError.self) { try FlagDefinition(json: doc) }
        do { _ = try FlagDefinition(json: doc) } catch {
            #expect(error.message.hasPrefix(path + ":"), "\(error.message)")
        }
    }
}

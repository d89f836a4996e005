import Testing
import UpliftWorkload

@Suite struct SmokeTests {
    @Test func printsSample() throws {
        let bytes = try EventGenerator.generateAll(GeneratorConfig(events: 40, users: 5, days: 2, seed: 1))
        print(String(decoding: bytes, as: UTF8.self))
        #expect(bytes.filter { $0 == 10 }.count == 40)
    }
}

import Testing
@testable import UpliftServer

struct BoundedInflaterTests {
    @Test func refusesEmptyInput() {
        #expect(throws: BoundedInflater.Failure.invalid) { try BoundedInflater.inflate([0x1F, 0x8B], limit: 100) }
    }
}

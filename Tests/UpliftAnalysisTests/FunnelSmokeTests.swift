import Testing
@testable import UpliftAnalysis

struct FunnelSmokeTests {
    @Test func builds() { #expect(FunnelQuery.maxSteps == 20) }
}

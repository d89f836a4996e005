/// STUB: to be written.
package enum TrendEngine {
    /// What the query reads.
    package static func request(_ query: TrendQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: TrendQuery) -> TrendResult {
        fatalError("not written yet")
    }
}

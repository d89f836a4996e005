/// STUB: to be written.
package enum FunnelEngine {
    /// What the query reads.
    package static func request(_ query: FunnelQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: FunnelQuery) -> FunnelResult {
        fatalError("not written yet")
    }
}

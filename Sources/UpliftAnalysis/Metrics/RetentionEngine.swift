/// STUB: to be written.
package enum RetentionEngine {
    /// What the query reads.
    package static func request(_ query: RetentionQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: RetentionQuery) -> RetentionResult {
        fatalError("not written yet")
    }
}

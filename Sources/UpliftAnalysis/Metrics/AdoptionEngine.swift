/// STUB: to be written.
package enum AdoptionEngine {
    /// What the query reads.
    package static func request(_ query: AdoptionQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: AdoptionQuery) -> AdoptionResult {
        fatalError("not written yet")
    }
}

/// STUB: to be written.
package enum LifecycleEngine {
    /// What the query reads.
    package static func request(_ query: LifecycleQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: LifecycleQuery) -> LifecycleResult {
        fatalError("not written yet")
    }
}

/// STUB: to be written.
package enum FeedbackEngine {
    /// What the query reads.
    package static func request(_ query: FeedbackQuery) -> FrameRequest {
        FrameRequest(roles: [], from: query.scope.from, to: query.scope.to)
    }

    /// The answer, from the query's frame.
    package static func compute(_ frame: EventFrame, _ query: FeedbackQuery) -> FeedbackResult {
        fatalError("not written yet")
    }
}

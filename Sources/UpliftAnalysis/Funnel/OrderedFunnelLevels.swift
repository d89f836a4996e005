/// The engine's ordered-funnel matching for other targets of the package (experiments' funnel
/// metrics), so that there is one implementation of the funnel semantics, not two.
///
/// Rows are read through the unsafe buffers given at creation, which must stay valid for the
/// value's lifetime (as `FunnelEvaluator`); steps are role bits `0 ..< steps.count`. Behaves exactly
/// as an ordered `FunnelQuery` with these steps, window and range, without exclusions.
package struct OrderedFunnelLevels {
    private var evaluator: FunnelEvaluator

    package init(
        steps: [FunnelQuery.Step], window: TimeLength, from: Int64, to: Int64,
        times: UnsafeBufferPointer<Int64>, roles: UnsafeBufferPointer<UInt32>
    ) {
        let query = FunnelQuery(scope: QueryScope(from: from, to: to), steps: steps, window: window, order: .ordered)
        evaluator = FunnelEvaluator(
            plan: FunnelPlan(query), times: times, roles: roles, codes: UnsafeBufferPointer(start: nil, count: 0),
            values: [])
    }

    /// The person's level (0 … steps) over rows `rows` (one person's rows, time-sorted).
    package mutating func level(_ rows: Range<Int>) -> Int {
        evaluator.evaluate(rows).level
    }
}

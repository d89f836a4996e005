import Foundation
import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftStorage
import UpliftWorkload

/// Times the data side of the generated workload's experiment (Truth: `checkout-redesign` exposed
/// by `experiment_viewed`) over a data directory: cold (decoding segments) then warm (cached), and
/// prints the per-variant numbers to check against Truth's planted purchase rates. Without the
/// catalog's person links (as `frame`); the workload's exposures and purchases share a distinct id.
/// The rates come out below Truth's 0.30 / 0.40 over a whole generated month: persons exposed in its
/// last week have their purchase window cut by the range's end (Truth's own censoring note).
enum ExperimentBench {
    static func run(dataDirectory: String, project: String, repeats: Int) throws {
        let snapshot = try Snapshot.onDisk(dataDirectory: dataDirectory, project: try ProjectSlug(project))
        let days = snapshot.segments.compactMap(Snapshot.day(ofSegment:))
        guard let first = days.min(), let last = days.max() else {
            print("no segments for project \(project) in \(dataDirectory)")
            return
        }
        let from = first.startMicroseconds
        let to = last.startMicroseconds + UTCDay.microsecondsPerDay
        let definition = ExperimentDefinition(
            key: Truth.experimentKey,
            variants: [.init(key: Truth.controlVariant, weight: 0.5), .init(key: Truth.treatmentVariant, weight: 0.5)],
            exposure: .init(event: Truth.exposureEvent),
            metrics: [
                MetricDefinition(id: "purchase", kind: .proportion, measure: .init(event: Truth.purchaseEvent)),
                MetricDefinition(
                    id: "amount", kind: .mean,
                    measure: .init(event: Truth.purchaseEvent, property: PropertyRef("amount"))),
                MetricDefinition(
                    id: "checkout-funnel", kind: .funnel, measure: .init(event: Truth.checkoutEvent),
                    steps: [.init(event: Truth.checkoutEvent), .init(event: Truth.purchaseEvent)]),
            ])
        let engine = AnalysisEngine()
        var data: ExperimentData?
        for run in 0...repeats {
            let start = Date()
            data = try engine.experimentData(definition, from: from, to: to, snapshot: snapshot, links: [:])
            let seconds = Date().timeIntervalSince(start)
            print("\(run == 0 ? "cold" : "warm") \(String(format: "%.3f", seconds)) s")
        }
        guard let data else { return }
        print(
            "range \(first) … \(last), \(snapshot.segments.count) segments; multiple exposures \(data.multipleExposures), unknown variants \(data.unknownVariantPersons)"
        )
        for (v, variant) in data.variants.enumerated() {
            let line = data.metrics.map { m in "\(m.id) \(String(format: "%.4f", m.means[v]))" }
            print("\(variant.key): \(variant.persons) persons; " + line.joined(separator: ", "))
        }
    }
}

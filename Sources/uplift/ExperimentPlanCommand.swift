import ArgumentParser
import Foundation
import UpliftModel
import UpliftStats

extension ExperimentCommand {
    /// `uplift experiment plan`: how many persons (and days) an experiment needs before it starts, or
    /// the smallest lift it can see with the persons it will get (GrowthBook's frequentist power,
    /// normal approximation, the persons split evenly across variants).
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Plan an experiment: persons per variant for a lift, or the smallest lift a number of persons can see.",
            discussion: """
                A proportion metric: --baseline-rate 0.2. A mean metric: --baseline-mean and --baseline-stddev.
                Example: uplift experiment plan --baseline-rate 0.2 --mde 0.05 --persons-per-day 800
                """)

        @Option(help: ArgumentHelp("The control's conversion rate (0–1), for a proportion metric.", valueName: "rate"))
        var baselineRate: Double?
        @Option(help: ArgumentHelp("The control's mean per person, for a mean metric.", valueName: "mean"))
        var baselineMean: Double?
        @Option(help: ArgumentHelp("The per-person standard deviation, for a mean metric.", valueName: "sd"))
        var baselineStddev: Double?
        @Option(help: ArgumentHelp("The relative lift to detect (0.05 = 5%).", valueName: "lift")) var mde: Double?
        @Option(
            help: ArgumentHelp(
                "Persons per variant the experiment will have (gives the smallest detectable lift).", valueName: "n"))
        var persons: Int?
        @Option(help: ArgumentHelp("New persons per variant per day (gives the days needed).", valueName: "n"))
        var personsPerDay: Double?
        @Option(help: "Variants, the control included.") var variants = 2
        @Option(help: "Confidence level.") var confidence = 0.95
        @Option(help: "Power wanted.") var power = 0.8
        @Flag(help: "Plan for the sequential method (wider intervals, any-time peeking).") var sequential = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            let (mean, variance) = try baseline()
            guard variants >= 2 else { throw ValidationError("--variants: at least 2 (the control and one treatment)") }
            guard confidence > 0.5, confidence < 1 else {
                throw ValidationError("--confidence: between 0.5 and 1, for example 0.95")
            }
            guard power > 0, power < 1 else { throw ValidationError("--power: between 0 and 1, for example 0.8") }
            guard mde != nil || persons != nil else {
                throw ValidationError("give --mde (persons needed for that lift) or --persons (the lift they can see)")
            }
            let plan = PowerPlan(
                mean: mean, variance: variance, variations: variants, alpha: 1 - confidence,
                sequentialTuning: sequential ? 5000 : nil)
            var members: [(String, JSONValue)] = [
                ("baseline_mean", .number(String(mean))), ("baseline_variance", .number(String(variance))),
            ]
            var lines: [String] = []
            if let mde {
                guard mde > 0 else { throw ValidationError("--mde: a relative lift above 0, for example 0.05") }
                let needed = plan.personsPerVariant(relativeEffect: mde, power: power)
                members.append(("persons_per_variant", needed.map { .number(String($0)) } ?? .null))
                let days = needed.flatMap { n in personsPerDay.map { (Double(n) / $0).rounded(.up) } }
                members.append(("days", days.map { .number(String(Int($0))) } ?? .null))
                lines.append(
                    needed.map {
                        "To see a \(percent(mde)) lift with \(percent(power)) power: \(grouped($0)) persons per variant"
                            + (days.map {
                                ", about \(Int($0)) days at \(personsPerDay.map { String(format: "%g", $0) } ?? "") a day"
                            } ?? "") + "."
                    }
                        ?? "A \(percent(mde)) lift cannot be planned for (over 10¹² persons).")
            }
            if let persons {
                guard persons > 1 else { throw ValidationError("--persons: at least 2 per variant") }
                let smallest = plan.minimumDetectableEffect(totalUsers: Double(persons * variants), power: power)
                members.append(("minimum_detectable_effect", smallest.map { .number(String($0)) } ?? .null))
                lines.append(
                    smallest.map {
                        "With \(grouped(persons)) persons per variant the smallest lift seen with \(percent(power)) power is \(percent($0))."
                    }
                        ?? "With \(grouped(persons)) persons per variant no lift can be seen with \(percent(power)) power."
                )
            }
            Console.line(output.json ? JSONValue.object(members).compactText : lines.joined(separator: "\n"))
        }

        private func baseline() throws -> (Double, Double) {
            switch (baselineRate, baselineMean, baselineStddev) {
            case (let rate?, nil, nil):
                guard rate > 0, rate < 1 else {
                    throw ValidationError("--baseline-rate: a rate strictly between 0 and 1, for example 0.2")
                }
                return (rate, rate * (1 - rate))
            case (nil, let mean?, let sd?):
                guard mean != 0, sd > 0 else {
                    throw ValidationError("--baseline-mean must not be 0 and --baseline-stddev must be above 0")
                }
                return (mean, sd * sd)
            default:
                throw ValidationError(
                    "give either --baseline-rate (a proportion metric) or --baseline-mean and --baseline-stddev (a mean metric)"
                )
            }
        }

        private func percent(_ x: Double) -> String { String(format: "%g%%", (x * 1000).rounded() / 10) }
    }
}

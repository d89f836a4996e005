import Foundation
import TestSupport
import Testing

/// A question naming an event or a property the project never had answers (exit 0) with a warning on standard
/// error and, with --json, in the document; a date `--to` includes its day.
struct QueryWarningCLITests {
    let cli = QueryCLITests()

    @Test func aMisspeltStepWarnsAndStillAnswers() throws {
        try cli.withDemo { data in
            let scope = ["--data", data, "--project", "demo", "--from", "2026-03-01", "--to", "2026-03-07"]
            let table = try cli.uplift(["funnel", "--steps", "signedup,paid"] + scope)
            #expect(table.exitCode == 0, "\(table.stderrText)")
            #expect(
                table.stderrText.contains(#"warning: no event "signedup" in project demo; did you mean "signed_up"?"#),
                "\(table.stderrText)")
            let json = try cli.uplift(["funnel", "--steps", "signedup,paid", "--json"] + scope)
            #expect(json.exitCode == 0, "\(json.stderrText)")
            #expect(
                json.stdoutText.contains(
                    #""warnings":[{"code":"unknown_event","event":"signedup","did_you_mean":"signed_up"}]"#),
                "\(json.stdoutText)")
            let right = try cli.uplift(["funnel", "--steps", "signed_up,paid", "--json"] + scope)
            #expect(right.exitCode == 0, "\(right.stderrText)")
            #expect(!right.stderrText.contains("warning"), "\(right.stderrText)")
            #expect(!right.stdoutText.contains("warnings"), "\(right.stdoutText)")
            let trend = try cli.uplift(["trend", "--event", "payd"] + scope)
            #expect(trend.exitCode == 0, "\(trend.stderrText)")
            #expect(trend.stderrText.contains(#"no event "payd" in project demo; did you mean "paid"?"#))
            // No event of the demo has properties: a filter or breakdown on one warns, and still answers.
            let property = try cli.uplift(
                ["trend", "--event", "paid", "--where", "context.plan=pro", "--breakdown", "plan", "--json"] + scope)
            #expect(property.exitCode == 0, "\(property.stderrText)")
            #expect(
                property.stderrText.contains(#"warning: no property "context.plan" in project demo"#)
                    && property.stderrText.contains(#"warning: no property "plan" in project demo"#),
                "\(property.stderrText)")
            #expect(
                property.stdoutText.contains(
                    #""warnings":[{"code":"unknown_property","property":"context.plan"},{"code":"unknown_property","property":"plan"}]"#
                ), "\(property.stdoutText)")
        }
    }

    @Test func aDateToIncludesItsDayAndCutWeeksAreMarked() throws {
        try cli.withDemo { data in
            // paid happens on 2026-03-03: a range to that date counts it.
            let scope = ["--data", data, "--project", "demo", "--from", "2026-03-01", "--to", "2026-03-03"]
            let daily = try cli.uplift(["trend", "--event", "paid", "--json"] + scope)
            #expect(daily.exitCode == 0, "\(daily.stderrText)")
            #expect(daily.stdoutText.contains(#"{"date":"2026-03-03","value":1}"#), "\(daily.stdoutText)")
            // Sunday 1 March is the last day of the week of Monday 23 February; 2–3 March start the next.
            let weekly = try cli.uplift(["trend", "--event", "signed_up", "--interval", "week"] + scope)
            #expect(weekly.exitCode == 0, "\(weekly.stderrText)")
            #expect(weekly.stdoutText.contains("2026-02-23 *"), "\(weekly.stdoutText)")
            #expect(weekly.stdoutText.contains("2026-03-02 *"), "\(weekly.stdoutText)")
            #expect(weekly.stdoutText.contains("* partial period"), "\(weekly.stdoutText)")
        }
    }
}

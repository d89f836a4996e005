import Foundation
import HTTPTypes
import Hummingbird
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftGoals
import UpliftModel
import UpliftReport

/// The home page of the session's project: every PR/FAQ of the dashboards folder with its goal cards
/// (as of now) and a link to its report, the experiments with their decisions, the flags with their
/// state. A part that cannot be computed says so in its section; the rest of the page still shows.
extension FrontDoorRoutes {
    func home(_ request: Request) async -> Response {
        guard let id = SessionCookie.id(request) else { return Self.redirect("/") }
        guard let session = sessions.session(id) else { return Self.signedOut(request, reason: .ended) }
        // The key is checked again (through the key cache): a revoked key ends its sessions.
        let project: ProjectSlug
        do {
            project = try await queries.authorizer.project(for: session.key, access: .read)
        } catch {
            guard error.code == .unauthorized else {
                return Self.page(
                    status: error.status, title: "Uplift", main: Self.message(Self.sentence(error.message)))
            }
            sessions.close(id)
            return Self.signedOut(request, reason: .keyRefused)
        }
        var main = "<nav class=\"page-nav\" aria-label=\"On this page\"><ul>"
        main += "<li><a href=\"#prfaqs\">PR/FAQs</a></li><li><a href=\"#experiments\">Experiments</a></li>"
        main += "<li><a href=\"#flags\">Flags</a></li><li><a href=\"/v1/reports\">All reports</a></li></ul></nav>"
        let documents: [PrfaqDocument]
        (main, documents) = await prfaqs(project, into: main)
        main += await experiments(project, documents: documents)
        main += await flags(project)
        let actions =
            "<form class=\"sign-out\" method=\"post\" action=\"/sign-out\">"
            + "<input type=\"hidden\" name=\"token\" value=\"\(Escape.attribute(session.formToken))\"/>"
            + "<button type=\"submit\" class=\"quiet\">Sign out</button></form>"
        let until = Self.minuteFormat.string(from: session.expiresAt)
        return Self.page(
            status: .ok, title: "Project \(project.value)",
            subtitle: "Signed in with the project's read key until \(until) UTC", actions: actions, main: main)
    }

    private static let minuteFormat: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }()

    /// One section per PR/FAQ: title linking to its report, owner and feature, its goal cards.
    private func prfaqs(_ project: ProjectSlug, into main: String) async -> (String, [PrfaqDocument]) {
        var out = main + "<section id=\"prfaqs\" class=\"report-section\" aria-labelledby=\"prfaqs-heading\">"
        out += "<h2 id=\"prfaqs-heading\">PR/FAQs</h2>"
        guard let folder else {
            out += "<p>This server has no PR/FAQ folder; start it with <code>uplift serve --dashboards DIR</code>.</p>"
            return (out + "</section>", [])
        }
        let dashboards: DashboardFolder
        do {
            dashboards = try DashboardFolder(folder)
        } catch {
            return (out + Self.message("The PR/FAQ folder cannot be read right now; reload later.") + "</section>", [])
        }
        if dashboards.documents.isEmpty { out += "<p>The PR/FAQ folder has no valid PR/FAQ yet.</p>" }
        let cards: [[GoalSummary]]
        do {
            cards = try await goalCards(project, dashboards.documents)
        } catch {
            out += Self.message("The goals cannot be computed right now: \(Self.sentence(error.message))")
            cards = dashboards.documents.map { _ in [] }
        }
        for (document, goals) in zip(dashboards.documents, cards) {
            let report = "/v1/reports/" + Self.pathSegment(document.id)
            let heading = "prfaq-" + Escape.anchor(document.id)
            out += "<article aria-labelledby=\"\(heading)\"><h3 id=\"\(heading)\">"
            out += "<a href=\"\(Escape.attribute(report))\">\(Escape.text(document.title))</a></h3>"
            out += "<p class=\"prfaq-meta\">Owner \(Escape.text(document.owner)) · feature "
            out += "\(Escape.text(document.feature)) · launched \(document.launch) · "
            out += "<a href=\"\(Escape.attribute(report))\">report</a></p>"
            if !goals.isEmpty {
                out += FrontDoorPage.goalStrip(goals, label: "Goals of " + document.title) { goal in
                    report + "#" + ReportPage.goalAnchor(goal.id)
                }
            }
            out += "</article>"
        }
        if !dashboards.invalid.isEmpty {
            let names = dashboards.invalid.map { Escape.text(($0.path as NSString).lastPathComponent) }
            out += "<p>Not shown, they do not validate (check them with <code>uplift prfaq validate</code>): "
            out += names.joined(separator: ", ") + ".</p>"
        }
        return (out + "</section>", dashboards.documents)
    }

    private func goalCards(
        _ project: ProjectSlug, _ documents: [PrfaqDocument]
    ) async throws(UpliftError) -> [[GoalSummary]] {
        let context = try await queries.context(project)
        let calendar: LocalCalendar
        do { calendar = try LocalCalendar(timeZone: context.timeZone) } catch {
            throw UpliftError(.catalogUnavailable, "the project's time zone cannot be read", cause: error)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return try await queries.compute(project: project, links: context.links) {
            (engine, snapshot, links, budget) throws(UpliftError) in
            let evaluator = GoalEvaluator(engine: engine, links: links, calendar: calendar, budget: budget)
            var out: [[GoalSummary]] = []
            for document in documents {
                out.append(ReportBuilder.cards(try evaluator.evaluate(document, snapshot: snapshot, now: now)))
            }
            return out
        }
    }

    /// The experiments with their state and decision; each links to its section of the reports that name it.
    private func experiments(_ project: ProjectSlug, documents: [PrfaqDocument]) async -> String {
        var out = "<section id=\"experiments\" class=\"report-section\" aria-labelledby=\"experiments-heading\">"
        out += "<h2 id=\"experiments-heading\">Experiments</h2>"
        let stored: [StoredExperiment]
        do {
            stored = try await catalogCall("the experiments cannot be read right now; reload later") {
                () throws(UpliftError) in try await catalog.experiments(project: project)
            }
        } catch {
            return out + Self.message(Self.sentence(error.message)) + "</section>"
        }
        // Experiments a PR/FAQ names with a definition file of its own are not in the catalog: their
        // decision is the one its report computes.
        let storedKeys = Set(stored.map(\.key))
        var fromFiles: [(key: String, documents: [PrfaqDocument])] = []
        for document in documents {
            for reference in document.experiments
            where reference.definition != nil && !storedKeys.contains(reference.key) {
                if let i = fromFiles.firstIndex(where: { $0.key == reference.key }) {
                    fromFiles[i].documents.append(document)
                } else {
                    fromFiles.append((reference.key, [document]))
                }
            }
        }
        guard !stored.isEmpty || !fromFiles.isEmpty else {
            return out + "<p>No experiments yet (<code>uplift experiment create</code>).</p></section>"
        }
        out += "<table><caption>Experiments of the project</caption><thead><tr><th scope=\"col\">Experiment</th>"
        out += "<th scope=\"col\">Decision</th><th scope=\"col\">Hypothesis</th><th scope=\"col\">Reports</th>"
        out += "</tr></thead><tbody>"
        for experiment in stored {
            let definition = try? JSONValue(parsing: Array(experiment.definition.utf8))
            let hypothesis = Self.string(definition?["hypothesis"]) ?? ""
            let shipped = Self.string(definition?[StoredExperimentText.shippedMember])
            let links = reportLinks(
                experiment.key, documents.filter { d in d.experiments.contains { $0.key == experiment.key } })
            out += "<tr><th scope=\"row\">\(Escape.text(experiment.key))</th>"
            out += "<td>\(Escape.text(Self.decision(experiment.status, shipped: shipped)))</td>"
            out += "<td>\(Escape.text(hypothesis))</td>"
            out += "<td>\(links.isEmpty ? "–" : links.joined(separator: ", "))</td></tr>"
        }
        for (key, named) in fromFiles {
            out += "<tr><th scope=\"row\">\(Escape.text(key))</th>"
            out += "<td>Analysed in the report (defined in the PR/FAQ folder)</td><td>–</td>"
            out += "<td>\(reportLinks(key, named).joined(separator: ", "))</td></tr>"
        }
        return out + "</tbody></table></section>"
    }

    private func reportLinks(_ key: String, _ documents: [PrfaqDocument]) -> [String] {
        let anchor = Escape.anchor("experiment-" + key)
        return documents.map { d in
            "<a href=\"\(Escape.attribute("/v1/reports/" + Self.pathSegment(d.id) + "#" + anchor))\">"
                + "\(Escape.text(d.title))</a>"
        }
    }

    static func decision(_ status: StoredExperiment.Status, shipped: String?) -> String {
        switch status {
        case .draft: "Not started (draft)"
        case .running: "Running: no decision yet"
        case .stopped: "Stopped without shipping"
        case .shipped: shipped.map { "Shipped: variant \($0)" } ?? "Shipped"
        }
    }

    /// The flags and whether each is on.
    private func flags(_ project: ProjectSlug) async -> String {
        var out = "<section id=\"flags\" class=\"report-section\" aria-labelledby=\"flags-heading\">"
        out += "<h2 id=\"flags-heading\">Flags</h2>"
        let stored: [StoredFlag]
        do {
            stored = try await catalogCall("the flags cannot be read right now; reload later") {
                () throws(UpliftError) in try await catalog.flags(project: project)
            }
        } catch {
            return out + Self.message(Self.sentence(error.message)) + "</section>"
        }
        guard !stored.isEmpty else {
            return out + "<p>No flags yet (<code>uplift flag create</code>).</p></section>"
        }
        out += "<table><caption>Flags of the project</caption><thead><tr><th scope=\"col\">Flag</th>"
        out += "<th scope=\"col\">State</th><th scope=\"col\">Description</th></tr></thead><tbody>"
        for flag in stored {
            let definition = try? JSONValue(parsing: Array(flag.definition.utf8))
            let description = Self.string(definition?["description"]) ?? ""
            out += "<tr><th scope=\"row\">\(Escape.text(flag.key))</th>"
            out += "<td>\(flag.enabled ? "On" : "Off")</td><td>\(Escape.text(description))</td></tr>"
        }
        return out + "</tbody></table></section>"
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// A PR/FAQ id as one path segment (ids are slugs; anything else is percent-encoded).
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? id
    }
}

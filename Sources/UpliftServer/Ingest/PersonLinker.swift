import UpliftCatalog
import UpliftModel

/// Writes the person links of identify and alias messages to the catalog before the request is
/// answered, grouping the links of concurrent requests into one catalog call (as the log groups
/// fsyncs): whoever finds no write running writes everything queued, in rounds, and answers the rest.
actor PersonLinker {
    private struct Waiting {
        var project: ProjectSlug
        var links: [PersonLink]
        var continuation: CheckedContinuation<Result<Void, UpliftError>, Never>?
    }

    private let catalog: Catalog
    private var queue: [Waiting] = []
    private var isWriting = false

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    func link(project: ProjectSlug, _ links: [PersonLink]) async throws(UpliftError) {
        guard !links.isEmpty else { return }
        if isWriting {
            let result = await withCheckedContinuation {
                queue.append(Waiting(project: project, links: links, continuation: $0))
            }
            return try result.get()
        }
        isWriting = true
        defer { isWriting = false }
        var round = [Waiting(project: project, links: links, continuation: nil)]
        var mine: Result<Void, UpliftError> = .success(())
        while !round.isEmpty {
            let result = await write(round)
            for waiting in round {
                if let continuation = waiting.continuation {
                    continuation.resume(returning: result)
                } else {
                    mine = result
                }
            }
            round = queue
            queue = []
        }
        try mine.get()
    }

    private func write(_ round: [Waiting]) async -> Result<Void, UpliftError> {
        var byProject: [ProjectSlug: [PersonLink]] = [:]
        for waiting in round { byProject[waiting.project, default: []] += waiting.links }
        do throws(UpliftError) {
            for (project, links) in byProject { _ = try await catalog.link(project: project, links) }
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}

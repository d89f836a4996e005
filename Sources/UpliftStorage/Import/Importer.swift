package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// Loads NDJSON files (one Segment or PostHog message or batch per line, gzip or not) into a
/// project. A bad line is reported and skipped; it never aborts the file.
package struct Importer: Sendable {
    package struct Report: Sendable, Equatable {
        package var imported = 0
        package var duplicates = 0
        package var rejected = 0
        /// Events whose time lay too far in the future and was set to the import time.
        package var clamped = 0
        package var lines = 0
        package var bytes = 0
        /// Pairs of ids that identify and alias messages linked, each once, for the catalog's persons.
        package var links: [Link] = []
        package init() {}
    }

    /// Two distinct ids of one person.
    package struct Link: Sendable, Hashable {
        package var distinctID: String
        package var linkedID: String
    }

    /// A message that could not be imported: where it was and why.
    package struct Rejected: Sendable, Equatable {
        package var source: String
        package var line: Int
        /// Position inside a batch line, when the line was a batch.
        package var index: Int?
        package var code: String
        package var message: String
    }

    /// Longest line read: a whole 5 MB batch with room to spare.
    static let maxLineBytes = 8 << 20

    package let store: EventStore
    package let project: ProjectSlug
    package var limits = WireLimits()
    /// Events per log append: one record, one fsync.
    package var batchEvents = 10_000
    /// Applied to each batch before it is appended (the project's personal-data controls).
    package var transform: (@Sendable ([Event]) -> [Event])?

    package init(store: EventStore, project: ProjectSlug) {
        self.store = store
        self.project = project
    }

    package func run(
        paths: [String],
        onRejected: @Sendable (Rejected) -> Void,
        onProgress: @Sendable (Report) -> Void = { _ in }
    ) async throws(UpliftError) -> Report {
        var report = Report()
        var decoder = WireDecoder(limits: limits)
        decoder.correctsClockSkew = false
        var pending: [Event] = []
        pending.reserveCapacity(batchEvents)
        var links = Set<Link>()
        // One append in flight while the next chunk decodes: the log's fsync and the store's
        // dedup overlap with decoding instead of stalling it. Appends still go one at a time, in order.
        var inFlight: Task<EventStore.AppendResult, any Error>?
        do {
            for path in paths {
                let input = try InputStream(path: path)
                var buffer: [UInt8] = []
                var lineNumber = 0
                var more = true
                var skipping = false
                while more {
                    more = try input.read(into: &buffer, max: 4 << 20)
                    if skipping {
                        guard let newline = buffer.firstIndex(of: 0x0A) else {
                            report.bytes += buffer.count
                            buffer.removeAll(keepingCapacity: true)
                            skipping = more
                            continue
                        }
                        report.bytes += newline + 1
                        buffer.removeSubrange(0...newline)
                        skipping = false
                    }
                    // Whole lines only: up to the last newline, or everything once the input has ended.
                    let start = more ? (buffer.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) : buffer.count
                    for part in await Self.decodeLines(
                        buffer, upTo: start, decoder: decoder, receivedAt: Timestamp.now())
                    {
                        for r in part.rejections {
                            onRejected(
                                Rejected(
                                    source: input.name, line: lineNumber + r.line, index: r.index, code: r.code,
                                    message: r.message))
                        }
                        lineNumber += part.lineCount
                        report.lines += part.nonBlankLines
                        report.rejected += part.rejections.count
                        report.clamped += part.clamped
                        for e in part.events {
                            if let (a, b) = e.linkedIDs { links.insert(Link(distinctID: a, linkedID: b)) }
                        }
                        pending += part.events
                    }
                    report.bytes += start
                    buffer.removeSubrange(0..<start)
                    if buffer.count > Self.maxLineBytes {
                        // A line this long is not NDJSON of messages: report it once, drop it up to its newline.
                        lineNumber += 1
                        report.lines += 1
                        report.rejected += 1
                        onRejected(
                            Rejected(
                                source: input.name, line: lineNumber, index: nil, code: "line_too_long",
                                message:
                                    "line is longer than \(Self.maxLineBytes) bytes; split it into one message per line"
                            ))
                        report.bytes += buffer.count
                        buffer.removeAll(keepingCapacity: true)
                        skipping = more
                    }
                    if pending.count >= batchEvents || !more {
                        try await settle(&inFlight, &report)
                        inFlight = startAppend(&pending)
                        onProgress(report)
                    }
                }
            }
            try await settle(&inFlight, &report)
            inFlight = startAppend(&pending)
            try await settle(&inFlight, &report)
            report.links = Array(links)
        } catch {
            // Never leave an append running behind the caller's back (it may close the store next).
            _ = try? await inFlight?.value
            throw error
        }
        return report
    }

    private func startAppend(_ pending: inout [Event]) -> Task<EventStore.AppendResult, any Error>? {
        guard !pending.isEmpty else { return nil }
        let store = self.store
        let project = self.project
        let events = pending
        let transform = self.transform
        pending = []
        pending.reserveCapacity(batchEvents)
        return Task { try await store.append(project: project, events: transform.map { $0(events) } ?? events) }
    }

    private func settle(
        _ inFlight: inout Task<EventStore.AppendResult, any Error>?, _ report: inout Report
    ) async throws(UpliftError) {
        guard let task = inFlight else { return }
        inFlight = nil
        do {
            let result = try await task.value
            report.imported += result.accepted
            report.duplicates += result.duplicates
        } catch let error as UpliftError {
            throw error
        } catch {
            throw UpliftError(.io, "cannot append imported events", cause: error)
        }
    }

    /// What the lines of a piece of input decoded to; line numbers count from 1 within the piece.
    struct DecodedLines: Sendable {
        var lineCount = 0
        var nonBlankLines = 0
        var clamped = 0
        var events: [Event] = []
        var rejections: [(line: Int, index: Int?, code: String, message: String)] = []
    }

    /// Decodes the lines of `buffer[..<end]` on every core (the pool's interactive lane): the bytes
    /// are split at newlines into one piece per core and the pieces returned in order, so that events,
    /// line numbers and rejections come out exactly as from one pass.
    static func decodeLines(
        _ buffer: [UInt8], upTo end: Int, decoder: WireDecoder, receivedAt: Int64
    ) async -> [DecodedLines] {
        let pieces = end >= 256 << 10 ? WorkPool.shared.width : 1
        guard pieces > 1 else { return [decodeLines(buffer, 0..<end, decoder: decoder, receivedAt: receivedAt)] }
        var bounds = [0]
        for k in 1..<pieces {
            let target = max(bounds[k - 1], end * k / pieces)
            bounds.append(buffer[target..<end].firstIndex(of: 0x0A).map { $0 + 1 } ?? end)
        }
        bounds.append(end)
        return await withTaskGroup(of: (Int, DecodedLines).self) { group in
            for k in 0..<pieces {
                let range = bounds[k]..<bounds[k + 1]
                group.addTask {
                    let part = await WorkPool.shared.run(.interactive) {
                        decodeLines(buffer, range, decoder: decoder, receivedAt: receivedAt)
                    }
                    return (k, part)
                }
            }
            var out = [DecodedLines](repeating: DecodedLines(), count: pieces)
            for await (i, part) in group { out[i] = part }
            return out
        }
    }

    /// Decodes every line of `buffer[range]` (a last line without a newline included).
    static func decodeLines(
        _ buffer: [UInt8], _ range: Range<Int>, decoder: WireDecoder, receivedAt: Int64
    ) -> DecodedLines {
        var out = DecodedLines()
        buffer.withUnsafeBytes { whole in
            let bytes = UnsafeRawBufferPointer(rebasing: whole[range])
            var start = 0
            while start < bytes.count {
                let newline = index(of: 0x0A, in: bytes, from: start) ?? bytes.count
                out.lineCount += 1
                var line = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
                start = newline + 1
                if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                out.nonBlankLines += 1
                let result = decoder.decode(line, receivedAt: receivedAt)
                if let reason = result.bodyRejection {
                    out.rejections.append((out.lineCount, nil, reason.code, reason.message))
                }
                for r in result.rejections {
                    out.rejections.append(
                        (out.lineCount, result.messageCount > 1 ? r.index : nil, r.reason.code, r.reason.message))
                }
                out.clamped += result.clampedCount
                out.events += result.events
            }
        }
        return out
    }

    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

}

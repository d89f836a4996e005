package import UpliftModel
import UpliftParquet

/// Checks a data directory without changing it: every page of every segment (checksums, counts,
/// schema), that typed property columns go back into their texts, that each segment's events belong
/// to its day, that no event id is stored twice in a partition, and every record of the write-ahead log.
/// With the catalog's segment manifest, its live segments are the ones checked, each against its row
/// (present, same size, same CRC-32C), and a file it does not name is noted (a crash's leftover, which
/// the next open removes). Without one, segments are read as the next open would leave them
/// (`PartitionState`): what an interrupted compaction left behind is noted, not counted.
package enum StoreVerifier {
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    package struct Report: Sendable {
        package var segments = 0
        package var events = 0
        package var logFiles = 0
        package var logRecords = 0
        package var problems: [Problem] = []
        /// Things worth knowing that are not damage.
        package var notes: [Problem] = []
        package var isClean: Bool { problems.isEmpty }
    }

    /// `manifest`: the live segments of the directory from the catalog (nil: no manifest holds it yet);
    /// `cache`: where a shared storage's segments were downloaded when not into the data directory.
    package static func verify(
        dataDirectory: String, manifest: [SegmentRecord]? = nil, cache: String? = nil
    ) -> Report {
        let layout = SegmentLayout(root: dataDirectory, segments: cache)
        var report = Report()
        var listed: [ProjectSlug: [UTCDay: [SegmentRecord]]] = [:]
        for record in manifest ?? [] { listed[record.project, default: [:]][record.day, default: []].append(record) }
        var projects = Set(layout.projects())
        projects.formUnion(listed.keys)
        for project in projects.sorted() {
            var days = Set(layout.days(project))
            days.formUnion(listed[project]?.keys.map { $0 } ?? [])
            for day in days.sorted() {
                var ids = Set<Fingerprint>()
                let paths: [String]
                if manifest != nil {
                    let records = listed[project]?[day] ?? []
                    paths = records.map { layout.path(of: $0.key) }
                    report.problems += records.compactMap { record in
                        check(record, layout: layout).map { Problem(path: layout.path(of: record.key), message: $0) }
                    }
                    let live = Set(paths)
                    let directory = layout.partitionDirectory(project, day)
                    report.notes += DurableFile.list(directory).filter { !live.contains(directory + "/" + $0) }.map {
                        Problem(
                            path: directory + "/" + $0,
                            message:
                                "not in the segment manifest (left by a crash or a replaced segment): the next open removes it"
                        )
                    }
                } else {
                    do throws(UpliftError) {
                        let state = try PartitionState.read(layout, project, day)
                        paths = state.live
                        report.notes += state.obsolete.map {
                            Problem(path: $0, message: "left by an interrupted compaction: the next open removes it")
                        }
                        let directory = layout.partitionDirectory(project, day)
                        report.notes += state.temporary.map {
                            Problem(
                                path: directory + "/" + $0, message: "an unfinished write: the next open removes it")
                        }
                    } catch {
                        // A footer that cannot be read: check every segment, so the damage is reported below.
                        paths = layout.segments(project, day)
                    }
                }
                for path in paths where DurableFile.fileSize(path) != nil {
                    report.segments += 1
                    do throws(UpliftError) {
                        let file = try SegmentReader.open(path: path)
                        do { try file.verify() } catch { throw UpliftError(.corrupt, "\(error)") }
                        report.events += file.rowCount
                        let range = day.startMicroseconds..<day.adding(days: 1).startMicroseconds
                        for g in 0..<file.rowGroups.count {
                            let ts: ColumnData
                            do { ts = try file.read(column: EventColumn.timestamp.index, rowGroup: g) } catch {
                                throw UpliftError(.corrupt, "\(error)")
                            }
                            if case .int64(let values) = ts.values,
                                let bad = values.first(where: { !range.contains($0) })
                            {
                                report.problems.append(
                                    Problem(path: path, message: "holds an event at \(bad) µs, outside its day \(day)"))
                                break
                            }
                        }
                        // Typed property columns: every row's members go back into its text (format 3).
                        let segment = try EventSegment(path: path)
                        if !segment.shredding.properties.isEmpty {
                            for g in segment.rowGroupSizes.indices { _ = try segment.texts(.properties, rowGroup: g) }
                        }
                        let duplicates = try SegmentReader.eventIDFingerprints(paths: [path]).count {
                            !ids.insert($0).inserted
                        }
                        if duplicates > 0 {
                            report.problems.append(
                                Problem(
                                    path: path, message: "holds \(duplicates) event ids already stored in the same day")
                            )
                        }
                    } catch {
                        report.problems.append(Problem(path: path, message: error.message))
                    }
                }
            }
        }
        // A directory no store has written to (a node's fresh cache of a bucket, read by verify) has no log.
        guard DurableFile.fileSize(layout.walDirectory) != nil else {
            report.notes.append(
                Problem(path: layout.walDirectory, message: "no write-ahead log here (nothing pending)"))
            return report
        }
        do {
            let log = try WriteAheadLog.verify(directory: layout.walDirectory)
            report.logFiles = log.files.count
            report.logRecords = log.records
            // A torn tail is what a crash leaves; the next open cuts it away, nothing acknowledged is in it.
            report.notes += log.problems.filter(\.isTornTail).map {
                Problem(path: $0.file, message: "\($0) (a crash's torn tail: the next open cuts it away)")
            }
            report.problems += log.problems.filter { !$0.isTornTail }.map {
                Problem(path: $0.file, message: $0.description)
            }
        } catch {
            report.problems.append(
                Problem(path: layout.walDirectory, message: "cannot read the write-ahead log: \(error)"))
        }
        return report
    }

    /// What is wrong with a live segment's file against its manifest row, or nil.
    private static func check(_ record: SegmentRecord, layout: SegmentLayout) -> String? {
        let path = layout.path(of: record.key)
        guard let size = DurableFile.fileSize(path) else {
            return "listed in the segment manifest but missing: its \(record.rows) events cannot be read"
        }
        guard size == record.bytes else {
            return "is \(size) bytes, but the segment manifest says \(record.bytes)"
        }
        guard let bytes = try? DurableFile.readAll(path), SegmentRecord.checksum(bytes) == record.checksum else {
            return "its CRC-32C differs from the segment manifest's \(record.checksum)"
        }
        return nil
    }
}

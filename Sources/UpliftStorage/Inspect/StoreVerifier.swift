import UpliftModel
import UpliftParquet

/// Checks a data directory without changing it: every page of every segment (checksums, counts,
/// schema), that typed property columns go back into their texts, that each segment's events belong
/// to its day, that no event id is stored twice in a partition, and every record of the write-ahead log.
/// Segments are read as the next open would leave them (`PartitionState`): what an interrupted
/// compaction left behind is noted, not counted.
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

    package static func verify(dataDirectory: String) -> Report {
        let layout = SegmentLayout(root: dataDirectory)
        var report = Report()
        for project in layout.projects() {
            for day in layout.days(project) {
                var ids = Set<Fingerprint>()
                let paths: [String]
                do throws(UpliftError) {
                    let state = try PartitionState.read(layout, project, day)
                    paths = state.live
                    report.notes += state.obsolete.map {
                        Problem(path: $0, message: "left by an interrupted compaction: the next open removes it")
                    }
                    let directory = layout.partitionDirectory(project, day)
                    report.notes += state.temporary.map {
                        Problem(path: directory + "/" + $0, message: "an unfinished write: the next open removes it")
                    }
                } catch {
                    // A footer that cannot be read: check every segment, so the damage is reported below.
                    paths = layout.segments(project, day)
                }
                for path in paths {
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
}

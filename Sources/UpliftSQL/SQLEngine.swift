package import UpliftModel

/// An engine that runs compiled questions over the live segment files and the person map and returns the
/// statement's rows: Apache Spark through Spark Connect today (`UpliftSpark.SparkEngine`); Trino or
/// ClickHouse would be others. The server and the command line hold one of these, never a client library.
package protocol SQLEngine: Sendable {
    /// The engine's name in answers and messages (`spark`).
    var name: String { get }
    /// The engine and where it is, for people (`Apache Spark at HOST:PORT`; never a credential).
    var label: String { get }

    /// The rows of the statement `compile` writes for the inputs this engine names: `files` (absolute paths
    /// of the live segments; `basePath` the directory their Hive partitions are under) and the person map
    /// file. `question` names the question in errors.
    func rows(
        question: String, files: SegmentFiles, basePath: String, personMap: String,
        compile: (SQLInputs) throws(UpliftError) -> String
    ) async throws(UpliftError) -> SQLRows
}

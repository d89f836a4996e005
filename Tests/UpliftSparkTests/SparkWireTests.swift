import Foundation
import Testing
import UpliftModel
import UpliftSpark

/// What a real Spark 4.3 Connect server sent (captured by `Fixtures/spark/capture_spark.py` from the cluster
/// `Tests/spark.sh` starts): its ExecutePlan responses decode, their Arrow batches decode to the values
/// pyspark read, and its error trailer becomes one line naming the error class.
struct SparkWireTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spark")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The responses of one call as gRPC frames them: a flag byte, a big-endian length, the message.
    static func frames(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            try #require(at + 5 <= bytes.count)
            let length = bytes[at + 1..<at + 5].reduce(0) { $0 << 8 | Int($1) }
            try #require(at + 5 + length <= bytes.count)
            frames.append(Array(bytes[at + 5..<at + 5 + length]))
            at += 5 + length
        }
        return frames
    }

    struct Physical: Decodable {
        let physical: [String: [JSONNumberOrText?]]
    }

    enum JSONNumberOrText: Decodable, Equatable {
        case number(Double)
        case text(String)
        case bool(Bool)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else {
                self = .text(try c.decode(String.self))
            }
        }
    }

    @Test(arguments: ["spark_types", "spark_types_2batches"])
    func sparksResponsesDecodeToWhatPysparkRead(_ name: String) throws {
        let responses = try Self.frames(try Self.bytes("\(name).responses.bin")).map(
            ExecutePlanResponse.init(decoding:))
        let batches = responses.compactMap { response -> [UInt8]? in
            if case .arrowBatch(let batch) = response.result { return batch.data }
            return nil
        }
        #expect(batches.count == (name == "spark_types" ? 1 : 2))
        var tables = try batches.map(ArrowStreamReader.read)
        let table = tables.removeFirst()
        var rows = table.rows
        for more in tables { rows += more.rows }
        let expected = try JSONDecoder().decode(Physical.self, from: Data(try Self.bytes("\(name).json"))).physical
        #expect(table.fields.map(\.name) == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])
        for (column, field) in table.fields.enumerated() {
            let want = try #require(expected[field.name])
            let got: [JSONNumberOrText?] = rows.map { row in
                switch row[column] {
                case .null: nil
                case .int(let v): .number(Double(v))
                case .double(let v): .number(v)
                case .bool(let v): .bool(v)
                case .string(let v): .text(v)
                case .timestamp(let v): .number(Double(v))
                case .date(let v): .number(Double(v))
                case .decimal(let v): .text(String(v.unscaled))
                default: .text("unexpected \(row[column])")
                }
            }
            #expect(got == want, "column \(field.name)")
        }
    }

    @Test func sparksErrorTrailerIsOneLineWithItsClass() throws {
        struct Capture: Decodable { let grpc_status_details_bin_hex: String }
        let hex = try JSONDecoder().decode(Capture.self, from: Data(try Self.bytes("spark_error.json")))
            .grpc_status_details_bin_hex
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        let error = SparkError(status: try RPCStatus(decoding: bytes))
        #expect(error.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
        #expect(error.sqlState == "42P01")
        #expect(error.summary.hasPrefix("[TABLE_OR_VIEW_NOT_FOUND]"))
        #expect(!error.summary.contains("\n"))
    }
}

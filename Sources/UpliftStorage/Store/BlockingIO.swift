import Dispatch

/// Runs blocking file work (segment writes, reads, fsyncs) on Dispatch threads, off Swift's
/// cooperative pool, and resumes the caller when it is done.
package enum BlockingIO {
    private static let queue = DispatchQueue(label: "uplift.storage.io", attributes: .concurrent)

    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws(UpliftError) -> T) async throws(UpliftError) -> T {
        let result: Result<T, UpliftError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(UpliftError) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

package import UpliftModel

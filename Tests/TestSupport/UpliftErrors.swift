package import UpliftModel

/// The error an async call throws, as an UpliftError (nil when it throws none).
package func upliftError(_ body: () async throws -> Void) async -> UpliftError? {
    do {
        try await body()
        return nil
    } catch let error as UpliftError {
        return error
    } catch {
        return UpliftError(.io, "not an UpliftError: \(error)")
    }
}

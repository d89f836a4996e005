import PostgresNIO
import UpliftModel

/// Errors of statements, made into one line. PostgresNIO hides the server's message from its
/// description (it may hold data), so the SQLSTATE and message are taken out explicitly.
enum CatalogErrors {
    static func wrap(_ error: any Error, _ doing: String) -> UpliftError {
        if let error = error as? UpliftError { return error }
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                return UpliftError(.io, "catalog error while \(doing): \(info[.message] ?? "?") (SQLSTATE \(info[.sqlState] ?? "?"))")
            }
            return UpliftError(.io, "catalog error while \(doing): PostgreSQL connection \(psql.code); check that the server is up")
        }
        return UpliftError(.io, "catalog error while \(doing): \(error)")
    }
}

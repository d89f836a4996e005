import PostgresNIO
import UpliftModel

/// Turns PostgresNIO's errors into one line that names the problem and what to do, and never
/// the password.
enum PostgresErrors {
    static func describe(_ error: any Error, location l: CatalogURL.PostgresLocation) -> UpliftError {
        let server = "\(l.host):\(l.port)"
        guard let psql = error as? PSQLError else {
            return UpliftError(.io, "cannot connect to the PostgreSQL catalog at \(server): \(error)")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        let serverMessage = psql.serverInfo?[.message] ?? ""
        switch psql.code {
        case .server:
            switch state {
            case "28P01", "28000":
                return UpliftError(.io, "PostgreSQL at \(server) rejected the credentials of user '\(l.user)'; check the user and password in --catalog / UPLIFT_CATALOG")
            case "3D000":
                return UpliftError(.notFound, "PostgreSQL at \(server) has no database '\(l.database)'; create it (createdb \(l.database)) or fix the URL")
            case "3F000":
                return UpliftError(.notFound, "PostgreSQL database '\(l.database)' has no schema '\(l.schema ?? "")'; create it or fix ?schema=")
            default:
                return UpliftError(.io, "PostgreSQL at \(server) refused the catalog connection: \(serverMessage) (SQLSTATE \(state))")
            }
        case .connectionError:
            let detail = psql.underlying.map { "\($0)" } ?? ""
            let cause = detail.contains("refused") ? "connection refused" : detail.lowercased().contains("timed out") || detail.contains("timeout") ? "timed out" : detail.isEmpty ? "no answer" : "network error"
            return UpliftError(.io, "cannot reach the PostgreSQL catalog at \(server) (\(cause)); check that the server runs and the host and port in --catalog")
        case .sslUnsupported:
            return UpliftError(.io, "PostgreSQL at \(server) does not offer TLS but the catalog URL has sslmode=require")
        case .authMechanismRequiresPassword:
            return UpliftError(.io, "PostgreSQL at \(server) asks for a password for user '\(l.user)' and the catalog URL has none")
        default:
            return UpliftError(.io, "cannot open the PostgreSQL catalog at \(server): \(psql.code)")
        }
    }
}

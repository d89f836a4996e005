import Logging
import PostgresNIO
import UpliftModel

/// Turns PostgresNIO's connection errors into one line that names the problem and what to do, and
/// never the password or the server's own words (logged at debug).
enum PostgresErrors {
    static func describe(_ error: any Error, location l: CatalogURL.PostgresLocation, logger: Logger) -> UpliftError {
        let server = "\(l.host):\(l.port)"
        guard let psql = error as? PSQLError else {
            logger.debug(
                "cannot connect to the catalog", metadata: ["catalog.server": "\(server)", "error": "\(error)"])
            return UpliftError(
                .catalogUnavailable,
                "cannot connect to the PostgreSQL catalog at \(server); check that it runs and the URL")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        logger.debug(
            "cannot connect to the catalog",
            metadata: [
                "catalog.server": "\(server)", "catalog.error": "\(psql.code)", "catalog.sqlstate": "\(state)",
                "catalog.server_message": "\(psql.serverInfo?[.message] ?? "")",
            ])
        switch psql.code {
        case .server:
            switch state {
            case "28P01", "28000":
                return UpliftError(
                    .io,
                    "PostgreSQL at \(server) rejected the credentials of user '\(l.user)'; check the user and password in --catalog / UPLIFT_CATALOG"
                )
            case "3D000":
                return UpliftError(
                    .notFound,
                    "PostgreSQL at \(server) has no database '\(l.database)'; create it (createdb \(l.database)) or fix the URL"
                )
            case "3F000":
                return UpliftError(
                    .notFound,
                    "PostgreSQL database '\(l.database)' has no schema '\(l.schema ?? "")'; create it or fix ?schema=")
            case _ where CatalogErrors.isUnavailable(sqlState: state):
                return UpliftError(
                    .catalogUnavailable,
                    "PostgreSQL at \(server) cannot take the catalog connection now (SQLSTATE \(state): starting up, shutting down or out of connections); retry later"
                )
            default:
                return UpliftError(
                    .io,
                    "PostgreSQL at \(server) refused the catalog connection (SQLSTATE \(state); the server's message is logged at debug level)"
                )
            }
        case .connectionError:
            let detail = psql.underlying.map { "\($0)" } ?? ""
            let cause =
                detail.contains("refused")
                ? "connection refused"
                : detail.lowercased().contains("timed out") || detail.contains("timeout")
                    ? "timed out" : detail.isEmpty ? "no answer" : "network error"
            return UpliftError(
                .catalogUnavailable,
                "cannot reach the PostgreSQL catalog at \(server) (\(cause)); check that the server runs and the host and port in --catalog"
            )
        case .sslUnsupported:
            return UpliftError(
                .io, "PostgreSQL at \(server) does not offer TLS but the catalog URL has sslmode=require")
        case .authMechanismRequiresPassword:
            return UpliftError(
                .io, "PostgreSQL at \(server) asks for a password for user '\(l.user)' and the catalog URL has none")
        case _ where CatalogErrors.isLostConnection(psql.code):
            return UpliftError(
                .catalogUnavailable,
                "the PostgreSQL catalog at \(server) closed the connection while it was opened; retry later")
        default:
            return UpliftError(
                .io, "cannot open the PostgreSQL catalog at \(server): PostgreSQL client error \(psql.code)")
        }
    }
}

import Logging
import PostgresNIO
import SQLiteNIO
import UpliftModel

/// Errors of statements, made into one line. The database's own message can quote row data
/// (PostgreSQL's "invalid input syntax for type bigint: …"), so it goes to the debug log only;
/// the line names what failed and whether retrying can help.
enum CatalogErrors {
    static func wrap(_ error: any Error, _ doing: String, logger: Logger) -> UpliftError {
        if let error = error as? UpliftError { return error }
        if let psql = error as? PSQLError {
            let state = psql.serverInfo?[.sqlState]
            logger.debug(
                "catalog statement failed",
                metadata: [
                    "catalog.doing": "\(doing)", "catalog.error": "\(psql.code)", "catalog.sqlstate": "\(state ?? "")",
                    "catalog.server_message": "\(psql.serverInfo?[.message] ?? "")",
                ])
            guard let state else {
                if isLostConnection(psql.code) {
                    return UpliftError(
                        .catalogUnavailable, "lost the connection to the PostgreSQL catalog while \(doing); retry later"
                    )
                }
                return UpliftError(.io, "catalog error while \(doing): PostgreSQL client error \(psql.code)")
            }
            if isUnavailable(sqlState: state) {
                return UpliftError(
                    .catalogUnavailable,
                    "the PostgreSQL catalog cannot serve requests right now (SQLSTATE \(state): shutting down, starting up or out of resources) while \(doing); retry later"
                )
            }
            return UpliftError(
                .io, "catalog error while \(doing) (SQLSTATE \(state); the server's message is logged at debug level)")
        }
        if let sqlite = error as? SQLiteError {
            logger.debug(
                "catalog statement failed", metadata: ["catalog.doing": "\(doing)", "catalog.error": "\(sqlite)"])
            if sqlite.reason == .busy || sqlite.reason == .locked {
                return UpliftError(
                    .catalogUnavailable,
                    "the SQLite catalog stayed locked by another process while \(doing); retry later")
            }
            return UpliftError(
                .io, "catalog error while \(doing): SQLite \(sqlite.reason) (details are logged at debug level)")
        }
        return UpliftError(.io, "catalog error while \(doing): \(error)")
    }

    /// The connection broke (the server stopped or the network failed): another connection may work.
    static func isLostConnection(_ code: PSQLError.Code) -> Bool {
        [
            .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed,
            .queryCancelled,
        ]
        .contains(code)
    }

    /// SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57 (operator
    /// intervention: shutdown, starting up) and 58 (system error): the server, not the statement.
    static func isUnavailable(sqlState: String) -> Bool {
        ["08", "53", "57", "58"].contains(String(sqlState.prefix(2)))
    }
}

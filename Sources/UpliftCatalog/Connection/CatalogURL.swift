import Foundation
package import UpliftModel

/// Where the catalog lives: `sqlite:PATH` or `postgres://user:pass@host:port/db`.
///
/// Parsed once at the edge so that a typo is a one-line error before anything connects.
package enum CatalogURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// A PostgreSQL server and database. The password is kept out of `description`.
    package struct PostgresLocation: Sendable, Equatable {
        package var host: String
        package var port: Int
        package var user: String
        package var password: String?
        package var database: String
        /// `search_path` for the session (`?schema=NAME`): several catalogs can share one database.
        package var schema: String?
        package var tls: TLSMode

        package init(
            host: String, port: Int = 5432, user: String, password: String?, database: String, schema: String? = nil,
            tls: TLSMode = .disable
        ) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
            self.schema = schema
            self.tls = tls
        }
    }

    /// `?sslmode=` as libpq spells it; `prefer` falls back to plain text, `require` does not.
    package enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    /// The default: `<data>/catalog.sqlite`.
    package static func defaultURL(dataDirectory: String) -> CatalogURL {
        .sqlite(path: (dataDirectory as NSString).appendingPathComponent("catalog.sqlite"))
    }

    package init(parsing text: String) throws(UpliftError) {
        let help = "use sqlite:PATH or postgres://user:password@host:port/database"
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw UpliftError(.invalidInput, "catalog URL 'sqlite:' names no file; \(help)")
            }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw UpliftError(.invalidInput, "catalog URL scheme '\(scheme.prefix(20))' is not supported; \(help)")
        }
        // Never echo the URL itself in an error: it may carry a password.
        guard let parts = URLComponents(string: text), let host = parts.host, !host.isEmpty else {
            throw UpliftError(
                .invalidInput,
                "catalog URL is not a valid PostgreSQL URL (host missing or bad characters; percent-encode the password); \(help)"
            )
        }
        guard let user = parts.user, !user.isEmpty else {
            throw UpliftError(.invalidInput, "catalog URL names no user; \(help)")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw UpliftError(.invalidInput, "catalog URL names no database (or more than one path segment); \(help)")
        }
        if let port = parts.port, !(1...65535).contains(port) {
            throw UpliftError(.invalidInput, "catalog URL port \(port) is out of range 1-65535")
        }
        var location = PostgresLocation(
            host: host, port: parts.port ?? 5432, user: parts.user ?? user,
            password: parts.password, database: database)
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw UpliftError(.invalidInput, "catalog URL sslmode must be disable, prefer or require")
                }
                location.tls = mode
            case "schema":
                guard let schema = item.value, Self.isPlainIdentifier(schema) else {
                    throw UpliftError(
                        .invalidInput,
                        "catalog URL schema must be lowercase letters, digits and underscores, starting with a letter")
                }
                location.schema = schema
            default:
                throw UpliftError(
                    .invalidInput,
                    "catalog URL parameter '\(item.name.prefix(30))' is not supported (known: sslmode, schema)")
            }
        }
        self = .postgres(location)
    }

    /// For messages and logs: never the password.
    package var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let l): return "postgres://\(l.user)@\(l.host):\(l.port)/\(l.database)"
        }
    }

    static func isPlainIdentifier(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= 63 else {
            return false
        }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}

package import Foundation
import SQLKit
package import UpliftModel

/// What a request wants to do with a key.
package enum KeyAccess: Sendable {
    /// Send events (the SDK APIs).
    case ingest
    /// Queries, reports and administration.
    case read

    var kind: KeyKind { self == .ingest ? .write : .read }
}

/// The answer to "may this token do this?". Everything but `.granted` is a refusal; the server
/// maps them to 401/403 without saying more than it must.
package enum KeyCheck: Sendable, Equatable {
    case granted(ProjectSlug)
    /// Malformed, unknown, or its hash does not match.
    case unknownKey
    case revoked
    /// A write key used to read, or a read key used to ingest.
    case wrongKind
    /// A valid key of another project.
    case otherProject
}

extension Catalog {
    /// Creates a key; its token is in the result and nowhere else.
    package func createKey(
        project: ProjectSlug, kind: KeyKind, now: Date = Date()
    ) async throws(UpliftError) -> NewAPIKey {
        let secret = self.secret
        let created: NewAPIKey? = try await transaction("creating a key for \(project)") { db in
            guard try await db.raw("SELECT slug FROM projects WHERE slug = \(bind: project.value)").first() != nil
            else { return nil }
            return try await Self.insertKey(
                project: project, kind: kind, now: Self.date(Self.microseconds(now)), secret: secret, db: db)
        }
        guard let created else {
            throw UpliftError(
                .notFound, "project '\(project)' does not exist; create it with `uplift project create \(project)`")
        }
        return created
    }

    /// Keys, newest first: prefixes and times only.
    package func keys(project: ProjectSlug? = nil) async throws(UpliftError) -> [APIKeyInfo] {
        let rows = try await run("listing keys") { db in
            if let project {
                return try await db.raw(
                    "SELECT prefix, project, kind, created_at, revoked_at FROM api_keys WHERE project = \(bind: project.value) ORDER BY created_at DESC, prefix"
                ).all()
            }
            return try await db.raw(
                "SELECT prefix, project, kind, created_at, revoked_at FROM api_keys ORDER BY project, created_at DESC, prefix"
            ).all()
        }
        return try rows.map(Self.keyInfo(from:))
    }

    /// Revokes a key by its prefix (or the whole token, of which the prefix is taken).
    @discardableResult
    package func revokeKey(prefix given: String, now: Date = Date()) async throws(UpliftError) -> APIKeyInfo {
        let prefix = APIKeyToken.prefix(of: given.trimmingCharacters(in: .whitespaces))
        guard prefix.utf8.count == APIKeyToken.prefixLength else {
            throw UpliftError(
                .invalidInput,
                "a key prefix has \(APIKeyToken.prefixLength) characters (as `uplift key list` shows them)")
        }
        let at = Self.microseconds(now)
        let row = try await transaction("revoking key \(prefix)") { db in
            _ = try await db.raw(
                "UPDATE api_keys SET revoked_at = \(bind: at) WHERE prefix = \(bind: prefix) AND revoked_at IS NULL"
            ).run()
            return try await db.raw(
                "SELECT prefix, project, kind, created_at, revoked_at FROM api_keys WHERE prefix = \(bind: prefix)"
            ).first()
        }
        guard let row else {
            throw UpliftError(.notFound, "no key has the prefix '\(prefix)'; `uplift key list` shows the prefixes")
        }
        return try Self.keyInfo(from: row)
    }

    /// Checks a token for an access, and for a project when the request names one.
    /// The hash is computed and compared (in constant time) whatever the outcome, so timing
    /// says nothing about which prefixes exist.
    package func checkKey(
        _ token: String, for access: KeyAccess, project: ProjectSlug? = nil
    ) async throws(UpliftError) -> KeyCheck {
        let shaped = APIKeyToken.kind(of: token) != nil
        let prefix = APIKeyToken.prefix(of: token)
        let hash = APIKeyToken.hash(token, secret: secret)
        guard shaped else { return .unknownKey }
        let row = try await run("checking a key") { db in
            try await db.raw("SELECT project, kind, key_hash, revoked_at FROM api_keys WHERE prefix = \(bind: prefix)")
                .first()
        }
        let stored: (project: String, kind: String, hash: String, revoked: Bool)
        do {
            guard let row else { return .unknownKey }
            stored = (
                try row.decode(column: "project", as: String.self), try row.decode(column: "kind", as: String.self),
                try row.decode(column: "key_hash", as: String.self), !(try row.decodeNil(column: "revoked_at"))
            )
        } catch {
            throw UpliftError(.corrupt, "the catalog holds a key row that cannot be read: \(error)")
        }
        guard APIKeyToken.constantTimeEqual(stored.hash, hash) else { return .unknownKey }
        if stored.revoked { return .revoked }
        guard stored.kind == access.kind.rawValue else { return .wrongKind }
        guard let owner = try? ProjectSlug(stored.project) else { return .unknownKey }
        if let project, project != owner { return .otherProject }
        return .granted(owner)
    }

    static func insertKey(
        project: ProjectSlug, kind: KeyKind, now: Date, secret: CatalogSecret, db: any SQLDatabase
    ) async throws -> NewAPIKey {
        // A prefix collision (about 1 in 10^14 per pair) is retried with a new token.
        for _ in 0..<5 {
            let token = APIKeyToken.generate(kind: kind)
            let prefix = APIKeyToken.prefix(of: token)
            let inserted = try await db.raw(
                """
                INSERT INTO api_keys (prefix, project, kind, key_hash, created_at)
                VALUES (\(bind: prefix), \(bind: project.value), \(bind: kind.rawValue), \(bind: APIKeyToken.hash(token, secret: secret)), \(bind: microseconds(now)))
                ON CONFLICT (prefix) DO NOTHING RETURNING prefix
                """
            ).all()
            if !inserted.isEmpty {
                return NewAPIKey(project: project, kind: kind, token: token, prefix: prefix, createdAt: now)
            }
        }
        throw UpliftError(.io, "could not find a free key prefix after 5 tries; the random source looks broken")
    }

    private static func keyInfo(from row: any SQLRow) throws(UpliftError) -> APIKeyInfo {
        do {
            guard let kind = KeyKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                throw UpliftError(.corrupt, "the catalog holds a key of an unknown kind")
            }
            let revoked: Int64? =
                try row.decodeNil(column: "revoked_at") ? nil : try row.decode(column: "revoked_at", as: Int64.self)
            return APIKeyInfo(
                prefix: try row.decode(column: "prefix", as: String.self),
                project: try ProjectSlug(try row.decode(column: "project", as: String.self)),
                kind: kind, createdAt: date(try row.decode(column: "created_at", as: Int64.self)),
                revokedAt: revoked.map(date))
        } catch let error as UpliftError {
            throw UpliftError(.corrupt, "the catalog holds a bad key row: \(error.message)")
        } catch {
            throw UpliftError(.corrupt, "the catalog holds a key row that cannot be read: \(error)")
        }
    }
}

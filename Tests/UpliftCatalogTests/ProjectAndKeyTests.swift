import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct ProjectAndKeyTests {
    @Test(arguments: Backend.enabled)
    func createListAndRefuseADuplicateSlug(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let created = try await catalog.createProject(
                slug("shop"), name: "The Shop", settings: ProjectSettings(retentionDays: 90, timeZone: "Europe/Paris"))
            #expect(created.project.name == "The Shop")
            #expect(created.writeKey.token.hasPrefix("upw_"))
            #expect(created.readKey.token.hasPrefix("upr_"))
            _ = try await catalog.createProject(slug("blog"))
            let projects = try await catalog.projects()
            #expect(projects.map(\.slug.value) == ["blog", "shop"])
            #expect(projects.last == created.project)
            #expect(projects.first?.name == "blog")

            let error = try #require(await upliftError { _ = try await catalog.createProject(slug("shop")) })
            #expect(error.message.contains("already exists"))
            // The failed attempt left no keys behind.
            #expect(try await catalog.keys(project: slug("shop")).count == 2)
            #expect(try await catalog.ensureProject(slug("shop")) == false)
            #expect(try await catalog.ensureProject(slug("imported")) == true)
            #expect(try await catalog.project(slug("imported"))?.name == "imported")
        }
    }

    @Test(arguments: Backend.enabled)
    func settingsAreChangedAndReadBack(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            _ = try await catalog.createProject(slug("shop"))
            #expect(try await catalog.project(slug("shop"))?.settings == ProjectSettings())
            let privacy = PrivacySettings(
                ipAddresses: .truncate, dropProperties: ["phone"], hashProperties: ["email", "user \"name\""],
                redactEmails: true, redactCardNumbers: true)
            let settings = ProjectSettings(retentionDays: 30, timeZone: "Europe/Paris", privacy: privacy)
            try await catalog.setProjectSettings(slug("shop"), settings)
            #expect(try await catalog.project(slug("shop"))?.settings == settings)
            #expect(try await catalog.projects().first?.settings == settings)
            let missing = try #require(
                await upliftError { try await catalog.setProjectSettings(slug("nope"), settings) })
            #expect(missing.code == .notFound)
            let both = PrivacySettings(dropProperties: ["phone"], hashProperties: ["phone"])
            let refused = try #require(
                await upliftError {
                    try await catalog.setProjectSettings(slug("shop"), ProjectSettings(privacy: both))
                })
            #expect(refused.message.contains("both dropped and hashed"))
        }
    }

    @Test func badSettingsAreRefused() throws {
        #expect(throws: UpliftError.self) { try ProjectSettings(retentionDays: -1).validate() }
        #expect(throws: UpliftError.self) { try ProjectSettings(timeZone: "Mars/Olympus").validate() }
        try ProjectSettings(retentionDays: 30, timeZone: "America/New_York").validate()
    }

    /// A write key never reads, a read key never ingests, a revoked key never works, and a key of
    /// project A never touches project B.
    @Test(arguments: Backend.enabled)
    func keysGrantExactlyTheirKindOnTheirProject(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let a = try await catalog.createProject(slug("a"))
            let b = try await catalog.createProject(slug("b"))
            let (w, r) = (a.writeKey.token, a.readKey.token)

            #expect(try await catalog.checkKey(w, for: .ingest) == .granted(slug("a")))
            #expect(try await catalog.checkKey(w, for: .ingest, project: slug("a")) == .granted(slug("a")))
            #expect(try await catalog.checkKey(w, for: .read) == .wrongKind)
            #expect(try await catalog.checkKey(w, for: .read, project: slug("a")) == .wrongKind)
            #expect(try await catalog.checkKey(r, for: .read, project: slug("a")) == .granted(slug("a")))
            #expect(try await catalog.checkKey(r, for: .ingest) == .wrongKind)

            #expect(try await catalog.checkKey(w, for: .ingest, project: slug("b")) == .otherProject)
            #expect(try await catalog.checkKey(r, for: .read, project: slug("b")) == .otherProject)
            #expect(try await catalog.checkKey(b.readKey.token, for: .read, project: slug("a")) == .otherProject)

            // Same prefix, different secret part: the hash decides, not the prefix.
            var forged = Array(r)
            forged[forged.count - 1] = forged.last == "A" ? "B" : "A"
            #expect(try await catalog.checkKey(String(forged), for: .read) == .unknownKey)
            for junk in [
                "", "upr_", "upr_short", String(r.dropLast()), r + "x", "Bearer " + r,
                w.replacingOccurrences(of: "upw_", with: "upr_"),
            ] {
                #expect(try await catalog.checkKey(junk, for: .read) == .unknownKey, "\(junk.prefix(8))")
            }

            let revoked = try await catalog.revokeKey(prefix: a.readKey.prefix)
            #expect(revoked.isRevoked)
            #expect(try await catalog.checkKey(r, for: .read) == .revoked)
            #expect(try await catalog.checkKey(r, for: .read, project: slug("a")) == .revoked)
            // Revoking twice keeps the first time; a new read key works.
            let again = try await catalog.revokeKey(prefix: r)
            #expect(again.revokedAt == revoked.revokedAt)
            let fresh = try await catalog.createKey(project: slug("a"), kind: .read)
            #expect(try await catalog.checkKey(fresh.token, for: .read, project: slug("a")) == .granted(slug("a")))
            #expect(try await catalog.checkKey(r, for: .read) == .revoked)
        }
    }

    @Test(arguments: Backend.enabled)
    func keyListingShowsPrefixesAndTimesOnly(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let created = try await catalog.createProject(slug("p"), now: Date(timeIntervalSince1970: 1_700_000_000))
            let extra = try await catalog.createKey(
                project: slug("p"), kind: .write, now: Date(timeIntervalSince1970: 1_700_000_100))
            let keys = try await catalog.keys(project: slug("p"))
            #expect(keys.count == 3)
            #expect(keys.first?.prefix == extra.prefix)
            #expect(keys.first?.createdAt == Date(timeIntervalSince1970: 1_700_000_100))
            #expect(Set(keys.map(\.prefix)) == [created.writeKey.prefix, created.readKey.prefix, extra.prefix])
            #expect(keys.allSatisfy { $0.prefix.count == 12 && !$0.isRevoked })
            #expect(try await catalog.keys().count == 3)

            let missing = try #require(
                await upliftError { _ = try await catalog.createKey(project: slug("nope"), kind: .read) })
            #expect(missing.code == .notFound)
            let unknown = try #require(await upliftError { try await catalog.revokeKey(prefix: "upr_00000000") })
            #expect(unknown.code == .notFound)
            let short = try #require(await upliftError { try await catalog.revokeKey(prefix: "upr_") })
            #expect(short.code == .invalidInput)
        }
    }

    /// Keys made with one secret are refused at open with another: nodes must share it.
    @Test(arguments: Backend.enabled)
    func anotherSecretIsRefusedAtOpen(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let catalog = try await place.open()
            await catalog.close()
            let other = try CatalogSecret(text: String(repeating: "another-pepper-", count: 3))
            let error = try #require(await upliftError { _ = try await place.open(secret: other) })
            #expect(error.message.contains("secret differs"))
            let again = try await place.open()
            await again.close()
        }
    }
}

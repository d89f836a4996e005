import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct ExperimentCatalogTests {
    static let definition =
        #"{"key":"checkout-v2","hypothesis":"One page","variants":[{"key":"control","weight":0.5},{"key":"treatment","weight":0.5}],"status":"running"}"#

    @Test(arguments: Backend.enabled)
    func createGetListAndConflict(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("shop")
            _ = try await catalog.ensureProject(p)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(
                try await catalog.saveExperiment(
                    project: p, key: "checkout-v2", status: .running, definition: Self.definition, now: t0) == .created)
            // A second create is refused and writes nothing.
            #expect(
                try await catalog.saveExperiment(
                    project: p, key: "checkout-v2", status: .draft, definition: "{}", now: t0.addingTimeInterval(5))
                    == .exists)
            let stored = try #require(try await catalog.experiment(project: p, key: "checkout-v2"))
            #expect(stored.status == .running)
            #expect(stored.definition == Self.definition)
            #expect(stored.createdAt == t0 && stored.updatedAt == t0)

            // Replace keeps created_at.
            let t1 = t0.addingTimeInterval(60)
            #expect(
                try await catalog.saveExperiment(
                    project: p, key: "checkout-v2", status: .draft, definition: #"{"key":"checkout-v2"}"#,
                    replace: true, now: t1) == .replaced)
            let replaced = try #require(try await catalog.experiment(project: p, key: "checkout-v2"))
            #expect(replaced.status == .draft && replaced.definition == #"{"key":"checkout-v2"}"#)
            #expect(replaced.createdAt == t0 && replaced.updatedAt == t1)
            // Replace of an absent key creates it.
            #expect(
                try await catalog.saveExperiment(
                    project: p, key: "a-first", status: .running, definition: "{}", replace: true) == .created)

            #expect(try await catalog.experiments(project: p).map(\.key) == ["a-first", "checkout-v2"])
            #expect(try await catalog.experiments(project: p, statuses: [.running]).map(\.key) == ["a-first"])
            #expect(try await catalog.experiments(project: p, statuses: []).isEmpty)
            #expect(try await catalog.experiment(project: p, key: "nope") == nil)
            // Projects do not see each other's experiments.
            _ = try await catalog.ensureProject(slug("other"))
            #expect(try await catalog.experiments(project: slug("other")).isEmpty)
            #expect(try await catalog.experiment(project: slug("other"), key: "checkout-v2") == nil)
        }
    }

    @Test(arguments: Backend.enabled)
    func stopAndShipRecordTheStatusInTheDefinition(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("shop")
            _ = try await catalog.ensureProject(p)
            _ = try await catalog.saveExperiment(
                project: p, key: "checkout-v2", status: .running, definition: Self.definition)
            let shipped = try #require(
                try await catalog.setExperimentStatus(
                    project: p, key: "checkout-v2", status: .shipped, shippedVariant: "treatment"))
            #expect(shipped.status == .shipped)
            let reread = try #require(try await catalog.experiment(project: p, key: "checkout-v2"))
            #expect(reread == shipped)
            let json = try JSONValue(parsing: Array(reread.definition.utf8))
            #expect(json["status"] == .string("shipped"))
            #expect(json["shipped_variant"] == .string("treatment"))
            #expect(json["hypothesis"] == .string("One page"))  // the rest is kept
            #expect(try await catalog.experiments(project: p, statuses: [.running]).isEmpty)

            #expect(reread.shippedVariant == "treatment")

            let stopped = try #require(
                try await catalog.setExperimentStatus(project: p, key: "checkout-v2", status: .stopped))
            #expect(stopped.status == .stopped)
            #expect(stopped.shippedVariant == nil && !stopped.definition.contains("shipped_variant"))
            #expect(try await catalog.setExperimentStatus(project: p, key: "unknown", status: .stopped) == nil)
            let wrong = await upliftError {
                _ = try await catalog.setExperimentStatus(
                    project: p, key: "checkout-v2", status: .stopped, shippedVariant: "x")
            }
            #expect(wrong?.code == .invalidInput)
        }
    }

    @Test(arguments: Backend.enabled)
    func flagsSaveListAndSwitch(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("shop")
            _ = try await catalog.ensureProject(p)
            #expect(
                try await catalog.saveFlag(
                    project: p, key: "new-nav", enabled: true, definition: #"{"key":"new-nav","enabled":true}"#)
                    == .created)
            #expect(
                try await catalog.saveFlag(
                    project: p, key: "dark", enabled: false, definition: #"{"key":"dark","enabled":false}"#) == .created
            )
            #expect(try await catalog.saveFlag(project: p, key: "dark", enabled: true, definition: "{}") == .exists)
            #expect(try await catalog.flags(project: p).map(\.key) == ["dark", "new-nav"])
            #expect(try await catalog.flags(project: p, enabledOnly: true).map(\.key) == ["new-nav"])

            let off = try #require(try await catalog.setFlagEnabled(project: p, key: "new-nav", false))
            #expect(!off.enabled)
            #expect(try JSONValue(parsing: Array(off.definition.utf8))["enabled"] == .bool(false))
            #expect(try await catalog.flag(project: p, key: "new-nav") == off)
            #expect(try await catalog.flags(project: p, enabledOnly: true).isEmpty)
            #expect(try await catalog.setFlagEnabled(project: p, key: "nope", true) == nil)
            #expect(
                try await catalog.saveFlag(
                    project: p, key: "dark", enabled: true, definition: #"{"key":"dark","enabled":true}"#, replace: true
                ) == .replaced)
            #expect(try await catalog.flag(project: p, key: "dark")?.enabled == true)
        }
    }

    @Test(arguments: Backend.enabled)
    func badInputIsRefusedWithAReason(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("shop")
            _ = try await catalog.ensureProject(p)
            let missing = await upliftError {
                _ = try await catalog.saveExperiment(project: slug("ghost"), key: "k", status: .draft, definition: "{}")
            }
            #expect(missing?.code == .notFound)
            let notJSON = await upliftError {
                _ = try await catalog.saveExperiment(project: p, key: "k", status: .draft, definition: "{nope")
            }
            #expect(notJSON?.code == .invalidJSON)
            let notObject = await upliftError {
                _ = try await catalog.saveFlag(project: p, key: "k", enabled: true, definition: "[1]")
            }
            #expect(notObject?.code == .invalidInput)
            for key in ["", "a/b", "tab\tkey", String(repeating: "k", count: 201)] {
                let bad = await upliftError {
                    _ = try await catalog.saveExperiment(project: p, key: key, status: .draft, definition: "{}")
                }
                #expect(bad?.code == .invalidInput, "\(key.prefix(10))")
            }
            #expect(try await catalog.experiments(project: p).isEmpty)
        }
    }

    @Test(arguments: Backend.enabled)
    func definitionsSurviveReopening(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let p = slug("shop")
            try await place.withOpen { first in
                _ = try await first.ensureProject(p)
                _ = try await first.saveExperiment(
                    project: p, key: "ü-exp", status: .running, definition: #"{"hypothesis":"naïve \"quote\""}"#)
                _ = try await first.saveFlag(project: p, key: "f", enabled: true, definition: "{}")
            }
            try await place.withOpen { second async throws in
                #expect(
                    try await second.experiment(project: p, key: "ü-exp")?.definition
                        == #"{"hypothesis":"naïve \"quote\""}"#)
                #expect(try await second.flag(project: p, key: "f")?.enabled == true)
            }
        }
    }
}

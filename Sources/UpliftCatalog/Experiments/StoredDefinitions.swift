package import Foundation
package import UpliftModel

/// An experiment as the catalog keeps it. The definition is the experiments library's JSON text,
/// stored as is: the catalog knows only the key and the status it needs to select by.
package struct StoredExperiment: Sendable, Equatable {
    package enum Status: String, Sendable, Hashable, CaseIterable { case draft, running, stopped, shipped }

    package var project: ProjectSlug
    package var key: String
    package var status: Status
    /// JSON text (an object).
    package var definition: String
    package var createdAt: Date
    package var updatedAt: Date

    package init(
        project: ProjectSlug, key: String, status: Status, definition: String, createdAt: Date, updatedAt: Date
    ) {
        self.project = project
        self.key = key
        self.status = status
        self.definition = definition
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A feature flag as the catalog keeps it; `enabled` is copied out of the definition for selection.
package struct StoredFlag: Sendable, Equatable {
    package var project: ProjectSlug
    package var key: String
    package var enabled: Bool
    /// JSON text (an object).
    package var definition: String
    package var createdAt: Date
    package var updatedAt: Date

    package init(project: ProjectSlug, key: String, enabled: Bool, definition: String, createdAt: Date, updatedAt: Date)
    {
        self.project = project
        self.key = key
        self.enabled = enabled
        self.definition = definition
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What saving a definition did.
package enum SaveOutcome: Sendable, Equatable {
    case created
    /// It existed and `replace` was asked: the definition and status were replaced, `created_at` kept.
    case replaced
    /// It existed and `replace` was not asked: nothing was written (HTTP 409).
    case exists
}

extension StoredExperiment {
    /// The member the catalog adds to a definition when a variant is shipped.
    package static let shippedVariantMember = "shipped_variant"

    /// The variant shipped, as recorded in the definition (nil unless shipped).
    package var shippedVariant: String? {
        guard let json = try? JSONValue(parsing: Array(definition.utf8)),
            case .string(let variant)? = json[Self.shippedVariantMember]
        else {
            return nil
        }
        return variant
    }
}

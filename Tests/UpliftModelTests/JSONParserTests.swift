import Testing
@testable import UpliftModel

import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct KeyTokenTests {
    @Test(arguments: KeyKind.allCases)
    func tokensHaveAPrefixAFixedLengthAndAreDistinct(_ kind: KeyKind) {
        let tokens = (0..<200).map { _ in APIKeyToken.generate(kind: kind) }
        #expect(Set(tokens).count == 200)
        for token in tokens {
            #expect(token.hasPrefix(kind.tokenPrefix))
            #expect(token.count == 47)
            #expect(APIKeyToken.kind(of: token) == kind)
        }
    }

    @Test func base62IsPositionalAndPadded() {
        #expect(APIKeyToken.base62([0], width: 3) == "000")
        #expect(APIKeyToken.base62([61], width: 1) == "z")
        #expect(APIKeyToken.base62([62], width: 2) == "10")
        #expect(APIKeyToken.base62([1, 0], width: 0) == "48")  // 256 = 4·62 + 8
        #expect(APIKeyToken.base62([UInt8](repeating: 255, count: 32), width: 43).count == 43)
    }

    @Test func hashIsKeyedAndComparedExactly() throws {
        let s1 = try CatalogSecret(text: String(repeating: "a", count: 32))
        let s2 = try CatalogSecret(text: String(repeating: "b", count: 32))
        let token = APIKeyToken.generate(kind: .read)
        let h1 = APIKeyToken.hash(token, secret: s1)
        #expect(h1.count == 64)
        #expect(h1 == APIKeyToken.hash(token, secret: s1))
        #expect(h1 != APIKeyToken.hash(token, secret: s2))
        #expect(APIKeyToken.constantTimeEqual(h1, h1))
        #expect(!APIKeyToken.constantTimeEqual(h1, String(h1.dropLast()) + "x"))
        #expect(!APIKeyToken.constantTimeEqual(h1, String(h1.dropLast())))
    }

    @Test func secretFileIsCreatedOnceWithMode0600() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let first = try CatalogSecret.resolve(environmentValue: nil, dataDirectory: data)
            let second = try CatalogSecret.resolve(environmentValue: nil, dataDirectory: data)
            #expect(first.bytes == second.bytes)
            let attributes = try FileManager.default.attributesOfItem(atPath: data + "/catalog.secret")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let env = try CatalogSecret.resolve(
                environmentValue: String(repeating: "e", count: 40), dataDirectory: data)
            #expect(env.bytes != first.bytes)
            #expect(throws: UpliftError.self) {
                _ = try CatalogSecret.resolve(environmentValue: "short", dataDirectory: data)
            }
        }
    }
}

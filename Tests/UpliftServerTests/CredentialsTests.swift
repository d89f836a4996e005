import Foundation
import Testing

@testable import UpliftServer

/// The Foundation-free base64 of Basic credentials, against Foundation's, on random inputs.
struct CredentialsTests {
    @Test func base64MatchesFoundationOnRandomInputs() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Data(bytes).base64EncodedString()
            #expect(Base64.decode(Array(text.utf8)) == bytes, "length \(length)")
            // Unpadded input (some clients strip the padding) decodes the same.
            let unpadded = text.replacingOccurrences(of: "=", with: "")
            #expect(Base64.decode(Array(unpadded.utf8)) == bytes, "unpadded length \(length)")
        }
    }

    @Test(arguments: ["a", "ab=c", "a b", "@@@@", "abc==="])
    func malformedBase64IsRefused(_ text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }
}

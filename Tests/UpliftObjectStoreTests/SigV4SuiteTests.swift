import Foundation
import TestSupport
import Testing
import UpliftObjectStore

/// AWS's published Signature Version 4 test suite (Fixtures/aws4_testsuite, Apache 2.0, see its LICENSE and
/// NOTICE): for each request (`.req`), the canonical request (`.creq`), the string to sign (`.sts`) and
/// the `Authorization` header (`.authz`) must come out byte for byte. Its service is a generic one, so
/// paths are normalised (`PathRule.normalized`); S3's rule is checked against botocore (SigV4BotocoreTests).
@Suite struct SigV4SuiteTests {
    static let root = Paths.packageRoot.appendingPathComponent("Tests/UpliftObjectStoreTests/Fixtures/aws4_testsuite")
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// The session token of get-vanilla-with-session-token (the post-sts-token vectors carry theirs in the `.req`).
    static let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
    /// 2015-08-30T12:36:00Z, the suite's time.
    static let time: Int64 = 1_440_938_160

    /// Every vector's folder, relative to the suite's root.
    static let vectors: [String] = {
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".req") }.map { ($0 as NSString).deletingLastPathComponent }.sorted()
    }()

    @Test func theSuiteIsThere() {
        #expect(Self.vectors.count >= 30, "found \(Self.vectors)")
    }

    @Test(arguments: vectors) func vector(_ folder: String) throws {
        let name = (folder as NSString).lastPathComponent
        func file(_ ext: String) throws -> String {
            try String(
                contentsOf: Self.root.appendingPathComponent(folder).appendingPathComponent(name + "." + ext),
                encoding: .utf8)
        }
        var request = try Self.parse(try file("req"))
        let body = request.body
        // The token is signed here but not in the `.req`; the post-sts-token vectors carry theirs (signed, or
        // added after signing).
        let signsToken = name == "get-vanilla-with-session-token"
        if signsToken { request.request.headers.append(("X-Amz-Security-Token", Self.token)) }
        let signer = SigV4(
            credentials: Self.credentials, region: "us-east-1", service: "service", pathRule: .normalized)
        let payload = SigV4.payloadHash(Array(body.utf8))
        let canonical = signer.canonicalRequest(request.request, payloadHash: payload).text
        #expect(canonical == (try file("creq")), "\(name): canonical request")
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, time: Self.time)
        #expect(stringToSign == (try file("sts")), "\(name): string to sign")
        #expect(signer.authorization(request.request, payloadHash: payload, time: Self.time) == (try file("authz")))
    }

    /// A request that `SigV4.signed` completes: the date header (and a token when the credentials have one)
    /// added, then the same signature as the suite's.
    @Test func signedAddsTheDateAndTheToken() throws {
        let signer = SigV4(
            credentials: Self.credentials, region: "us-east-1", service: "service", pathRule: .normalized)
        let plain = signer.signed(
            SignableRequest(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")]),
            payloadHash: SigV4.payloadHash([UInt8]()), time: Self.time)
        #expect(plain.headers.contains { $0 == ("x-amz-date", "20150830T123600Z") })
        let expected = try String(
            contentsOf: Self.root.appendingPathComponent("get-vanilla/get-vanilla.authz"), encoding: .utf8)
        #expect(plain.headers.last! == ("Authorization", expected))
        let withToken = SigV4(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.credentials.secretAccessKey, sessionToken: Self.token),
            region: "us-east-1", service: "service", pathRule: .normalized)
        let tokenSigned = withToken.signed(
            SignableRequest(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")]),
            payloadHash: SigV4.payloadHash([UInt8]()), time: Self.time)
        let expectedToken = try String(
            contentsOf: Self.root.appendingPathComponent(
                "get-vanilla-with-session-token/get-vanilla-with-session-token.authz"), encoding: .utf8)
        #expect(tokenSigned.headers.last! == ("Authorization", expectedToken))
    }

    /// A `.req` file: request line, headers (a line starting with whitespace continues the one before),
    /// a blank line, the body. The query is percent-decoded: `SignableRequest` holds it decoded.
    static func parse(_ text: String) throws -> (request: SignableRequest, body: String) {
        let parts = text.components(separatedBy: "\n\n")
        let head = parts[0].components(separatedBy: "\n")
        let body = parts.dropFirst().joined(separator: "\n\n")
        let requestLine = head[0].components(separatedBy: " ")
        let method = requestLine[0]
        let target = requestLine[1..<(requestLine.count - 1)].joined(separator: " ")
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(name: String, value: String)] = []
        if pathAndQuery.count == 2 {
            for pair in pathAndQuery[1].split(separator: "&") {
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(nameValue[0]).removingPercentEncoding ?? String(nameValue[0])
                let value = nameValue.count > 1 ? (String(nameValue[1]).removingPercentEncoding ?? "") : ""
                query.append((name, value))
            }
        }
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return (SignableRequest(method: method, path: String(pathAndQuery[0]), query: query, headers: headers), body)
    }
}

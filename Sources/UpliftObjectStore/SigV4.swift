import Crypto
package import UpliftModel

/// The keys a request is signed with: the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for
/// temporary credentials, `AWS_SESSION_TOKEN`.
package struct AWSCredentials: Sendable {
    package let accessKeyID: String
    package let secretAccessKey: String
    package let sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The credentials in `environment`, or an error naming the variable that is missing.
    package static func from(environment: [String: String]) throws(UpliftError) -> AWSCredentials {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let key = value("AWS_ACCESS_KEY_ID") else {
            throw UpliftError(.invalidInput, "object storage needs credentials: set AWS_ACCESS_KEY_ID")
        }
        guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw UpliftError(.invalidInput, "object storage needs credentials: set AWS_SECRET_ACCESS_KEY")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
    }
}

/// A request as AWS Signature Version 4 sees it: the method, the path and query before percent-encoding,
/// and the headers as they will be sent.
package struct SignableRequest: Sendable {
    package var method: String
    /// The path as the server is to read it, not percent-encoded: `/bucket/project=demo/date=2026-01-01/x.parquet`.
    package var path: String
    /// Query parameters, not percent-encoded, in any order (`uploads` is `("uploads", "")`).
    package var query: [(name: String, value: String)]
    /// Header names in any case; a name may repeat.
    package var headers: [(name: String, value: String)]

    package init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// The path and query as they go on the request line, encoded exactly as they were signed.
    package var target: String {
        let path = SigV4.encode(path, keepingSlash: true)
        guard !query.isEmpty else { return path }
        return path + "?" + SigV4.canonicalQuery(query)
    }
}

/// AWS Signature Version 4: the canonical request, the string to sign and the `Authorization` header, as
/// AWS specifies them (and as its published test suite checks).
package struct SigV4: Sendable {
    /// How the path is canonicalised. S3 signs the path as sent, each byte outside the unreserved set
    /// encoded once. Every other service first removes `.` and `..` segments and repeated slashes.
    package enum PathRule: Sendable {
        case s3
        case normalized
    }

    package static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request whose body is not signed.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"

    package let credentials: AWSCredentials
    package let region: String
    package let service: String
    package let pathRule: PathRule

    package init(credentials: AWSCredentials, region: String, service: String = "s3", pathRule: PathRule = .s3) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathRule = pathRule
    }

    /// The hex SHA-256 of a body: the payload hash S3 is sent in `x-amz-content-sha256`.
    package static func payloadHash(_ body: [UInt8]) -> String {
        hex(SHA256.hash(data: body))
    }

    /// `request` with `x-amz-date` (and `x-amz-security-token` for temporary credentials) and
    /// `Authorization` added. `time` is seconds since the epoch, UTC.
    package func signed(_ request: SignableRequest, payloadHash: String, time: Int64) -> SignableRequest {
        var request = request
        request.headers.append(("x-amz-date", Self.amzDate(time)))
        if let token = credentials.sessionToken { request.headers.append(("x-amz-security-token", token)) }
        request.headers.append(("Authorization", authorization(request, payloadHash: payloadHash, time: time)))
        return request
    }

    /// The `Authorization` header's value for `request`, whose headers must already include every header to
    /// be signed (`x-amz-date` among them).
    package func authorization(_ request: SignableRequest, payloadHash: String, time: Int64) -> String {
        let (canonical, signedHeaders) = canonicalRequest(request, payloadHash: payloadHash)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, time: time), time: time)
        return Self.algorithm + " Credential=" + credentials.accessKeyID + "/" + scope(time) + ", SignedHeaders="
            + signedHeaders + ", Signature=" + signature
    }

    /// The canonical request and the signed header list (`host;x-amz-date`).
    package func canonicalRequest(
        _ request: SignableRequest, payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let path: String
        switch pathRule {
        case .s3: path = Self.encode(request.path.isEmpty ? "/" : request.path, keepingSlash: true)
        case .normalized: path = Self.encode(Self.normalize(request.path), keepingSlash: true)
        }
        // Each header once, lowercased, its values trimmed, inner runs of spaces made one, repeats joined by commas.
        var values: [String: [String]] = [:]
        for (name, value) in request.headers { values[name.lowercased(), default: []].append(Self.trim(value)) }
        let names = values.keys.sorted()
        let headers = names.map { $0 + ":" + values[$0]!.joined(separator: ",") + "\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method, path, Self.canonicalQuery(request.query), headers, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    package func stringToSign(canonicalRequest: String, time: Int64) -> String {
        [
            Self.algorithm, Self.amzDate(time), scope(time),
            Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    package func signature(stringToSign: String, time: Int64) -> String {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [String(Self.amzDate(time).prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// `20150830/us-east-1/service/aws4_request`.
    package func scope(_ time: Int64) -> String {
        String(Self.amzDate(time).prefix(8)) + "/" + region + "/" + service + "/aws4_request"
    }

    /// `20150830T123600Z`.
    package static func amzDate(_ time: Int64) -> String {
        let iso = Timestamp.formatSeconds(time * 1_000_000)  // 2015-08-30T12:36:00Z
        return String(iso.filter { $0 != "-" && $0 != ":" })
    }

    /// Parameters sorted by encoded name, then encoded value, as `name=value` joined by `&`.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (encode($0.name, keepingSlash: false), encode($0.value, keepingSlash: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    /// Every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` (and `/` when kept) as `%XX`, upper-case hex.
    static func encode(_ text: String, keepingSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepingSlash:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The path without `.` and `..` segments or empty ones, keeping a trailing slash (RFC 3986 §5.2.4).
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..")
        let joined = "/" + segments.joined(separator: "/")
        return trailing && !segments.isEmpty ? joined + "/" : joined
    }

    /// Leading and trailing whitespace removed, each inner run of whitespace (a folded header's line breaks
    /// among it) made one space.
    private static func trim(_ value: String) -> String {
        var out = ""
        var space = false
        for ch in value.trimmingWhitespace() {
            if ch.isWhitespaceByte {
                space = true
                continue
            }
            if space && !out.isEmpty { out.append(" ") }
            space = false
            out.append(ch)
        }
        return out
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isWhitespaceByte: Bool {
        self == " " || self == "\t" || self == "\n" || self == "\r\n" || self == "\r"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        guard let start = firstIndex(where: { !$0.isWhitespaceByte }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespaceByte })!
        return self[start...end]
    }
}

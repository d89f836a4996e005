package import UpliftModel

/// Where objects live: `s3://BUCKET/PREFIX` at an endpoint, in a region.
///
/// With an endpoint (`--s3-endpoint http://127.0.0.1:9000`: MinIO, Ceph, R2, a test server) requests
/// use path-style addressing (`http://HOST:PORT/BUCKET/KEY`); without one, AWS's virtual-hosted style
/// (`https://BUCKET.s3.REGION.amazonaws.com/KEY`).
package struct S3Location: Sendable, Equatable, CustomStringConvertible {
    package enum Scheme: String, Sendable { case http, https }

    package let bucket: String
    /// Every key Uplift writes starts with this (empty, or ending with `/`).
    package let prefix: String
    package let region: String
    package let scheme: Scheme
    /// `host` or `host:port`, as the `Host` header carries it.
    package let authority: String
    /// Whether the bucket is the path's first segment (an explicit endpoint) or the host's first label (AWS).
    package let pathStyle: Bool

    /// `url`: `s3://BUCKET[/PREFIX]`; `endpoint`: `http(s)://HOST[:PORT]` or nil for AWS; `region`: nil
    /// reads `AWS_REGION`, then `AWS_DEFAULT_REGION`, else `us-east-1`.
    package init(
        url: String, endpoint: String? = nil, region: String? = nil, environment: [String: String] = [:]
    ) throws(UpliftError) {
        guard url.hasPrefix("s3://") else {
            throw UpliftError(.invalidInput, "storage \(UpliftError.quote(url)) is not an s3://BUCKET/PREFIX address")
        }
        let rest = url.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard Self.isBucketName(bucket) else {
            throw UpliftError(
                .invalidInput,
                "\(UpliftError.quote(bucket)) is not a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens"
            )
        }
        var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        self.bucket = bucket
        self.prefix = prefix
        let regionName = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        guard !regionName.isEmpty, regionName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw UpliftError(.invalidInput, "\(UpliftError.quote(regionName)) is not a region name (like eu-west-1)")
        }
        self.region = regionName
        if let endpoint {
            let scheme: Scheme
            let hostPart: Substring
            if endpoint.hasPrefix("http://") {
                scheme = .http
                hostPart = endpoint.dropFirst("http://".count)
            } else if endpoint.hasPrefix("https://") {
                scheme = .https
                hostPart = endpoint.dropFirst("https://".count)
            } else {
                throw UpliftError(
                    .invalidInput, "--s3-endpoint \(UpliftError.quote(endpoint)) must start with http:// or https://")
            }
            let authority = String(hostPart.prefix { $0 != "/" })
            guard !authority.isEmpty, hostPart.dropFirst(authority.count).allSatisfy({ $0 == "/" }) else {
                throw UpliftError(
                    .invalidInput,
                    "--s3-endpoint \(UpliftError.quote(endpoint)) must be a scheme, host and port, with no path")
            }
            self.scheme = scheme
            self.authority = authority
            self.pathStyle = true
        } else {
            scheme = .https
            authority = bucket + ".s3." + regionName + ".amazonaws.com"
            pathStyle = false
        }
    }

    /// The path of `key` (the full key, prefix included) on the endpoint, not percent-encoded.
    package func path(of key: String) -> String {
        pathStyle ? "/" + bucket + "/" + key : "/" + key
    }

    /// The path of the bucket itself (listing, creating).
    package var bucketPath: String { pathStyle ? "/" + bucket : "/" }

    /// `scheme://authority`.
    package var origin: String { scheme.rawValue + "://" + authority }

    package var description: String { "s3://" + bucket + "/" + prefix }

    /// S3's rule for new buckets: 3–63 characters of `a-z 0-9 . -`, starting and ending with a letter or digit.
    private static func isBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x2D }
    }
}

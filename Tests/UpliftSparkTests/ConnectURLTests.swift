import Testing
import UpliftModel
import UpliftSpark

/// Connection strings as Spark's `client-connection-string.md` and pyspark's `ChannelBuilder` read them.
@Suite struct ConnectURLTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var endpoint: String
        var usesTLS = false
        var token: String?
        var userID: String?
        var sessionID: String?
        var headers: [SparkConnectURL.Header] = []
        var testDescription: String { text }
    }

    static let valid = [
        Valid(text: "sc://localhost", endpoint: "localhost:15002"),
        Valid(text: "sc://myhost.com/", endpoint: "myhost.com:15002"),
        Valid(text: "sc://127.0.0.1:15003", endpoint: "127.0.0.1:15003"),
        Valid(text: "sc://spark_connect:443/", endpoint: "spark_connect:443"),
        Valid(text: "sc://myhost.com:443/;use_ssl=true", endpoint: "myhost.com:443", usesTLS: true),
        Valid(text: "sc://myhost.com:443/;use_ssl=TRUE", endpoint: "myhost.com:443", usesTLS: true),
        Valid(text: "sc://myhost.com:443/;use_ssl=false", endpoint: "myhost.com:443"),
        Valid(
            text: "sc://myhost.com:443/;use_ssl=true;token=ABCDEFG", endpoint: "myhost.com:443", usesTLS: true,
            token: "ABCDEFG"),
        // A token alone turns TLS on, even with use_ssl=false; '=' and '/' may stay unescaped in it.
        Valid(text: "sc://h/;token=ab/c+d==", endpoint: "h:15002", usesTLS: true, token: "ab/c+d=="),
        Valid(text: "sc://h/;use_ssl=false;token=t", endpoint: "h:15002", usesTLS: true, token: "t"),
        Valid(text: "sc://h/;token=a%3Bb%20c", endpoint: "h:15002", usesTLS: true, token: "a;b c"),
        Valid(text: "sc://h/;user_id=Martin%20K%C3%BChn", endpoint: "h:15002", userID: "Martin Kühn"),
        Valid(text: "sc://h/;user_id=100%", endpoint: "h:15002", userID: "100%"),
        Valid(
            text: "sc://h/;session_id=550e8400-e29b-41d4-a716-446655440000", endpoint: "h:15002",
            sessionID: "550e8400-e29b-41d4-a716-446655440000"),
        Valid(text: "sc://[::1]:15002/", endpoint: "[::1]:15002"),
        Valid(text: "sc://[2001:db8::7]", endpoint: "[2001:db8::7]:15002"),
        Valid(
            text: "sc://h/;x-api-key=k1;routing.hint=eu_1", endpoint: "h:15002",
            headers: [.init(name: "x-api-key", value: "k1"), .init(name: "routing.hint", value: "eu_1")]),
    ]

    @Test(arguments: valid)
    func parses(_ valid: Valid) throws {
        let url = try SparkConnectURL(parsing: valid.text)
        #expect(url.endpoint == valid.endpoint)
        #expect(url.usesTLS == valid.usesTLS)
        #expect(url.token == valid.token)
        #expect(url.userID == valid.userID)
        #expect(url.sessionID == valid.sessionID)
        #expect(url.headers == valid.headers)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        /// A phrase the message must contain.
        var says: String
        var testDescription: String { text }
    }

    static let invalid = [
        Invalid(text: "", says: "must start with sc://"),
        Invalid(text: "http://localhost:15002", says: "must start with sc://"),
        Invalid(text: "SC://localhost", says: "must start with sc://"),
        Invalid(text: "sc://", says: "host is missing"),
        Invalid(text: "sc://:15002/", says: "host is missing"),
        Invalid(text: "sc://myhost.com:443/mypathprefix/;token=AAAAAAA", says: "cannot have a path ('mypathprefix/')"),
        Invalid(text: "sc://h;token=x", says: "parameters follow a '/'"),
        Invalid(text: "sc://h/?token=x", says: "'?' and '#'"),
        Invalid(text: "sc://h:0", says: "not a number from 1 to 65535"),
        Invalid(text: "sc://h:65536", says: "not a number from 1 to 65535"),
        Invalid(text: "sc://h:", says: "the port '' is not"),
        Invalid(text: "sc://h:-1", says: "not a number"),
        Invalid(text: "sc://h:1x", says: "the port '1x'"),
        Invalid(text: "sc://::1/", says: "IPv6 address in brackets"),
        Invalid(text: "sc://[::1/", says: "closing ']'"),
        Invalid(text: "sc://[::1]x/", says: "only ':PORT'"),
        Invalid(text: "sc://[zz]/", says: "not an IPv6 address"),
        Invalid(text: "sc://my host/", says: "not a host name"),
        Invalid(text: "sc://-h/", says: "not a host name"),
        Invalid(text: "sc://user:secret@h/", says: "user name or password"),
        Invalid(text: "sc://h/;", says: "key=value"),
        Invalid(text: "sc://h/;use_ssl=true;", says: "key=value"),
        Invalid(text: "sc://h/;token", says: "key=value"),
        Invalid(text: "sc://h/;=x", says: "key=value"),
        Invalid(text: "sc://h/;token=", says: "token must be non-empty"),
        Invalid(text: "sc://h/;token=a%0Ab", says: "printable ASCII"),
        Invalid(text: "sc://h/;use_ssl=yes", says: "use_ssl is true or false, not 'yes'"),
        Invalid(text: "sc://h/;user_id=a;user_id=b", says: "'user_id' appears twice"),
        Invalid(text: "sc://h/;session_id=abc", says: "session_id must be a UUID"),
        Invalid(text: "sc://h/;grpc_keepalive_time_ms=0", says: "positive whole number"),
        Invalid(text: "sc://h/;X-Api-Key=k", says: "header names are lowercase"),
        Invalid(text: "sc://h/;grpc-timeout=1S", says: "gRPC sets itself"),
        Invalid(text: "sc://h/;trace-bin=AAAA", says: "gRPC sets itself"),
        Invalid(text: "sc://h/;content-type=text", says: "gRPC sets itself"),
        Invalid(text: "sc://h/;x-key=%FF", says: "printable ASCII"),
    ]

    @Test(arguments: invalid)
    func refuses(_ invalid: Invalid) {
        let error = #expect(throws: UpliftError.self) { try SparkConnectURL(parsing: invalid.text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains(invalid.says) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("write it as sc://HOST[:PORT]/") == true)
    }

    /// Neither the token nor a header's value shows in a message, a description or a dump.
    @Test func secretsNeverShow() throws {
        let url = try SparkConnectURL(parsing: "sc://h:443/;token=s3cr3tT0k3n;user_id=ann;x-api-key=hidd3nK3y")
        #expect(url.description == "sc://h:443/;token=***;user_id=ann;x-api-key=***")
        #expect(url.debugDescription == url.description)
        var dumped = ""
        dump(url, to: &dumped)
        var dumpedHeaders = ""
        dump(url.requestHeaders, to: &dumpedHeaders)
        let texts = [
            url.description, dumped, "\(url)", String(reflecting: url), dumpedHeaders, "\(url.requestHeaders)",
        ]
        #expect(dumpedHeaders.contains("authorization") && dumpedHeaders.contains("x-api-key"))
        for text in texts {
            #expect(!text.contains("s3cr3t") && !text.contains("hidd3n"), "\(text)")
        }
        #expect(
            url.requestHeaders == [
                .init(name: "authorization", value: "Bearer s3cr3tT0k3n"), .init(name: "x-api-key", value: "hidd3nK3y"),
            ])
        for text in ["sc://h/;token=s3cr3t%0A", "sc://h/;token=s3cr3t;token=s3cr3t2", "sc://h/;x-k=s3cr3t%FF"] {
            let error = #expect(throws: UpliftError.self) { try SparkConnectURL(parsing: text) }
            #expect(error?.message.contains("s3cr3t") == false)
        }
    }

    @Test func keepaliveParameters() throws {
        let defaults = try SparkConnectURL(parsing: "sc://h")
        #expect(defaults.keepalive == SparkConnectURL.Keepalive())
        #expect(defaults.keepalive.timeMilliseconds == 60_000 && defaults.keepalive.enabled)
        let url = try SparkConnectURL(
            parsing: "sc://h/;grpc_keepalive_enabled=false;grpc_keepalive_time_ms=30000;"
                + "grpc_keepalive_timeout_ms=5000;grpc_keepalive_without_calls=false;user_agent=uplift")
        #expect(!url.keepalive.enabled && !url.keepalive.withoutCalls)
        #expect(url.keepalive.timeMilliseconds == 30_000 && url.keepalive.timeoutMilliseconds == 5000)
        #expect(url.userAgent == "uplift")
        #expect(url.headers.isEmpty)
    }
}

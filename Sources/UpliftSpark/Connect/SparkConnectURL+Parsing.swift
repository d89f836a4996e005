package import UpliftModel

extension SparkConnectURL {
    /// What every refusal says to write.
    private static let form =
        "write it as sc://HOST[:PORT]/[;key=value…], e.g. sc://spark.example.com:15002/;use_ssl=true"

    /// Headers that gRPC or HTTP/2 set themselves.
    private static let reservedHeaders: Set<String> = ["content-type", "te", "host", "user-agent", "connection"]

    /// Parses a connection string; `.invalidInput` with what to write instead. Refusals quote the
    /// host, port and parameter names but never a parameter's value (it may be the token).
    package init(parsing text: String) throws(UpliftError) {
        guard text.hasPrefix("sc://") else {
            throw Self.invalid("it must start with sc:// (lowercase)")
        }
        let rest = text.dropFirst(5)
        if rest.contains("?") || rest.contains("#") {
            throw Self.invalid("'?' and '#' have no meaning in it; parameters go after '/;', separated by ';'")
        }
        let authority: Substring
        var parameters: [Substring] = []
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard path.first == ";" else {
                    throw Self.invalid("it cannot have a path (\(UpliftError.quote(path.prefix { $0 != ";" })))")
                }
                parameters = path.dropFirst().split(separator: ";", omittingEmptySubsequences: false)
            }
        } else {
            if rest.contains(";") {
                throw Self.invalid("parameters follow a '/' after the host and port, as in sc://HOST:PORT/;key=value")
            }
            authority = rest
        }
        let (host, port) = try Self.parseAuthority(authority)
        self.init(host: host, port: port)
        var seen: Set<String> = []
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "="), equals != parameter.startIndex else {
                throw Self.invalid("each parameter is key=value, separated by ';' (found an empty or bare one)")
            }
            let key = String(parameter[..<equals])
            let value = Self.percentDecoded(parameter[parameter.index(after: equals)...])
            guard seen.insert(key).inserted else {
                throw Self.invalid("the parameter \(UpliftError.quote(key)) appears twice; give it once")
            }
            try apply(key: key, value: value)
        }
    }

    private mutating func apply(key: String, value: String) throws(UpliftError) {
        switch key {
        case "token":
            guard !value.isEmpty, value.unicodeScalars.allSatisfy(Self.isHeaderValueScalar) else {
                throw Self.invalid("token must be non-empty printable ASCII (percent-encode other bytes)")
            }
            token = value
        case "use_ssl": useSSL = try Self.flag(key, value)
        case "user_id": userID = value
        case "user_agent":
            guard value.utf8.count <= 2048 else { throw Self.invalid("user_agent is longer than 2048 bytes") }
            userAgent = value
        case "session_id":
            guard Self.isUUID(value) else {
                throw Self.invalid("session_id must be a UUID such as 550e8400-e29b-41d4-a716-446655440000")
            }
            sessionID = value
        case "grpc_keepalive_enabled": keepalive.enabled = try Self.flag(key, value)
        case "grpc_keepalive_time_ms": keepalive.timeMilliseconds = try Self.milliseconds(key, value)
        case "grpc_keepalive_timeout_ms": keepalive.timeoutMilliseconds = try Self.milliseconds(key, value)
        case "grpc_keepalive_without_calls": keepalive.withoutCalls = try Self.flag(key, value)
        default:
            try Self.checkHeader(name: key, value: value)
            headers.append(Header(name: key, value: value))
        }
    }

    /// `HOST`, `HOST:PORT`, `[IPV6]` or `[IPV6]:PORT`.
    private static func parseAuthority(_ authority: Substring) throws(UpliftError) -> (String, Int) {
        if authority.contains("@") {
            throw invalid("it cannot hold a user name or password before '@'; pass a token as ;token=…")
        }
        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw invalid("an IPv6 address needs its closing ']'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw invalid("only ':PORT' may follow an IPv6 address's ']'") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else {
                throw invalid("\(UpliftError.quote(host)) in brackets is not an IPv6 address")
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("write an IPv6 address in brackets, as in sc://[::1]:15002") }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard !host.isEmpty else { throw invalid("the host is missing, as in sc://localhost:15002") }
            let allowed = host.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0))
            }
            guard allowed, host.first != ".", host.first != "-" else {
                throw invalid("\(UpliftError.quote(host)) is not a host name or IP address")
            }
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(Self.isDigit),
                let number = Int(portText), (1...65_535).contains(number)
            else {
                throw invalid("the port \(UpliftError.quote(portText)) is not a number from 1 to 65535")
            }
            port = number
        }
        return (String(host), port)
    }

    private static func flag(_ key: String, _ value: String) throws(UpliftError) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid("\(key) is true or false, not \(UpliftError.quote(value))")
        }
    }

    private static func milliseconds(_ key: String, _ value: String) throws(UpliftError) -> Int {
        guard value.count <= 10, value.allSatisfy(Self.isDigit), let number = Int(value), number > 0 else {
            throw invalid("\(key) is a positive whole number of milliseconds, not \(UpliftError.quote(value))")
        }
        return number
    }

    /// gRPC metadata names are lowercase ASCII letters, digits, `-`, `_` and `.`; `grpc-` names
    /// belong to gRPC, `-bin` names carry binary values, which a URL cannot.
    private static func checkHeader(name: String, value: String) throws(UpliftError) {
        let nameIsValid = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard nameIsValid else {
            throw invalid(
                "the parameter \(UpliftError.quote(name)) is not one Spark defines, so it would be sent as a gRPC "
                    + "header, but header names are lowercase letters, digits, '-', '_' and '.'")
        }
        guard !name.hasPrefix("grpc-"), !name.hasSuffix("-bin"), !reservedHeaders.contains(name) else {
            throw invalid("the parameter \(UpliftError.quote(name)) names a header that gRPC sets itself")
        }
        guard value.unicodeScalars.allSatisfy(isHeaderValueScalar) else {
            throw invalid("the value of \(UpliftError.quote(name)) must be printable ASCII")
        }
    }

    private static func isDigit(_ character: Character) -> Bool {
        ("0"..."9").contains(character)
    }

    private static func isHeaderValueScalar(_ scalar: Unicode.Scalar) -> Bool {
        (0x20...0x7E).contains(scalar.value)
    }

    /// 8-4-4-4-12 hexadecimal digits.
    private static func isUUID(_ value: String) -> Bool {
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// `%XX` escapes decoded; a `%` not followed by two hex digits stays as it is (as Python's
    /// `unquote`, which pyspark uses, does); bytes that are not UTF-8 become U+FFFD.
    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalid(_ problem: String) -> UpliftError {
        UpliftError(.invalidInput, "invalid Spark Connect URL: \(problem); \(form)")
    }
}

import HTTPTypes
import Hummingbird

/// The front door's session cookie: `uplift_session=<random id>`, `HttpOnly` (no script reads it),
/// `SameSite=Strict` (a browser never sends it with a request that another site starts), `Path=/`,
/// `Max-Age` of the session's lifetime, and `Secure` when the page was reached over HTTPS: served by
/// Uplift itself (`--tls-cert`) or by a proxy in front of it, either way seen in the form post's
/// `Origin` (`https://…`, set by the browser) or in `X-Forwarded-Proto: https`.
enum SessionCookie {
    static let name = "uplift_session"

    /// The session id the request's `Cookie` header carries, if any (the first, when sent twice).
    static func id(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, trimmed(parts[0]) == name else { continue }
                return trimmed(parts[1])
            }
        }
        return nil
    }

    /// Whether `id` has the shape of an id this server makes (43 base64url characters); anything else
    /// is refused before it is looked up.
    static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == 43
            && id.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "_")
            }
    }

    /// The `Set-Cookie` value that opens a session.
    static func setting(_ id: String, maxAge: Duration, secure: Bool) -> String {
        "\(name)=\(id); Path=/; Max-Age=\(maxAge.components.seconds); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that makes the browser forget the session.
    static func clearing(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether the browser reached this server over HTTPS (through a proxy that ends TLS).
    static func isSecure(_ request: Request) -> Bool {
        if let origin = request.headers[.origin], origin.lowercased().hasPrefix("https://") { return true }
        if let proto = request.headers[xForwardedProto], trimmed(proto[...]).lowercased() == "https" { return true }
        return false
    }

    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let c = text.first, c == " " || c == "\t" { text = text.dropFirst() }
        while let c = text.last, c == " " || c == "\t" { text = text.dropLast() }
        return String(text)
    }
}

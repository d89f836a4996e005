package import NIOSSL
package import UpliftModel

/// HTTPS for `uplift serve --tls-cert FILE --tls-key FILE`, so a node can face clients without a proxy.
package enum ServerTLS {
    /// The server's TLS settings from PEM files: the certificate chain (the server's certificate first) and
    /// its private key. TLS 1.2 or newer. Every problem (unreadable, not PEM, a key that does not match the
    /// certificate) is one clear error before the server listens.
    package static func configuration(certificateFile: String, keyFile: String) throws(UpliftError) -> TLSConfiguration
    {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw UpliftError(
                .invalidInput,
                "--tls-cert \(certificateFile): cannot read a PEM certificate chain (\(error)); pass the server's certificate, then its intermediates, in PEM"
            )
        }
        guard !chain.isEmpty else {
            throw UpliftError(.invalidInput, "--tls-cert \(certificateFile): the file holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw UpliftError(
                .invalidInput,
                "--tls-key \(keyFile): cannot read a PEM private key (\(error)); pass the unencrypted key of the certificate"
            )
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            // Made once here so that a key that does not match the certificate is refused now, not per connection.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw UpliftError(
                .invalidInput,
                "--tls-cert and --tls-key do not make a usable pair (\(error)); check that the key is the certificate's"
            )
        }
        return configuration
    }
}

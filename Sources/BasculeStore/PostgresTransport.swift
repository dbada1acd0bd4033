import BasculeDomain
import Foundation
import PostgresKit

/// How a connection to PostgreSQL protects the password and the data on the wire.
///
/// postgres-kit only *prefers* TLS by default: a server (or anyone in between) that answers
/// "no TLS" gets the password and every row in clear. To a server on this machine (loopback or a
/// Unix socket) nothing crosses a network, and the URL's choice stands. To any other, TLS is
/// required, with the server's certificate checked against the system's CAs or the URL's
/// `sslrootcert`; a URL asking for no TLS there is refused, unless the location allows cleartext
/// (the CLI's `--insecure-database`, documented as such and warned about at every run).
enum PostgresTransport {
    static func configuration(url: String, location: StoreLocation, password: String?,
                              allowCleartext: Bool) throws(StoreError) -> SQLPostgresConfiguration {
        guard let endpoint = PostgresEndpoint(url) else {
            throw .cannotOpen(location: location.description, reason: "URL PostgreSQL illisible")
        }
        var config: SQLPostgresConfiguration
        do {
            config = try SQLPostgresConfiguration(url: url)
        } catch {
            throw .cannotOpen(location: location.description, reason: "URL PostgreSQL illisible : \(error)")
        }
        if let password { config.coreConfiguration.password = password }
        var mode = endpoint.mode
        if !endpoint.isLocal && !allowCleartext {
            if mode == .disable {
                throw .insecureTransport(host: endpoint.host, reason: "l'URL demande une connexion sans TLS (sslmode=disable)")
            }
            mode = .require
        }
        if let ca = endpoint.rootCertificate {
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw .cannotOpen(location: location.description, reason: "sslrootcert illisible : \(ca)")
            }
        }
        // The URL's own choice, with the system's CAs, is what postgres-kit already set up; a
        // stricter mode or another CA needs a TLS context of ours.
        if mode != endpoint.mode || endpoint.rootCertificate != nil {
            switch mode ?? (endpoint.isSocket ? .disable : .prefer) {
            case .disable:
                config.coreConfiguration.tls = .disable
            case .prefer:
                config.coreConfiguration.tls = .prefer(try context(endpoint, location: location))
            case .require:
                config.coreConfiguration.tls = .require(try context(endpoint, location: location))
            }
        }
        return config
    }

    /// A client TLS context that checks the whole chain and the server's name or address.
    static func context(_ endpoint: PostgresEndpoint, location: StoreLocation) throws(StoreError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let ca = endpoint.rootCertificate { tls.trustRoots = .file(ca) }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .cannotOpen(location: location.description, reason: "contexte TLS : \(error)")
        }
    }
}

import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// `bascule serve`: the HTTP service of a department, and whatever must run beside it (the daily
/// scheduler), in one service group that stops on SIGTERM or SIGINT.
///
/// The seam for background work: give ``run(alongside:onListening:)`` more services; they share
/// the service's store through ``storeAccess`` (one operation at a time) and call
/// ``refreshAccessIndex()`` when they changed accounts or liftings (a daily run that applied a
/// plan), so that `/api/acces` answers from the new state.
public final class BasculeService: Sendable {
    let core: ServiceCore

    public init(settings: ServerSettings, store: Store) throws {
        core = try ServiceCore(settings: settings, store: store)
    }

    /// The store, for what runs beside the service: never used directly, so that a transaction
    /// is never interleaved with another request's.
    public var storeAccess: StoreAccess { core.access }

    /// Rebuilds the in-memory index `/api/acces` answers from.
    public func refreshAccessIndex() async throws { try await core.refreshIndex() }

    /// The API's routes as the router holds them: `GET /api/acces`… (the console's pages are
    /// not API routes: ``consoleRoutes``).
    public var registeredRoutes: [String] {
        router().routes.map { "\($0.method) \($0.path)" }.filter { !$0.split(separator: " ").last!.hasPrefix("/console") }
    }

    /// The web console's pages and forms, as the router holds them.
    public var consoleRoutes: [String] {
        router().routes.map { "\($0.method) \($0.path)" }.filter { $0.split(separator: " ").last!.hasPrefix("/console") }
    }

    func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        let core = self.core
        for route in ServiceCore.routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                await core.respond(route, request, context)
            }
        }
        for page in Console.routes {
            let route = page.route
            router.on(RouterPath(route.path), method: route.method) { request, context in
                await core.respondConsole(route, request, context)
            }
        }
        return router
    }

    /// Serves until cancelled or signalled, with `services` beside it; `onListening` hears the
    /// port the kernel gave (with port 0).
    public func run(alongside services: [any Service] = [], handleSignals: Bool = true,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let settings = core.settings
        try await core.refreshIndex()
        var server: HTTPServerBuilder = .http1()
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        let logger = settings.logger
        let app = Application(
            router: router(),
            server: server,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "bascule"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                logger.info("à l'écoute", metadata: ["adresse": "\(settings.host)", "port": "\(port)",
                                                     "tls": "\(settings.tlsCertificate != nil)"])
                await onListening(port)
            },
            logger: Logger(label: "bascule.http", factory: { _ in SwiftLogNoOpLogHandler() }))
        let refresher = IndexRefresher(core: core)
        let group = ServiceGroup(configuration: .init(services: [.init(service: app), .init(service: refresher)]
                                                          + services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }
}

/// Rebuilds the access index every few minutes, for what the CLI changed in another process.
struct IndexRefresher: Service {
    let core: ServiceCore

    func run() async throws {
        let interval = core.settings.accessIndexRefresh
        guard interval > 0 else { return try await gracefulShutdown() }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            do {
                try await core.refreshIndex()
            } catch {
                core.logger.warning("index d'accès non reconstruit", metadata: ["cause": "\(error)"])
            }
        }
    }
}

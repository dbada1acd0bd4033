import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The service's metrics, through swift-metrics into a Prometheus registry of its own (never the
/// process-wide one: two services in one test process keep their counts apart), served as text
/// at `/metrics`. Labels are routes and outcomes, never a login.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    func request(route: Route, status: Int, duration: Duration) {
        let labels = [("methode", "\(route.method)"), ("route", route.path)]
        Counter(label: "bascule_http_requetes_total", dimensions: labels + [("statut", "\(status)")], factory: factory).increment()
        Timer(label: "bascule_http_duree_secondes", dimensions: labels, factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// `reussie`, `refusee`, `retardee` (the throttle).
    func login(_ outcome: String) {
        Counter(label: "bascule_connexions_total", dimensions: [("resultat", outcome)], factory: factory).increment()
    }

    func accessDecision(allowed: Bool) {
        Counter(label: "bascule_decisions_acces_total", dimensions: [("autorise", allowed ? "oui" : "non")], factory: factory).increment()
    }

    func indexed(accounts: Int) {
        Gauge(label: "bascule_index_acces_comptes", factory: factory).record(accounts)
    }

    var text: String { registry.emitToString() }
}

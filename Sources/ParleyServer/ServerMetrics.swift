import CoreMetrics
import Foundation
import HTTPTypes
import Logging
import Prometheus

/// What `/metrics` shows, in Prometheus' text format. Each server has a
/// registry of its own (no process-wide bootstrap), so tests can run
/// several servers in one process.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let appends: CoreMetrics.Counter
    let appendLatency: CoreMetrics.Timer
    let transactions: CoreMetrics.Counter
    /// Groups of writes committed together, and the writes in them.
    let groups: CoreMetrics.Counter
    let groupedWrites: CoreMetrics.Counter
    let refused: CoreMetrics.Counter
    let feedSubscribers: CoreMetrics.Meter
    let feedEvents: CoreMetrics.Counter
    let webhookDeliveries: CoreMetrics.Counter
    let webhookFailures: CoreMetrics.Counter

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        appends = CoreMetrics.Counter(label: "parley_events_appended_total", factory: factory)
        appendLatency = CoreMetrics.Timer(label: "parley_append_duration_seconds", factory: factory)
        transactions = CoreMetrics.Counter(label: "parley_write_transactions_total", factory: factory)
        groups = CoreMetrics.Counter(label: "parley_groups_committed_total", factory: factory)
        groupedWrites = CoreMetrics.Counter(label: "parley_grouped_writes_total", factory: factory)
        refused = CoreMetrics.Counter(label: "parley_appends_refused_total", factory: factory)
        feedSubscribers = CoreMetrics.Meter(label: "parley_feed_subscribers", factory: factory)
        feedEvents = CoreMetrics.Counter(label: "parley_feed_events_sent_total", factory: factory)
        webhookDeliveries = CoreMetrics.Counter(label: "parley_webhook_deliveries_total", factory: factory)
        webhookFailures = CoreMetrics.Counter(label: "parley_webhook_failures_total", factory: factory)
    }

    func recordAppend(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        appendLatency.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    /// The text exposition.
    var text: String { registry.emitToString() }
}

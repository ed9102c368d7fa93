package dev.keeper.server.admin;

import dev.keeper.server.config.MetricsConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.metrics.Summary;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's Prometheus metrics provider ({@code PrometheusMetricsProvider}): the server's metrics at
 * {@code http://httpHost:httpPort/metrics} in the Prometheus text format, under ZooKeeper's names and types, through
 * the Prometheus Java client ZooKeeper uses (simpleclient 0.9.0), so that the exposition is the one ZooKeeper's
 * dashboards read: counters without a {@code _total} suffix, HELP text the metric's name, a {@code key} label on the
 * per-namespace and per-server families, summaries with the 0.5 quantile (and 0.9 and 0.99 for ZooKeeper's ADVANCED
 * ones), {@code _count} and {@code _sum}. With {@code exportJvmInfo} the JVM's families (simpleclient_hotspot) too.
 *
 * <p>Nothing is kept twice: at each scrape the figures are read from {@link ServerMetrics} (the Dropwizard-backed
 * counters and summaries the server keeps anyway) and the gauges on the processor thread. The quantiles come from
 * each summary's uniform sample since the last reset; ZooKeeper's from a ten-minute sliding window.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusEndpoint.class);

    private final HTTPServer http;

    private PrometheusEndpoint(HTTPServer http) {
        this.http = http;
    }

    /** Serves {@code view}'s metrics; {@code processor} reads the gauges on the processor thread. */
    public static PrometheusEndpoint start(MetricsConfig config, ServerView view, Jmx.Processor processor)
            throws IOException {
        CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new Families(view, processor));
        if (config.exportJvmInfo()) {
            DefaultExports.register(registry);
        }
        HTTPServer http = new HTTPServer(new InetSocketAddress(config.httpHost(), config.httpPort()), registry, true);
        LOG.info("Prometheus metrics on http://{}:{}/metrics", config.httpHost(), http.getPort());
        return new PrometheusEndpoint(http);
    }

    public int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.stop();
    }

    /** ZooKeeper's metric families, built at each scrape. */
    private static final class Families extends Collector {
        private static final double[] BASIC = {0.5};
        private static final double[] ADVANCED = {0.5, 0.9, 0.99};
        private final ServerView view;
        private final Jmx.Processor processor;

        Families(ServerView view, Jmx.Processor processor) {
            this.view = view;
            this.processor = processor;
        }

        private record Gauges(Map<String, Number> gauges, Map<String, Map<String, Number>> sets) {
        }

        @Override
        public List<MetricFamilySamples> collect() {
            List<MetricFamilySamples> out = new ArrayList<>();
            ServerMetrics m = view.metrics();
            // ZooKeeper's gauges exist while it serves (ZooKeeperServer.registerMetrics)
            Gauges g = processor.call(() -> view.mode() == null ? null
                    : new Gauges(Mntr.gauges(view), Mntr.gaugeSets(view)));
            if (g != null) {
                g.gauges().forEach((name, value) -> out.add(family(name, Type.GAUGE, List.of(
                        new MetricFamilySamples.Sample(name, List.of(), List.of(), value.doubleValue())))));
                g.sets().forEach((name, byKey) -> {
                    List<MetricFamilySamples.Sample> samples = new ArrayList<>();
                    byKey.forEach((key, value) -> samples.add(new MetricFamilySamples.Sample(name, List.of("key"),
                            List.of(key), value.doubleValue())));
                    out.add(family(name, Type.GAUGE, samples));
                });
            }
            m.counterValues().forEach((name, value) -> out.add(family(name, Type.COUNTER, List.of(
                    new MetricFamilySamples.Sample(name, List.of(), List.of(), value)))));
            List<MetricFamilySamples.Sample> exceeded = new ArrayList<>();
            m.quotaExceededErrors().forEach((ns, n) -> exceeded.add(new MetricFamilySamples.Sample(
                    "quota_exceeded_error_per_namespace", List.of("key"), List.of(ns), n)));
            out.add(family("quota_exceeded_error_per_namespace", Type.COUNTER, exceeded));
            for (Summary s : m.summaries()) {
                List<MetricFamilySamples.Sample> samples = new ArrayList<>();
                summary(s.name(), List.of(), List.of(), s.values(), m.advanced(s.name()), samples);
                out.add(family(s.name(), Type.SUMMARY, samples));
            }
            m.summarySets().forEach((name, byKey) -> {
                List<MetricFamilySamples.Sample> samples = new ArrayList<>();
                byKey.forEach((key, s) -> summary(name, List.of("key"), List.of(key), s.values(),
                        m.advanced(name), samples));
                out.add(family(name, Type.SUMMARY, samples));
            });
            return out;
        }

        /** As ZooKeeper's: the HELP text is the name itself ({@code .build(name, name)}). */
        private static MetricFamilySamples family(String name, Type type, List<MetricFamilySamples.Sample> samples) {
            return new MetricFamilySamples(name, type, name, samples);
        }

        private static void summary(String name, List<String> labels, List<String> values, Summary.Values v,
                boolean advanced, List<MetricFamilySamples.Sample> out) {
            for (double q : advanced ? ADVANCED : BASIC) {
                List<String> l = new ArrayList<>(labels);
                l.add("quantile");
                List<String> lv = new ArrayList<>(values);
                lv.add(Collector.doubleToGoString(q));
                out.add(new MetricFamilySamples.Sample(name, l, lv, v.quantile(q)));
            }
            out.add(new MetricFamilySamples.Sample(name + "_count", labels, values, v.count()));
            out.add(new MetricFamilySamples.Sample(name + "_sum", labels, values, v.sum()));
        }
    }
}

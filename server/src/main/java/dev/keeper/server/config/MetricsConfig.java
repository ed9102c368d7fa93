package dev.keeper.server.config;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metricsProvider.*}: ZooKeeper's metrics provider settings. With ZooKeeper's Prometheus provider named, the
 * server serves its metrics at {@code http://httpHost:httpPort/metrics}; ZooKeeper's default provider, or none,
 * means mntr and the AdminServer only.
 *
 * @param prometheus    {@code metricsProvider.className} names ZooKeeper's PrometheusMetricsProvider
 * @param httpHost      {@code metricsProvider.httpHost}, 0.0.0.0
 * @param httpPort      {@code metricsProvider.httpPort}, 7000; 0 picks a free one (tests)
 * @param exportJvmInfo {@code metricsProvider.exportJvmInfo}, true: the JVM's own families too
 */
public record MetricsConfig(boolean prometheus, String httpHost, int httpPort, boolean exportJvmInfo) {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsConfig.class);
    public static final String PROMETHEUS = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    static final String DEFAULT_PROVIDER = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider";
    public static final MetricsConfig NONE = new MetricsConfig(false, "0.0.0.0", 7000, true);

    /** Reads zoo.cfg's {@code metricsProvider.*} keys ({@code key} answers one, or null). */
    static MetricsConfig read(Function<String, String> key) {
        String className = key.apply("metricsProvider.className");
        boolean prometheus = PROMETHEUS.equals(className);
        if (className != null && !prometheus && !DEFAULT_PROVIDER.equals(className)) {
            // ZooKeeper would load the class; this server has the two providers above and no class loading
            LOG.warn("metricsProvider.className={} is not a provider this server has; it keeps mntr's figures only"
                    + " ({} serves Prometheus)", className, PROMETHEUS);
        }
        String port = key.apply("metricsProvider.httpPort");
        int httpPort;
        try {
            httpPort = port == null || port.isBlank() ? 7000 : Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metricsProvider.httpPort must be a number, got '" + port + "'");
        }
        String host = key.apply("metricsProvider.httpHost");
        String jvm = key.apply("metricsProvider.exportJvmInfo");
        return new MetricsConfig(prometheus, host == null || host.isBlank() ? "0.0.0.0" : host.trim(), httpPort,
                jvm == null || !jvm.trim().equalsIgnoreCase("false"));
    }
}

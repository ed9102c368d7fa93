package dev.keeper.server.quorum;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis's metrics as plain counts and sums ({@link RaftMetricRegistry}), found by Ratis through
 * {@code META-INF/services}. Ratis's default implementation keeps every timer in a Dropwizard histogram whose
 * exponentially decaying reservoir is a concurrent skip list: on a member writing a few thousand entries a second
 * that was more than half of the Raft log thread's CPU and a tenth of the whole member's. No reporter is offered:
 * nothing in this server reads Ratis's own metrics.
 */
public final class RaftMetricRegistries extends MetricRegistries {
    private final Map<MetricRegistryInfo, RaftMetricRegistry> registries = new ConcurrentHashMap<>();
    /** Listeners to the gRPC log appenders' timers, by member id ("1@group-..."). */
    private final Map<String, RaftMetricRegistry.TimedListener> appenderListeners = new ConcurrentHashMap<>();

    /**
     * Tells {@code listener} of every timed event of the gRPC log appenders (a leader's, one per follower) of the
     * members whose id starts with {@code memberIdPrefix}: each append's round trip, from the entries sent to the
     * follower's answer, which the follower gives once they are on its disk.
     */
    void onLogAppenderTimed(String memberIdPrefix, RaftMetricRegistry.TimedListener listener) {
        appenderListeners.put(memberIdPrefix, listener);
    }

    private RaftMetricRegistry.TimedListener appenderListener(MetricRegistryInfo info) {
        for (Map.Entry<String, RaftMetricRegistry.TimedListener> e : appenderListeners.entrySet()) {
            if (info.getPrefix().startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public void clear() {
        registries.clear();
    }

    @Override
    public RatisMetricRegistry create(MetricRegistryInfo info) {
        if ("ratis_grpc".equals(info.getApplicationName()) && "log_appender".equals(info.getMetricsComponentName())) {
            return registries.computeIfAbsent(info, i -> new RaftMetricRegistry(i, () -> appenderListener(i)));
        }
        return registries.computeIfAbsent(info, RaftMetricRegistry::new);
    }

    @Override
    public boolean remove(MetricRegistryInfo key) {
        return registries.remove(key) != null;
    }

    @Override
    public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
        return Optional.ofNullable(registries.get(info));
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos() {
        return Set.copyOf(registries.keySet());
    }

    @Override
    public Collection<RatisMetricRegistry> getMetricRegistries() {
        return List.copyOf(registries.values());
    }

    @Override
    public void addReporterRegistration(Consumer<RatisMetricRegistry> reporterRegistration,
            Consumer<RatisMetricRegistry> stopReporter) {
        // no reporters
    }

    @Override
    public void enableJmxReporter() {
        // no reporters
    }

    @Override
    public void enableConsoleReporter(TimeDuration consoleReportRate) {
        // no reporters
    }
}

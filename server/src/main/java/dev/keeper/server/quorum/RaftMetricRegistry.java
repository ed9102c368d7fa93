package dev.keeper.server.quorum;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;

/**
 * One Ratis component's metrics. A counter is a {@link LongAdder}; a timer counts its events and adds up their
 * nanoseconds — two additions per event, where a Dropwizard timer inserts every event into a skip list. Gauges are
 * kept as Ratis hands them over and never evaluated here.
 */
final class RaftMetricRegistry implements RatisMetricRegistry {
    /** Told of each timed event of a registry: the registry, the timer's name, and the nanoseconds it took. */
    interface TimedListener {
        void timed(RaftMetricRegistry registry, String timer, long nanos);
    }

    /** A timer: how many events, and how long they took in all; and each event to the registry's listener. */
    final class Timer implements Timekeeper {
        final LongAdder count = new LongAdder();
        final LongAdder nanos = new LongAdder();
        private final String name;

        Timer(String name) {
            this.name = name;
        }

        @Override
        public Context time() {
            long start = System.nanoTime();
            return () -> {
                long elapsed = System.nanoTime() - start;
                count.increment();
                nanos.add(elapsed);
                TimedListener l = listener.get();
                if (l != null) {
                    l.timed(RaftMetricRegistry.this, name, elapsed);
                }
                return elapsed;
            };
        }
    }

    static final class Counter implements LongCounter {
        private final LongAdder value = new LongAdder();

        @Override
        public void inc(long n) {
            value.add(n);
        }

        @Override
        public void dec(long n) {
            value.add(-n);
        }

        @Override
        public long getCount() {
            return value.sum();
        }
    }

    private final MetricRegistryInfo info;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Supplier<?>> gauges = new ConcurrentHashMap<>();

    private final Supplier<TimedListener> listener;

    RaftMetricRegistry(MetricRegistryInfo info) {
        this(info, () -> null);
    }

    RaftMetricRegistry(MetricRegistryInfo info, Supplier<TimedListener> listener) {
        this.info = info;
        this.listener = listener;
    }

    @Override
    public Timekeeper timer(String name) {
        return timers.computeIfAbsent(name, Timer::new);
    }

    /** A gauge's value now, or null when there is no gauge of that name. */
    Object gaugeValue(String name) {
        Supplier<?> g = gauges.get(name);
        Object inner = g == null ? null : g.get();
        return inner instanceof Supplier<?> s ? s.get() : inner;
    }

    @Override
    public LongCounter counter(String name) {
        return counters.computeIfAbsent(name, n -> new Counter());
    }

    @Override
    public boolean remove(String name) {
        return timers.remove(name) != null | counters.remove(name) != null | gauges.remove(name) != null;
    }

    @Override
    public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) {
        gauges.putIfAbsent(name, gaugeSupplier);
    }

    @Override
    public MetricRegistryInfo getMetricRegistryInfo() {
        return info;
    }
}

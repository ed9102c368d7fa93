package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.junit.jupiter.api.Test;

class RaftMetricRegistriesTest {
    @Test
    void ratisLoadsOurRegistries_andNoOther() {
        // Ratis picks the first implementation its ServiceLoader finds; with Ratis's default one back on the class
        // path it could pick that, and every timer would cost a skip-list insert again.
        assertInstanceOf(RaftMetricRegistries.class, MetricRegistries.global());
    }

    @Test
    void timersCountAndAddUp_countersCount_registriesAreSharedByInfo() {
        MetricRegistries registries = new RaftMetricRegistries();
        MetricRegistryInfo info = new MetricRegistryInfo("p", "app", "component", "d");
        RatisMetricRegistry r = registries.create(info);
        assertSame(r, registries.create(new MetricRegistryInfo("p", "app", "component", "d")));

        Timekeeper timer = r.timer("append");
        assertSame(timer, r.timer("append"));
        long first = timer.time().stop();
        long second = timer.time().stop();
        RaftMetricRegistry.Timer t = (RaftMetricRegistry.Timer) timer;
        assertEquals(2, t.count.sum());
        assertEquals(first + second, t.nanos.sum());

        r.counter("retries").inc();
        r.counter("retries").inc(4);
        r.counter("retries").dec();
        assertEquals(4, r.counter("retries").getCount());

        assertTrue(r.remove("retries"));
        assertEquals(0, r.counter("retries").getCount());
        assertTrue(registries.remove(info));
        assertTrue(registries.get(info).isEmpty());
    }
}

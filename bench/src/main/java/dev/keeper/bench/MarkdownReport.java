package dev.keeper.bench;

import java.util.Locale;

/** The human-readable result: a markdown page with one table for the load cells and one for the rest. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(Report r) {
        Report.Meta m = r.meta();
        StringBuilder sb = new StringBuilder();
        sb.append("# Keeper vs ZooKeeper 3.9.5: benchmark").append(m.quick() ? " (--quick smoke run)" : "")
                .append("\n\n");
        sb.append("- Started ").append(m.startedAt()).append("; ").append(m.cores()).append(" cores; load average ")
                .append(m.loadBefore()).append(" before, ").append(m.loadAfter()).append(" after.\n");
        sb.append("- Both servers as separate processes on 127.0.0.1, same JVM (").append(m.java())
                .append("), -Xms/-Xmx ").append(m.heap()).append(", tickTime ").append(m.tickTime())
                .append(", fsync ").append(m.fsync() ? "ON (forceSync=yes)" : "OFF (forceSync=no)").append(".\n");
        sb.append("- Load: stock ZooKeeper Java client, async API, 100-byte data. Each cell ran ")
                .append(m.repeats()).append(" times per server, alternating which server went first; ")
                .append(m.measureMillis()).append(" ms measured after ").append(m.warmupMillis())
                .append(" ms warm-up; figures are medians over repeats. Latency mode: one request outstanding per"
                        + " session; throughput mode: ")
                .append(m.window()).append(" outstanding per session.\n");
        sb.append("- Ratios are ours/ZooKeeper: above 1 is better for ops/s; below 1 is better for latency,"
                + " memory and time.\n");
        sb.append("- The machine is shared and noisy (other builds and tests run on it): absolute figures vary"
                + " between runs; compare the ratios, and distrust small differences.\n\n");

        if (!r.cells().isEmpty()) {
            sb.append("## Load\n\n");
            sb.append("| op | sessions | mode | ours ops/s | ZK ops/s | ops/s ours/ZK | p50 µs ours / ZK | p50 ours/ZK"
                    + " | p99 µs ours / ZK | p99 ours/ZK | errors ours / ZK |\n");
            sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Report.CellRow c : r.cells()) {
                sb.append("| ").append(c.cell().op().label())
                        .append(" | ").append(c.cell().sessions())
                        .append(" | ").append(c.cell().mode().label())
                        .append(" | ").append(count(c.oursOpsPerSecond()))
                        .append(" | ").append(count(c.zookeeperOpsPerSecond()))
                        .append(" | ").append(ratio(Stats.ratio(c.oursOpsPerSecond(), c.zookeeperOpsPerSecond())))
                        .append(" | ").append(micros(c.oursP50())).append(" / ").append(micros(c.zookeeperP50()))
                        .append(" | ").append(ratio(Stats.ratio(c.oursP50(), c.zookeeperP50())))
                        .append(" | ").append(micros(c.oursP99())).append(" / ").append(micros(c.zookeeperP99()))
                        .append(" | ").append(ratio(Stats.ratio(c.oursP99(), c.zookeeperP99())))
                        .append(" | ").append(c.oursErrors()).append(" / ").append(c.zookeeperErrors())
                        .append(" |\n");
            }
            sb.append('\n');
        }

        if (r.memory() != null || r.fanOut() != null) {
            sb.append("## Memory and fan-out\n\n");
            sb.append("| measure | ours | ZK | ours/ZK |\n");
            sb.append("|---|---:|---:|---:|\n");
            if (r.memory() != null) {
                MemoryBench.Figures o = r.memory().ours();
                MemoryBench.Figures z = r.memory().zookeeper();
                sb.append(row("heap after full GC per 1,000,000 znodes of 100 B (measured with "
                                + count(o.znodes()) + ")",
                        mib(o.bytesPerMillionZnodes()), mib(z.bytesPerMillionZnodes()),
                        Stats.ratio(o.bytesPerMillionZnodes(), z.bytesPerMillionZnodes())));
                sb.append(row("heap after full GC per 100,000 data watches on distinct znodes (measured with "
                                + count(o.watches()) + ")",
                        mib(o.bytesPer100kWatches()), mib(z.bytesPer100kWatches()),
                        Stats.ratio(o.bytesPer100kWatches(), z.bytesPer100kWatches())));
                sb.append(row("empty-server baseline heap after full GC",
                        mib(o.baselineBytes()), mib(z.baselineBytes()),
                        Stats.ratio(o.baselineBytes(), z.baselineBytes())));
                sb.append(row("bulk create of those znodes, ops/s (4 sessions x 200 pipelined, one run)",
                        count(o.createsPerSecond()), count(z.createsPerSecond()),
                        Stats.ratio(o.createsPerSecond(), z.createsPerSecond())));
            }
            if (r.fanOut() != null) {
                FanOutBench.Figures o = r.fanOut().ours();
                FanOutBench.Figures z = r.fanOut().zookeeper();
                String n = count(o.sessions());
                sb.append(row("fan-out: setData sent to last of " + n + " notifications, ms (median of "
                                + o.lastMillis().size() + ")",
                        millis(o.medianLastMillis()), millis(z.medianLastMillis()),
                        Stats.ratio(o.medianLastMillis(), z.medianLastMillis())));
                sb.append(row("fan-out: setData sent to median of " + n + " notifications, ms",
                        millis(o.medianMedianMillis()), millis(z.medianMedianMillis()),
                        Stats.ratio(o.medianMedianMillis(), z.medianMedianMillis())));
                sb.append(row("fan-out: arming " + n + " watches (one getData each, all sent at once), ms",
                        millis(o.medianArmMillis()), millis(z.medianArmMillis()),
                        Stats.ratio(o.medianArmMillis(), z.medianArmMillis())));
                sb.append(row("fan-out: opening " + n + " sessions, s (40 handshakes in flight)",
                        String.format(Locale.ROOT, "%.2f", o.connectSeconds()),
                        String.format(Locale.ROOT, "%.2f", z.connectSeconds()),
                        Stats.ratio(o.connectSeconds(), z.connectSeconds())));
            }
            sb.append('\n');
        }

        if (!r.notes().isEmpty()) {
            sb.append("## Problems seen during the run\n\n");
            for (String note : r.notes()) {
                sb.append("- ").append(note.replace("\n", "\n  ")).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String row(String what, String ours, String zk, double ratio) {
        return "| " + what + " | " + ours + " | " + zk + " | " + ratio(ratio) + " |\n";
    }

    static String count(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String micros(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String millis(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}

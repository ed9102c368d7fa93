package dev.keeper.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A well-behaved session's latency while the server is flooded with malformed frames ({@link FloodLanes}), the
 * scenario of the limits tests' {@code MalformedFloodTest}, on both servers.
 *
 * <p>Per repeat and server: a canary session (one stock client, {@link SteadyWriter}) sets one znode's data once
 * per millisecond, open loop; after {@link #WARM_MS} the flood runs until it has sent its frames; then the
 * flood's sessions are left to expire ({@link #SETTLE_MS}: they asked for 1 s and get the minimum, two ticks);
 * then a quiet span as long as the flood. The canary's p99 over the requests sent during the flood, over those
 * sent during the quiet span, and their ratio are the figures; repeats alternate which server goes first. The
 * servers' heap after a full GC is read before the first flood and after the last.
 */
final class FloodBench {
    private static final long WARM_MS = 2_000;
    private static final long SETTLE_MS = 10_000;
    private static final int CANARY_RATE = 1000;

    /**
     * One repeat on one server.
     *
     * @param flood        what the flood did
     * @param p99FloodUs   canary p99 over the requests sent during the flood
     * @param p99QuietUs   canary p99 over those sent during the quiet span after it
     * @param maxFloodUs   the slowest canary request during the flood
     * @param samplesFlood canary requests during the flood
     * @param samplesQuiet canary requests during the quiet span
     * @param errors       canary requests answered with an error
     * @param notSent      canary sends skipped because too many were unanswered
     */
    record Repeat(FloodLanes.Result flood, double p99FloodUs, double p99QuietUs, double maxFloodUs, int samplesFlood,
                  int samplesQuiet, long errors, long notSent) {
        double ratio() {
            return p99QuietUs > 0 ? p99FloodUs / p99QuietUs : Double.NaN;
        }
    }

    /**
     * One server's repeats.
     *
     * @param frames          malformed frames per flood
     * @param lanes           connections flooding at once
     * @param rate            frames a second the flood was held to; 0: as fast as the lanes went
     * @param repeats         each repeat
     * @param heapBeforeBytes heap after a full GC before the first flood
     * @param heapAfterBytes  heap after a full GC after the last (its sessions expired)
     */
    record Figures(long frames, int lanes, long rate, List<Repeat> repeats, long heapBeforeBytes,
            long heapAfterBytes) {
        double medianP99FloodUs() {
            return median(Repeat::p99FloodUs);
        }

        double medianP99QuietUs() {
            return median(Repeat::p99QuietUs);
        }

        double medianRatio() {
            return median(Repeat::ratio);
        }

        double medianFloodSeconds() {
            return median(r -> r.flood().millis() / 1000);
        }

        double medianFramesPerSecond() {
            return median(r -> r.flood().frames() / (r.flood().millis() / 1000));
        }

        long problems() {
            return repeats.stream().mapToLong(r -> r.flood().problemCount()).sum();
        }

        long canaryErrors() {
            return repeats.stream().mapToLong(Repeat::errors).sum();
        }

        private double median(ToDoubleFunction<Repeat> f) {
            List<Double> v = new ArrayList<>();
            for (Repeat r : repeats) {
                v.add(f.applyAsDouble(r));
            }
            return Stats.median(v);
        }
    }

    private FloodBench() {
    }

    /** Runs {@code repeats} repeats on each server, alternating which goes first. */
    static Map<ServerKind, Figures> measure(Map<ServerKind, ServerProcess> servers, long frames, int lanes,
                                            long rate, int repeats, java.util.function.Consumer<String> log)
            throws IOException, InterruptedException {
        Map<ServerKind, Long> heapBefore = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<Repeat>> runs = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            heapBefore.put(kind, HeapProbe.usedAfterFullGc(servers.get(kind).pid()));
            runs.put(kind, new ArrayList<>());
        }
        for (int rep = 0; rep < repeats; rep++) {
            for (ServerKind kind : rep % 2 == 0 ? List.of(ServerKind.OURS, ServerKind.ZOOKEEPER)
                    : List.of(ServerKind.ZOOKEEPER, ServerKind.OURS)) {
                ServerProcess server = servers.get(kind);
                Repeat r = once(server, frames, lanes, rate, rep);
                runs.get(kind).add(r);
                log.accept(String.format(java.util.Locale.ROOT, "flood rep %d/%d %-9s %,d frames over %,d"
                                + " connections in %.1f s; canary p99 quiet %.1f ms, flooded %.1f ms, ratio %.2f;"
                                + " problems %d, canary errors %d", rep + 1, repeats, kind.label(), r.flood().frames(),
                        r.flood().connections(), r.flood().millis() / 1000, r.p99QuietUs() / 1000,
                        r.p99FloodUs() / 1000, r.ratio(), r.flood().problemCount(), r.errors()));
            }
        }
        Map<ServerKind, Figures> out = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            long after = HeapProbe.usedAfterFullGc(servers.get(kind).pid());
            out.put(kind, new Figures(frames, lanes, rate, List.copyOf(runs.get(kind)), heapBefore.get(kind),
                    after));
        }
        return out;
    }

    private static Repeat once(ServerProcess server, long frames, int lanes, long rate, int rep)
            throws IOException, InterruptedException {
        if (!server.alive()) {
            throw new IOException(server.kind().label() + " died during the flood part:\n" + server.logTail(30));
        }
        String path = "/flood-canary-" + rep;
        try (StockSessions canary = StockSessions.open(server.connectString(), 1)) {
            ZooKeeper zk = canary.get(0);
            try {
                zk.create(path, new byte[8], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException e) {
                throw new IOException("creating " + path + ": " + e.getMessage(), e);
            }
            SteadyWriter writer = new SteadyWriter(List.of(zk), CANARY_RATE, new byte[8], i -> path);
            writer.start();
            Thread.sleep(WARM_MS);
            long floodStart = epochUs(writer);
            FloodLanes.Result flood = FloodLanes.run(server.port(), lanes, frames, rate);
            long floodEnd = epochUs(writer);
            Thread.sleep(SETTLE_MS);
            long quietStart = epochUs(writer);
            Thread.sleep(Math.max(1000, (floodEnd - floodStart) / 1000));
            long quietEnd = epochUs(writer);
            SteadyWriter.Samples s = writer.stop();
            long[] during = latencies(s, floodStart, floodEnd);
            long[] quiet = latencies(s, quietStart, quietEnd);
            return new Repeat(flood, p99(during), p99(quiet), during.length == 0 ? Double.NaN
                    : Stats.percentile(during, 100), during.length, quiet.length, s.errors(), s.notSent());
        }
    }

    private static long epochUs(SteadyWriter w) {
        return w.epochUs(System.nanoTime());
    }

    /** Latencies, in µs, of the requests sent in [from, to). */
    static long[] latencies(SteadyWriter.Samples s, long fromUs, long toUs) {
        long[] out = new long[s.sentUs().length];
        int n = 0;
        for (int i = 0; i < s.sentUs().length; i++) {
            if (s.sentUs()[i] >= fromUs && s.sentUs()[i] < toUs) {
                out[n++] = s.repliedUs()[i] - s.sentUs()[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static double p99(long[] latencies) {
        return latencies.length == 0 ? Double.NaN : Stats.percentile(latencies, 99);
    }
}

package dev.keeper.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;

/**
 * Time to deliver one change to many watchers: {@code sessions} light sessions each hold a data watch on one
 * znode; a stock client's setData changes it; measured from that setData's send to the last notification's
 * arrival (and to the median one). One unmeasured round first, then {@code repeats} measured rounds.
 */
final class FanOutBench {
    private static final String PATH = "/fanout";
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);

    /**
     * @param sessions       watching sessions
     * @param lastMillis     per round: setData sent to the last notification received
     * @param medianMillis   per round: setData sent to the median notification
     * @param connectSeconds how long opening the sessions took
     */
    record Figures(int sessions, List<Double> lastMillis, List<Double> medianMillis, double connectSeconds) {
        double medianLastMillis() {
            return Stats.median(lastMillis);
        }

        double medianMedianMillis() {
            return Stats.median(medianMillis);
        }
    }

    private FanOutBench() {
    }

    static Figures measure(ServerProcess server, int sessions, int repeats, byte[] data)
            throws IOException, InterruptedException {
        try (StockSessions writer = StockSessions.open(server.connectString(), 1);
             FanOutClient client = new FanOutClient()) {
            Pipeline.run("create " + PATH, writer.first(1), 1, 1, OK, 30_000, (zk, s, i, done) ->
                    zk.create(PATH, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            long t0 = System.nanoTime();
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), sessions,
                    StockSessions.SESSION_TIMEOUT_MS);
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            AtomicInteger setDataFailures = new AtomicInteger();
            Runnable trigger = () -> writer.get(0).setData(PATH, data, -1, (rc, path, ctx, stat) -> {
                if (rc != 0) {
                    setDataFailures.incrementAndGet();
                }
            }, null);
            List<Double> last = new ArrayList<>();
            List<Double> median = new ArrayList<>();
            for (int round = 0; round <= repeats; round++) {
                long[] delays = client.round(PATH, trigger);
                if (setDataFailures.get() > 0) {
                    throw new IOException("the triggering setData failed");
                }
                if (round == 0) {
                    continue;
                }
                last.add(Arrays.stream(delays).max().orElseThrow() / 1e6);
                median.add(Stats.percentile(delays, 50) / 1e6);
            }
            return new Figures(sessions, List.copyOf(last), List.copyOf(median), connectSeconds);
        }
    }
}

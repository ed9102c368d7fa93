package dev.keeper.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;

/**
 * A child process of the driver that holds the fan-out sessions of one server. It exists because a process here
 * may open at most 20,000 files: two servers' 10,000 sessions cannot live in one process, yet both must be held
 * at once for the rounds to alternate between the servers.
 *
 * <p>Arguments: host port sessions. It connects the light sessions and one stock writer session, creates the
 * watched znode, prints {@code READY <connectSeconds>}, then answers each {@code ROUND} line on its standard input
 * with {@code ROUND <armNanos> <lastNanos> <medianNanos>}, and exits on {@code QUIT} or end of input. Any failure
 * is printed as {@code ERROR <message>} and ends the process.
 */
public final class FanOutWorker {
    static final String PATH = "/fanout";

    private FanOutWorker() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        byte[] data = new byte[100];
        Arrays.fill(data, (byte) 'f');
        try (StockSessions writer = StockSessions.open(host + ":" + port, 1);
             FanOutClient client = new FanOutClient()) {
            Pipeline.run("create " + PATH, writer.first(1), 1, 1, EnumSet.of(KeeperException.Code.OK), 30_000,
                    (zk, s, i, done) -> zk.create(PATH, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            long t0 = System.nanoTime();
            client.connect(new InetSocketAddress(host, port), sessions, StockSessions.SESSION_TIMEOUT_MS);
            out.println("READY " + (System.nanoTime() - t0) / 1e9);
            AtomicInteger setDataFailures = new AtomicInteger();
            Runnable trigger = () -> writer.get(0).setData(PATH, data, -1, (rc, path, ctx, stat) -> {
                if (rc != 0) {
                    setDataFailures.incrementAndGet();
                }
            }, null);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("QUIT"); line = in.readLine()) {
                if (!line.equals("ROUND")) {
                    throw new IllegalArgumentException("unknown command " + line);
                }
                FanOutClient.Timing t = client.round(PATH, trigger);
                if (setDataFailures.get() > 0) {
                    throw new IllegalStateException("the setData that fires the watches failed");
                }
                long last = Arrays.stream(t.delays()).max().orElseThrow();
                out.println("ROUND " + t.armNanos() + " " + last + " " + Stats.percentile(t.delays(), 50));
            }
        } catch (Exception e) {
            out.println("ERROR " + String.valueOf(e).replace('\n', ' '));
            System.exit(1);
        }
        System.exit(0);
    }
}

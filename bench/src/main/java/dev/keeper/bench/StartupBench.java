package dev.keeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.ZooKeeper;

/**
 * Start-up time on a large tree: each server started on a fresh copy of a data directory image
 * ({@link DataDirImage}: the newest snapshot and the logs after it) that a server wrote with the big tree,
 * timed from the process launch to {@code srvr} answering {@code Mode: standalone}, and to the first successful
 * getData of a stock client opened at that moment. Each server starts from its own image, and, since the format
 * is ZooKeeper's, from the other server's too. The starts alternate their order between repeats.
 */
final class StartupBench {
    private static final long START_TIMEOUT_MS = 600_000;
    private static final long READ_TIMEOUT_MS = 60_000;
    private static final Pattern NODE_COUNT = Pattern.compile("Node count: (\\d+)");

    /**
     * One start.
     *
     * @param server       the server started
     * @param writtenBy    the server whose directory it started from
     * @param readyMillis  launch to Mode: standalone
     * @param readMillis   launch to the first getData reply
     * @param nodes        the node count srvr reported, or -1
     * @param failure      why the start failed or loaded too few nodes, or null
     */
    record Run(ServerKind server, ServerKind writtenBy, double readyMillis, double readMillis, long nodes,
               String failure) {
    }

    /**
     * @param znodes      znodes of the big tree
     * @param imageBytes  size of each server's image (snapshot and logs), by the server that wrote it
     * @param imageFiles  its files
     * @param runs        every start, in order
     */
    record Figures(int znodes, Map<ServerKind, Long> imageBytes, Map<ServerKind, List<String>> imageFiles,
                   List<Run> runs) {
        List<Run> runs(ServerKind server, ServerKind writtenBy) {
            return runs.stream().filter(r -> r.server() == server && r.writtenBy() == writtenBy).toList();
        }

        /** Median over the successful starts of that server on that directory; NaN when none succeeded. */
        double medianReadyMillis(ServerKind server, ServerKind writtenBy) {
            return Stats.median(runs(server, writtenBy).stream().filter(r -> r.failure() == null)
                    .map(Run::readyMillis).toList());
        }

        double medianReadMillis(ServerKind server, ServerKind writtenBy) {
            return Stats.median(runs(server, writtenBy).stream().filter(r -> r.failure() == null)
                    .map(Run::readMillis).toList());
        }

        /** Node counts reported by that server on that directory (all repeats). */
        List<Long> nodes(ServerKind server, ServerKind writtenBy) {
            return runs(server, writtenBy).stream().map(Run::nodes).toList();
        }
    }

    private StartupBench() {
    }

    static Figures measure(Map<ServerKind, Path> dataDirs, ServerSetup setup, Path runDir, ProcessGuard guard,
                           int repeats, int znodes, List<String> problems) throws IOException, InterruptedException {
        Map<ServerKind, Path> images = new EnumMap<>(ServerKind.class);
        Map<ServerKind, Long> bytes = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<String>> files = new EnumMap<>(ServerKind.class);
        for (Map.Entry<ServerKind, Path> e : dataDirs.entrySet()) {
            Path image = runDir.resolve("image-" + e.getKey().label());
            bytes.put(e.getKey(), DataDirImage.extract(e.getValue(), image));
            files.put(e.getKey(), DataDirImage.list(image));
            images.put(e.getKey(), image);
        }
        List<Run> runs = new ArrayList<>();
        List<ServerKind[]> combos = new ArrayList<>();
        for (ServerKind writtenBy : images.keySet()) {
            for (ServerKind server : ServerKind.values()) {
                combos.add(new ServerKind[] {server, writtenBy});
            }
        }
        long expected = BigTree.expectedNodes(znodes);
        try {
            for (int rep = 0; rep < repeats; rep++) {
                List<ServerKind[]> order = new ArrayList<>(combos);
                if (rep % 2 == 1) {
                    Collections.reverse(order);
                }
                for (ServerKind[] c : order) {
                    Run run = startOnce(c[0], c[1], images.get(c[1]), setup, runDir, guard, expected);
                    runs.add(run);
                    log(String.format(java.util.Locale.ROOT, "start-up rep %d/%d: %-9s on %-9s dir: ready %8.0f ms,"
                                    + " first read %8.0f ms, %,d nodes%s", rep + 1, repeats, run.server().label(),
                            run.writtenBy().label() + "'s", run.readyMillis(), run.readMillis(), run.nodes(),
                            run.failure() == null ? "" : "  FAILED: " + run.failure()));
                    if (run.failure() != null) {
                        problems.add("start-up, " + run.server().label() + " on " + run.writtenBy().label()
                                + "'s directory: " + run.failure());
                    }
                }
            }
        } finally {
            for (Path image : images.values()) {
                ServerProcess.deleteTree(image);
            }
        }
        return new Figures(znodes, bytes, files, runs);
    }

    private static Run startOnce(ServerKind server, ServerKind writtenBy, Path image, ServerSetup setup, Path runDir,
                                 ProcessGuard guard, long expectedNodes) throws IOException, InterruptedException {
        Path copy = Files.createTempDirectory(runDir, "startup-data-");
        try {
            DataDirImage.copyTo(image, copy);
            ServerProcess p;
            try {
                p = ServerProcess.startOn(server, setup, runDir, "startup-from-" + writtenBy.label(), copy,
                        START_TIMEOUT_MS, guard);
            } catch (IOException e) {
                return new Run(server, writtenBy, Double.NaN, Double.NaN, -1, oneLine(e.getMessage()));
            }
            try {
                double ready = p.readyMillis();
                long nodes = nodeCount(p.readySrvr());
                double read = firstRead(p);
                String failure = null;
                if (Double.isNaN(read)) {
                    failure = "no getData reply within " + READ_TIMEOUT_MS + " ms of Mode: standalone";
                } else if (nodes < expectedNodes) {
                    failure = "srvr reports " + nodes + " nodes; the tree has at least " + expectedNodes;
                }
                return new Run(server, writtenBy, ready, read, nodes, failure);
            } finally {
                p.close();
            }
        } finally {
            ServerProcess.deleteTree(copy);
        }
    }

    /** Launch to the first successful getData of a big-tree znode by a stock client opened now; NaN if none. */
    private static double firstRead(ServerProcess p) throws InterruptedException {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        ZooKeeper zk = null;
        try {
            zk = new ZooKeeper(p.connectString(), StockSessions.SESSION_TIMEOUT_MS, event -> { });
            // The first reply also proves the session was established: the client sends nothing before.
            zk.getData(BigTree.node(0), false, (code, path, ctx, data, stat) -> rc.complete(code), null);
            int code = rc.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long at = System.nanoTime();
            return code == 0 ? (at - p.launchedNanos()) / 1e6 : Double.NaN;
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Double.NaN;
        } finally {
            if (zk != null) {
                zk.close(2000);
            }
        }
    }

    static long nodeCount(String srvr) {
        Matcher m = NODE_COUNT.matcher(srvr == null ? "" : srvr);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String oneLine(String s) {
        String line = s == null ? "failed" : s.replace('\n', ' ');
        return line.length() > 2000 ? line.substring(0, 2000) + " ..." : line;
    }

    private static void log(String line) {
        System.err.println("[bench " + java.time.LocalTime.now().format(
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + line);
    }
}

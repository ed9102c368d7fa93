package dev.keeper.compat.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint ({@code metricsProvider.className} = ZooKeeper's PrometheusMetricsProvider), scraped over
 * HTTP and parsed by the Prometheus client's own exposition parser (Debian's python3-prometheus-client): every
 * family ZooKeeper 3.9.5 exposes on a standalone server, JVM ones included, is in ours with ZooKeeper's type, and
 * the figures follow what clients did. ZooKeeper's own provider is not on Maven Central, so its families come from
 * its source (the list in {@code zookeeper-prometheus-families.tsv}: its ServerMetrics, its servers' gauges, and
 * simpleclient_hotspot's JVM families).
 */
class PrometheusTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = "compat-tests/src/test/python/prometheus_scrape.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** name, Prometheus type and presence of each of ZooKeeper's families. */
    private static List<String[]> zookeeperFamilies() throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = PrometheusTest.class.getResourceAsStream("zookeeper-prometheus-families.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split("\t"));
                }
            }
        }
        return out;
    }

    private ServerProcess start(String name, Map<String, String> extra) throws IOException, InterruptedException {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("metricsProvider.className", "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider");
        cfg.put("metricsProvider.httpHost", "127.0.0.1");
        cfg.putAll(extra);
        ServerProcess p = ServerProcess.start(dir, Files.createDirectories(dir.resolve(name)), cfg, name,
                Server.OURS.mainClass(), List.of());
        p.awaitServing();
        return p;
    }

    /** The families the parser found, by name and type ("name type"). */
    private static Map<String, JsonNode> scrape(int port) throws IOException {
        Subprocess.Result r = Subprocess.run(Duration.ofMinutes(1), Map.of("PYTHONDONTWRITEBYTECODE", "1"),
                List.of(PYTHON, SCRIPT, "http://127.0.0.1:" + port + "/metrics"));
        assertEquals(0, r.exitCode(), "the scrape or its parse failed (the parser is Debian's"
                + " python3-prometheus-client: apt-get install -y python3-prometheus-client)\n" + r.describe());
        JsonNode answer = JSON.readTree(r.stdout());
        assertTrue(answer.get("content_type").asText().startsWith("text/plain; version=0.0.4"), answer.toString());
        Map<String, JsonNode> families = new LinkedHashMap<>();
        for (JsonNode f : answer.get("families")) {
            families.put(f.get("name").asText() + " " + f.get("type").asText(), f);
        }
        return families;
    }

    private static double value(Map<String, JsonNode> families, String family, String sample) {
        JsonNode f = families.values().stream().filter(x -> x.get("name").asText().equals(family)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + family));
        for (JsonNode s : f.get("samples")) {
            // the parser gives a counter's sample its _total, which ZooKeeper's exposition has not
            String name = s.get("name").asText();
            if ((name.equals(sample) || name.equals(sample + "_total")) && s.get("labels").isEmpty()) {
                return s.get("value").asDouble();
            }
        }
        throw new AssertionError("no sample " + sample + " in " + f);
    }

    @Test
    void everyZooKeeperFamily_isServedWithItsType_andTheFiguresMove() throws Exception {
        int port = LoopbackPorts.unused();
        try (ServerProcess p = start("prom", Map.of("metricsProvider.httpPort", Integer.toString(port)))) {
            CountDownLatch connected = new CountDownLatch(1);
            try (ZooKeeper zk = new ZooKeeper(p.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            })) {
                assertTrue(connected.await(30, TimeUnit.SECONDS));
                zk.create("/app", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                zk.getData("/app", true, null);
                zk.setData("/app", "yy".getBytes(StandardCharsets.UTF_8), -1);
                Map<String, JsonNode> families = scrape(port);
                List<String> failures = new ArrayList<>();
                for (String[] f : zookeeperFamilies()) {
                    if (f[2].equals("quorum") || f[2].equals("leader")) {
                        continue; // an ensemble member's (AdminEnsembleDiffTest has their mntr keys)
                    }
                    // the parser names a counter family without its _total (the JVM's have one)
                    String name = f[1].equals("counter") && f[0].endsWith("_total")
                            ? f[0].substring(0, f[0].length() - "_total".length()) : f[0];
                    if (!families.containsKey(name + " " + f[1])) {
                        List<String> seen = families.keySet().stream().filter(k -> k.startsWith(name + " ")).toList();
                        failures.add(f[0] + ": ZooKeeper's is a " + f[1] + (seen.isEmpty() ? "; ours has none"
                                : "; ours: " + seen));
                    }
                }
                assertTrue(failures.isEmpty(), String.join("\n", failures));
                String srvr = p.fourLetterWord("srvr");
                assertTrue(srvr.contains("Node count: " + (long) value(families, "znode_count", "znode_count")),
                        srvr);
                assertTrue(value(families, "readlatency", "readlatency_count") >= 1, "the getData");
                assertTrue(value(families, "updatelatency", "updatelatency_count") >= 3,
                        "the session, the create and the setData");
                assertEquals(1, value(families, "node_changed_watch_count", "node_changed_watch_count_count"),
                        "the setData fired one data watch");
                assertTrue(value(families, "bytes_received_count", "bytes_received_count") > 0);
                JsonNode writes = families.get("write_per_namespace summary");
                assertTrue(writes.get("samples").toString().contains("\"key\":\"app\""), writes.toString());
                // with Prometheus on, a namespace keeps a sample for its median (without it, none: mntr shows none)
                double median = Double.NaN;
                for (JsonNode s : writes.get("samples")) {
                    if (s.get("labels").path("key").asText().equals("app")
                            && s.get("labels").path("quantile").asText().equals("0.5")) {
                        median = s.get("value").asDouble();
                    }
                }
                assertTrue(median > 0, "write_per_namespace{key=app} median: " + writes);
            }
        }
    }

    @Test
    void exportJvmInfoFalse_leavesTheJvmFamiliesOut() throws Exception {
        int port = LoopbackPorts.unused();
        try (ServerProcess p = start("nojvm", Map.of("metricsProvider.httpPort", Integer.toString(port),
                "metricsProvider.exportJvmInfo", "false"))) {
            Map<String, JsonNode> families = scrape(port);
            assertFalse(families.containsKey("jvm_threads_current gauge"), families.keySet().toString());
            assertTrue(families.containsKey("znode_count gauge"));
        }
    }

    /** ZooKeeper does not start when its metrics provider cannot ("Cannot boot MetricsProvider"); nor does ours. */
    @Test
    void metricsPortTaken_stopsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("metricsProvider.className",
                    "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider");
            cfg.put("metricsProvider.httpHost", "127.0.0.1");
            cfg.put("metricsProvider.httpPort", Integer.toString(taken.getLocalPort()));
            try (ServerProcess p = ServerProcess.start(dir, Files.createDirectories(dir.resolve("taken")), cfg,
                    "taken", Server.OURS.mainClass(), List.of())) {
                assertEquals(1, p.awaitExit(), p.log());
                assertTrue(p.log().contains("Cannot boot MetricsProvider"), p.log());
            }
        }
    }
}

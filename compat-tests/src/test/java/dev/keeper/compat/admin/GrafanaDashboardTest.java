package dev.keeper.compat.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.compat.ensemble.EnsembleUnderTest;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The community's Grafana dashboard for ZooKeeper (id 10465, "ZooKeeper by Prometheus") against ours: a real
 * Prometheus (Debian's) scrapes our server's Prometheus endpoint every second, and every metric the dashboard's
 * queries read is queried the way its panels read it, with its {@code instance} and {@code job} variables set as
 * Grafana would set them. Each query must return data, so that every panel of the dashboard is filled.
 */
class GrafanaDashboardTest {
    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** metric name, and how the dashboard reads it (value, rate, irate). */
    private static List<String[]> dashboardMetrics() throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = GrafanaDashboardTest.class.getResourceAsStream("grafana-10465-metrics.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split("\t"));
                }
            }
        }
        return out;
    }

    /** A standalone server fills every panel but those of an ensemble's leader (ZooKeeper's registers them there). */
    @Test
    void everyStandaloneQueryOfTheDashboard_returnsData() throws Exception {
        assertPrometheus();
        int metricsPort = LoopbackPorts.unused();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("metricsProvider.className", "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider");
        cfg.put("metricsProvider.httpHost", "127.0.0.1");
        cfg.put("metricsProvider.httpPort", Integer.toString(metricsPort));
        try (ServerProcess server = ServerProcess.start(dir, Files.createDirectories(dir.resolve("keeper")), cfg,
                "keeper", Server.OURS.mainClass(), List.of())) {
            server.awaitServing();
            exercise(server.connectString());
            List<String> empty = emptyQueries(List.of("127.0.0.1:" + metricsPort), dir.resolve("standalone"));
            // what ZooKeeper registers only on a leader, or only once a learner is attached: its standalone server
            // leaves these panels empty too (the ensemble test below fills them)
            empty.removeIf(q -> LEADER_ONLY.stream().anyMatch(m -> q.contains(m + "{") || q.contains(m + "_sum{")));
            assertTrue(empty.isEmpty(), empty.size() + " queries returned no data:\n" + String.join("\n", empty));
        }
    }

    /** The dashboard's ensemble panels, with Prometheus scraping all three members of an ensemble of ours. */
    @Test
    void everyQueryOfTheDashboard_returnsData_onAnEnsemble() throws Exception {
        assertPrometheus();
        List<String> extra = List.of(
                "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
                "metricsProvider.httpHost=127.0.0.1", "metricsProvider.httpPort=0");
        try (EnsembleUnderTest e = EnsembleUnderTest.launch(EnsembleUnderTest.Server.OURS, dir.resolve("ensemble"),
                3, extra, List.of())) {
            e.awaitLeader();
            exercise(e.connectString());
            List<String> targets = new ArrayList<>();
            for (int id = 1; id <= e.size(); id++) {
                targets.add("127.0.0.1:" + metricsPortOf(e.logFile(id)));
            }
            List<String> empty = emptyQueries(targets, dir.resolve("prometheus-ensemble"));
            assertTrue(empty.isEmpty(), empty.size() + " queries returned no data:\n" + String.join("\n", empty));
        }
    }

    /** ZooKeeper's leader-only families (its LeaderZooKeeperServer's gauges, and the per-learner summary sets). */
    private static final List<String> LEADER_ONLY = List.of("quorum_size", "learners", "synced_non_voting_followers",
            "synced_observers", "leader_uptime", "last_proposal_size", "max_proposal_size", "min_proposal_size",
            "ack_latency", "learner_handler_qp_size");

    private static void assertPrometheus() {
        assertTrue(Files.isExecutable(Path.of(PROMETHEUS)), "Debian's Prometheus is needed: apt-get install -y "
                + "prometheus (bin/test.sh installs it)");
    }

    /** The port a member's log says its Prometheus endpoint took. */
    private static int metricsPortOf(Path log) throws Exception {
        Pattern p = Pattern.compile("Prometheus metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no Prometheus port in " + log);
    }

    /**
     * Starts Prometheus scraping {@code targets} every second (job "keeper"), waits for five scrapes of each, and
     * queries every metric of the dashboard as its panels do; returns the queries that returned nothing.
     */
    private static List<String> emptyQueries(List<String> targets, Path work) throws Exception {
        Files.createDirectories(work);
        int webPort = LoopbackPorts.unused();
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n  - job_name: keeper\n    static_configs:\n      - targets: ['"
                + String.join("', '", targets) + "']\n");
        Path log = work.resolve("prometheus.log");
        Process prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + webPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String api = "http://127.0.0.1:" + webPort + "/api/v1/query?query=";
            // scraped a few times, so that a rate over a minute has two points in it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            double scrapes = 0;
            while (scrapes < 5 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                scrapes = value(query(http, api, "min(count_over_time(up{job=\"keeper\"}[1m]))"));
            }
            assertTrue(scrapes >= 5, "Prometheus did not scrape every target 5 times within a minute:\n"
                    + Files.readString(log));
            assertEquals(targets.size(), value(query(http, api, "sum(up{job=\"keeper\"})")), "every target is up");
            // the dashboard's variables as Grafana sets them when every instance is chosen
            String instances = String.join("|", targets).replace(".", "\\\\.");
            String selector = "{instance=~\"" + instances + "\",job=~\"keeper\"}";
            List<String> empty = new ArrayList<>();
            int queries = 0;
            for (String[] m : dashboardMetrics()) {
                for (String use : m[1].split(",")) {
                    String q = switch (use) {
                        case "rate" -> "rate(" + m[0] + selector + "[1m])";
                        case "irate" -> "irate(" + m[0] + selector + "[1m])";
                        default -> m[0] + selector;
                    };
                    queries++;
                    JsonNode result = query(http, api, q);
                    if (!result.get("status").asText().equals("success")
                            || result.get("data").get("result").isEmpty()) {
                        empty.add(q + " -> " + result);
                    }
                }
            }
            assertTrue(queries > 130, "the dashboard's list was read: " + queries);
            return empty;
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** What the dashboard's panels show needs something to show: nodes in two namespaces, reads, watches firing. */
    private static void exercise(String connectString) throws Exception {
        try (ZooKeeper zk = JavaClient.connect(connectString)) {
            for (String ns : new String[] {"/app", "/other"}) {
                zk.create(ns, "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                zk.create(ns + "/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                zk.getData(ns, true, null);
                zk.getChildren(ns, true);
                zk.exists(ns + "/new", true);
                zk.setData(ns, "yy".getBytes(StandardCharsets.UTF_8), -1);
                zk.create(ns + "/new", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.delete(ns + "/new", -1);
            }
        }
    }

    private static JsonNode query(HttpClient http, String api, String promql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The value of a query's single sample, or 0 when it has none. */
    private static double value(JsonNode result) {
        JsonNode r = result.path("data").path("result");
        return r.isEmpty() ? 0 : Double.parseDouble(r.get(0).get("value").get(1).asText());
    }
}

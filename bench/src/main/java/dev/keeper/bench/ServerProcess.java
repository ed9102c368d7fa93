package dev.keeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server running as its own process on 127.0.0.1, its output in a log file, stopped by its PID:
 * {@link #close()} sends SIGTERM, waits, then kills. Either on a fresh data directory that {@link #close()}
 * deletes, or on a given one that it keeps (the durability measurements restart servers on their own files).
 */
final class ServerProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 60_000;
    /** How often readiness is polled; short, since start-up time is measured with it. */
    private static final long POLL_MS = 20;
    private static final long STOP_GRACE_S = 60;

    private final ServerKind kind;
    private final Process process;
    private final int port;
    /** The TLS client port, or -1 without TLS. */
    private int securePort = -1;
    private final Path dir;
    private final Path data;
    private final boolean keepData;
    private final Path log;
    private final long launchedNanos;
    private long readyNanos;
    private String readySrvr;
    private Stop stop;

    /**
     * How a server went down.
     *
     * @param millis  SIGTERM to exit
     * @param forced  it did not exit within the grace time and was killed
     * @param exitCode its exit status
     */
    record Stop(double millis, boolean forced, int exitCode) {
    }

    private ServerProcess(ServerKind kind, Process process, int port, Path dir, Path data, boolean keepData,
                          Path log, long launchedNanos) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.data = data;
        this.keepData = keepData;
        this.log = log;
        this.launchedNanos = launchedNanos;
    }

    /**
     * Starts a server on a fresh data directory (deleted by {@link #close()}) and returns once it serves
     * requests; the guard stops it if the driver dies.
     */
    static ServerProcess start(ServerKind kind, ServerSetup setup, Path runDir, ProcessGuard guard)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(runDir, kind.label() + "-");
        Path data = Files.createDirectory(dir.resolve("data"));
        return launch(kind, setup, dir, data, false, START_TIMEOUT_MS, guard);
    }

    /**
     * Starts a server on {@code data}, which may hold another run's snapshots and logs and which {@link #close()}
     * leaves in place, with its config and log in a new folder under {@code runDir}.
     */
    static ServerProcess startOn(ServerKind kind, ServerSetup setup, Path runDir, String name, Path data,
                                 long timeoutMs, ProcessGuard guard) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(runDir, kind.label() + "-" + name + "-");
        Files.createDirectories(data);
        return launch(kind, setup, dir, data, true, timeoutMs, guard);
    }

    private static ServerProcess launch(ServerKind kind, ServerSetup setup, Path dir, Path data, boolean keepData,
                                        long timeoutMs, ProcessGuard guard) throws IOException, InterruptedException {
        int[] ports = freePorts(setup.tls() != null ? 2 : 1);
        int port = ports[0];
        int securePort = setup.tls() != null ? ports[1] : -1;
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, setup.zooCfg(port, securePort, data));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ServerProcess server = spawn(kind, setup.command(kind, java, cfg), dir, port, data, keepData,
                dir.resolve("server.log"), guard);
        server.securePort = securePort;
        try {
            server.awaitReady(timeoutMs);
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts one member of an ensemble on {@code data} (kept by {@link #close()}, so the member can start again on
     * it) with the zoo.cfg text given, its config in {@code dir} and its output in {@code log}; returns at once,
     * since a member serves only once a quorum of its peers runs ({@link Ensemble} waits for that).
     */
    static ServerProcess startMember(ServerKind kind, ServerSetup setup, Path dir, Path data, int clientPort,
                                     String zooCfg, Path log, ProcessGuard guard) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, zooCfg);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return spawn(kind, setup.memberCommand(kind, java, cfg), dir, clientPort, data, true, log, guard);
    }

    private static ServerProcess spawn(ServerKind kind, List<String> cmd, Path dir, int port, Path data,
                                       boolean keepData, Path log, ProcessGuard guard) throws IOException {
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long launched = System.nanoTime();
        Process p = pb.start();
        ServerProcess server = new ServerProcess(kind, p, port, dir, data, keepData, log, launched);
        guard.add(server);
        return server;
    }

    ServerKind kind() {
        return kind;
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    /** The TLS client port ({@code secureClientPort}), or -1 when the server was started without TLS. */
    int securePort() {
        return securePort;
    }

    /** The connect string of the TLS client port. */
    String secureConnectString() {
        if (securePort < 0) {
            throw new IllegalStateException(this + " has no TLS port");
        }
        return "127.0.0.1:" + securePort;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** When the process was launched, on this JVM's {@link System#nanoTime()} clock. */
    long launchedNanos() {
        return launchedNanos;
    }

    /** Launch to the first {@code srvr} answer with {@code Mode: standalone}, in milliseconds. */
    double readyMillis() {
        return (readyNanos - launchedNanos) / 1e6;
    }

    /** That first {@code srvr} answer (it carries the node count). */
    String readySrvr() {
        return readySrvr;
    }

    Path logFile() {
        return log;
    }

    Path dataDir() {
        return data;
    }

    /** How the server went down, once {@link #close()} has stopped it; null before. */
    Stop stopped() {
        return stop;
    }

    /** The last lines the server wrote, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label() + " exited with " + process.exitValue() + " while starting:\n"
                        + logTail(40));
            }
            // srvr, not ruok: ZooKeeper answers imok as soon as it listens, even when loading its database
            // failed; srvr shows the Mode line only once the server serves requests.
            String srvr = fourLetterWord("srvr");
            if (srvr != null && srvr.contains("Mode: standalone")) {
                readyNanos = System.nanoTime();
                readySrvr = srvr;
                return;
            }
            Thread.sleep(POLL_MS);
        }
        throw new IOException(kind.label() + " did not report Mode: standalone within " + timeoutMs + " ms:\n"
                + logTail(40));
    }

    /**
     * The value of one line of {@code srvr} ("Mode", "Zxid", ...), or null when the server does not answer or
     * the line is missing: both servers answer "not currently serving requests", without a Mode line, while
     * they have no leader.
     */
    String srvrField(String name) {
        String srvr = fourLetterWord("srvr");
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2).trim();
            }
        }
        return null;
    }

    /** A crash: SIGKILL by its PID, nothing of the server runs after it; waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(this + " survived SIGKILL for 30 s");
        }
    }

    /** Sends a four-letter word and returns the answer, or null if the server cannot be reached yet. */
    String fourLetterWord(String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Stops the process by its PID (SIGTERM, as {@code zkServer.sh stop} does, then SIGKILL after 60 s) and
     * deletes its data directory unless it was given one.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            long t0 = System.nanoTime();
            boolean forced = false;
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE_S, TimeUnit.SECONDS)) {
                    forced = true;
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            stop = new Stop((System.nanoTime() - t0) / 1e6, forced, process.isAlive() ? -1 : process.exitValue());
        }
        if (!keepData) {
            deleteTree(data);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the directory is under the run's temporary folder.
        }
    }

    /** {@code n} distinct free ports (all held open at once while they are picked). */
    static int[] freePorts(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return kind.label() + "[pid " + pid() + ", port " + port + (securePort >= 0 ? ", TLS port " + securePort : "")
                + "]";
    }
}

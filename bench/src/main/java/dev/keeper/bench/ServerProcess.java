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
 * One server running as its own process on 127.0.0.1, with a fresh data directory, its output in a log file,
 * and stopped by its PID: {@link #close()} sends SIGTERM, waits, then kills.
 */
final class ServerProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 60_000;

    private final ServerKind kind;
    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;

    private ServerProcess(ServerKind kind, Process process, int port, Path dir, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /** Starts a server and returns once it serves requests; the guard stops it if the driver dies. */
    static ServerProcess start(ServerKind kind, ServerSetup setup, Path runDir, ProcessGuard guard)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(runDir, kind.label() + "-");
        Path data = Files.createDirectory(dir.resolve("data"));
        int port = freePort();
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, setup.zooCfg(port, data));
        Path log = dir.resolve("server.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = setup.command(kind, java, cfg);
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServerProcess server = new ServerProcess(kind, p, port, dir, log);
        guard.add(server);
        try {
            server.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
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

    boolean alive() {
        return process.isAlive();
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

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label() + " exited with " + process.exitValue() + " while starting:\n"
                        + logTail(40));
            }
            // srvr, not ruok: ZooKeeper answers imok as soon as it listens, even when loading its database
            // failed; srvr shows the Mode line only once the server serves requests.
            String srvr = fourLetterWord("srvr");
            if (srvr != null && srvr.contains("Mode: standalone")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(kind.label() + " did not report Mode: standalone within " + START_TIMEOUT_MS + " ms:\n"
                + logTail(40));
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

    /** Stops the process by its PID (SIGTERM, then SIGKILL after 15 s) and deletes its data directory. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir.resolve("data"));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the directory is under the run's temporary folder.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return kind.label() + "[pid " + pid() + ", port " + port + "]";
    }
}

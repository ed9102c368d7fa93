package dev.keeper.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The driver's handle on a {@link FanOutWorker} process: start it, ask for rounds, stop it by its PID. */
final class FanOutWorkerProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_MS = 300_000;
    private static final long ROUND_TIMEOUT_MS = 300_000;

    /** What one round measured, in nanoseconds. */
    record Round(long armNanos, long lastNanos, long medianNanos) {
    }

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fanout-worker-reader");
        t.setDaemon(true);
        return t;
    });
    private final Path log;
    private double connectSeconds;

    private FanOutWorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts a worker holding {@code sessions} sessions to {@code server}; returns once they are connected. */
    static FanOutWorkerProcess start(ServerProcess server, int sessions, Path runDir, ProcessGuard guard)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = runDir.resolve("fanout-worker-" + server.kind().label() + ".log");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xms512m", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), FanOutWorker.class.getName(),
                "127.0.0.1", Integer.toString(server.port()), Integer.toString(sessions)))
                .redirectError(log.toFile())
                .start();
        FanOutWorkerProcess w = new FanOutWorkerProcess(p, log);
        guard.add(w);
        try {
            String[] ready = w.expect("READY", READY_TIMEOUT_MS);
            w.connectSeconds = Double.parseDouble(ready[1]);
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    double connectSeconds() {
        return connectSeconds;
    }

    Round round() throws IOException, InterruptedException {
        in.write("ROUND\n");
        in.flush();
        String[] r = expect("ROUND", ROUND_TIMEOUT_MS);
        return new Round(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]));
    }

    private String[] expect(String word, long timeoutMs) throws IOException, InterruptedException {
        Future<String> line = reader.submit(out::readLine);
        String l;
        try {
            l = line.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            line.cancel(true);
            throw new IOException("fan-out worker gave no " + word + " within " + timeoutMs + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("reading the fan-out worker: " + e.getCause(), e.getCause());
        }
        if (l == null) {
            throw new IOException("fan-out worker exited; its log is " + log);
        }
        String[] parts = l.split(" ");
        if (!parts[0].equals(word)) {
            throw new IOException("fan-out worker: " + l + " (log " + log + ")");
        }
        return parts;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                in.write("QUIT\n");
                in.flush();
            }
        } catch (IOException e) {
            // Already gone or not listening: stopped by PID below.
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        reader.shutdownNow();
    }
}

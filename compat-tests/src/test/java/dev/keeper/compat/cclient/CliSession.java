package dev.keeper.compat.cclient;

import dev.keeper.compat.ops.Subprocess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C client's shell, {@code cli_mt}, driven one command at a time on its stdin.
 *
 * <p>Why one at a time: cli_mt sends most commands asynchronously and prints their results (on stderr) from the
 * library's completion thread, while its main thread prints "Creating [...]" and reads the next line. Fed a
 * whole script at once, its output interleaves differently from run to run, and "quit" closes the session with
 * requests still in flight (they end with ZCLOSING). So the next command is written only once the previous one
 * has printed every line it is expected to print.
 */
final class CliSession implements AutoCloseable {
    static final Path CLI_MT = Path.of("/usr/lib/zookeeper/bin/cli_mt");
    private static final long POLL_MILLIS = 20;

    private final Process process;
    private final Path stderr;
    private final Path stdout;
    private final OutputStream stdin;
    private int linesTaken;

    private CliSession(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
    }

    static CliSession start(String connectString) throws IOException {
        Path out = Files.createTempFile("cli_mt", ".out");
        Path err = Files.createTempFile("cli_mt", ".err");
        Process p = new ProcessBuilder(CLI_MT.toString(), connectString).directory(Subprocess.REPO.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliSession(p, out, err);
    }

    void send(String command) throws IOException {
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * The next {@code count} complete lines cli_mt printed on stderr, waiting at most {@code timeout} for them.
     * Fails with everything printed so far when they do not come.
     */
    List<String> nextLines(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = completeLines();
            if (lines.size() >= linesTaken + count) {
                List<String> taken = new ArrayList<>(lines.subList(linesTaken, linesTaken + count));
                linesTaken += count;
                return taken;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("cli_mt printed " + (lines.size() - linesTaken) + " of the " + count
                        + " lines expected within " + timeout + "; its output so far:\n" + output());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Waits (bounded) for cli_mt to exit; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("cli_mt did not exit within " + timeout + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** The lines printed on stderr after the ones already taken. */
    List<String> remainingLines() throws IOException {
        List<String> lines = completeLines();
        return lines.subList(Math.min(linesTaken, lines.size()), lines.size());
    }

    String output() {
        try {
            return "--- stderr\n" + Files.readString(stderr) + "--- stdout\n" + Files.readString(stdout);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private List<String> completeLines() throws IOException {
        String text = Files.readString(stderr, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    @Override
    public void close() throws IOException {
        try {
            stdin.close();
        } catch (IOException e) {
            // cli_mt has exited and closed its end: nothing left to tell it
        }
        if (process.isAlive()) {
            Subprocess.killTree(process.toHandle());
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }
}

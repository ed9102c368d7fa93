package dev.keeper.compat.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion within a time bound: the ops scripts, zkCli, Python. Output goes to files, not
 * pipes, because {@code zkServer.sh start} leaves a server running: a pipe inherited by it would never reach
 * end-of-file. A command that overruns is killed with everything it started, and the test fails.
 */
public final class Subprocess {
    /** The repository's top directory (the tests run from compat-tests/). */
    public static final Path REPO = findRepo();

    private Subprocess() {
    }

    /** What a finished command left: its exit code and what it printed. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** For assertion messages. */
        public String describe() {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }
    }

    public static Result run(Duration timeout, Map<String, String> env, List<String> command) {
        try {
            Path out = Files.createTempFile("keeper-cmd", ".out");
            Path err = Files.createTempFile("keeper-cmd", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                // A server bin/zkServer.sh starts here gets no AdminServer, whose default is 0.0.0.0:8080: the tests'
                // servers listen on loopback only (a test that wants one sets it in zoo.cfg, which wins)
                pb.environment().put("SERVER_JVMFLAGS", "-Dzookeeper.admin.enableServer=false");
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killTree(p.toHandle());
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                            + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
                }
                return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** Kills a process and all it started, and waits (bounded) for it to be gone. */
    public static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Reported by the caller's own checks; nothing more can be done here.
        }
    }

    private static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/zkServer.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("no bin/zkServer.sh above " + dir);
    }
}

package dev.keeper.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a disk that really fills up, so writes fail with the kernel's own
 * ENOSPC ("No space left on device"). Mounting needs root, which is how these tests run; without it the test
 * fails rather than pretend. Shared with compat-tests through this module's test-jar.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path at;

    private Tmpfs(Path at) {
        this.at = at;
    }

    public static Tmpfs mount(Path at, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(at);
        run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", at.toString());
        return new Tmpfs(at);
    }

    public Path path() {
        return at;
    }

    /** Gives the mounted filesystem a new size, keeping its files. */
    public void resize(long bytes) throws IOException, InterruptedException {
        run("mount", "-o", "remount,size=" + bytes, at.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", at.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), String.join(" ", command) + " (needs root): " + out);
    }
}

package dev.keeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a server process holds after a full collection, read from outside with {@code jcmd}: two
 * {@code GC.run} (System.gc, a full collection under G1) and then {@code GC.heap_info}'s "used" figure.
 */
final class HeapProbe {
    /** G1's line: {@code garbage-first heap   total 2097152K, used 10240K [0x..., 0x...)}. */
    private static final Pattern USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    private static final long JCMD_TIMEOUT_S = 120;

    private HeapProbe() {
    }

    /** Bytes of heap in use after full collections of the process {@code pid}. */
    static long usedAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        return parseUsedBytes(jcmd(pid, "GC.heap_info"));
    }

    /** The "used" figure of {@code GC.heap_info} output, in bytes. */
    static long parseUsedBytes(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalArgumentException("no 'heap total ...K, used ...K' line in:\n" + heapInfo);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    /** Runs {@code jcmd <pid> <command>} and returns its output. */
    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }
}

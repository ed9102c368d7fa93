package dev.keeper.compat.ensemble;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member of an {@link EnsembleUnderTest} as a JVM of its own — {@code java -cp <this JVM's class path>
 * <main class> zoo.cfg} — so that killing it is a crash (SIGKILL: no close, no goodbye to its peers or clients),
 * and starting it again means a new process on the same data directory and ports. Its output goes to a file,
 * one per start, named in failure messages.
 */
final class MemberProcess {
    private final Path log;
    private final int clientPort;
    private final Process process;

    private MemberProcess(Path log, int clientPort, Process process) {
        this.log = log;
        this.clientPort = clientPort;
        this.process = process;
    }

    /** Starts {@code mainClass} on {@code cfg}, its output to {@code log}; returns at once. */
    static MemberProcess start(String mainClass, Path cfg, Path log, int clientPort) throws IOException {
        return start(mainClass, cfg, log, clientPort, List.of());
    }

    /**
     * As {@link #start(String, Path, Path, int)}, with JVM options for this process alone: the partition tests give
     * each member its own {@code -Djdk.net.hosts.file}, so that its peers' names lead through links they can cut.
     */
    static MemberProcess start(String mainClass, Path cfg, Path log, int clientPort, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true"));
        // No AdminServer (both servers' default is 0.0.0.0:8080) unless the test's options or zoo.cfg ask for one
        command.add("-Dzookeeper.admin.enableServer=false");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, cfg.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new MemberProcess(log, clientPort, p);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * What srvr says after "Mode: " — leader, follower, observer — or null: not running, not answering, or
     * "not currently serving requests" (both servers' answer while they have no leader).
     */
    String mode() {
        return srvr("Mode: ");
    }

    /** What srvr says after {@code prefix} on the line that starts with it, or null (as {@link #mode}). */
    String srvr(String prefix) {
        String srvr = fourLetterWord("srvr");
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** The answer to a four-letter word, or null when nothing answers (yet). */
    String fourLetterWord(String word) {
        if (!process.isAlive()) {
            return null;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", clientPort), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException notYet) {
            return null;
        }
    }

    /** SIGKILL ({@code destroyForcibly} on Linux), and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("member process " + process.pid() + " survived SIGKILL");
        }
    }

    /** SIGSTOP: the process freezes with its sockets open, as in a long GC pause or a stopped VM. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}: the process goes on where it stopped, whatever happened meanwhile. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** The member's output so far, for failure messages: its last 4,000 characters. */
    String logTail() {
        try {
            String all = Files.readString(log);
            return log + ":\n" + (all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all);
        } catch (IOException e) {
            return "(no log at " + log + ": " + e + ")";
        }
    }

    /** The recent output of each member in {@code members} (by myid; null where none was started). */
    static String logs(MemberProcess[] members) {
        StringBuilder b = new StringBuilder();
        for (int id = 1; id < members.length; id++) {
            if (members[id] != null) {
                b.append("--- member ").append(id).append(": ").append(members[id].logTail()).append('\n');
            }
        }
        return b.toString();
    }

    /** SIGKILL to each of {@code members} still running. */
    static void killAll(MemberProcess[] members) {
        for (int id = 1; id < members.length; id++) {
            if (members[id] != null && members[id].isAlive()) {
                try {
                    members[id].kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}

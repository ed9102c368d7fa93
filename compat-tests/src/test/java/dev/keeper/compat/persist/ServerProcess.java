package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our server as a separate JVM — {@code java -cp <this JVM's class path> dev.keeper.server.Main zoo.cfg} on
 * 127.0.0.1 and a free port — so a test can kill it with SIGKILL: no shutdown hook, no close, no last flush,
 * exactly what a crash leaves on disk, or hold more connections than one process's descriptors allow for both
 * ends (the limits tests' 10,000 sessions). Its output goes to a file the test reads on failure.
 */
public final class ServerProcess implements AutoCloseable {
    /** What {@code Process.exitValue()} reports for a process ended by SIGKILL (128 + 9). */
    public static final int KILLED = 137;
    private static final Pattern ZXID = Pattern.compile("Zxid: 0x([0-9a-f]+)");

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Writes {@code dir/zoo.cfg} with {@code settings} (dataDir, clientPort and address added) and starts it. */
    public static ServerProcess start(Path dir, Path dataDir, Map<String, String> settings, String name)
            throws IOException {
        return start(dir, dataDir, settings, name, "dev.keeper.server.Main", List.of());
    }

    /**
     * As {@link #start(Path, Path, Map, String)}, with another main class that takes the zoo.cfg (the real
     * ZooKeeper's {@code org.apache.zookeeper.server.ZooKeeperServerMain}, from the same class path) and JVM
     * options for this process alone (such as {@code -Dzookeeper.enforceQuota=true}, which ZooKeeper reads once
     * per JVM).
     */
    public static ServerProcess start(Path dir, Path dataDir, Map<String, String> settings, String name,
            String mainClass, List<String> jvmOptions) throws IOException {
        int port = freePort();
        StringBuilder cfg = new StringBuilder();
        cfg.append("dataDir=").append(dataDir).append('\n');
        cfg.append("clientPort=").append(port).append('\n');
        cfg.append("clientPortAddress=127.0.0.1\n");
        settings.forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        Path zooCfg = dir.resolve(name + ".cfg");
        Files.writeString(zooCfg, cfg);
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // No AdminServer (both servers' default is 0.0.0.0:8080) unless the test's options or zoo.cfg ask for one
        command.add("-Dzookeeper.admin.enableServer=false");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, zooCfg.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(p, log, port);
    }

    private static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Waits until the server answers {@code srvr}; returns the zxid it reports. Fails if the process exits. */
    public long awaitServing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the server exited with " + process.exitValue() + " before serving:\n" + log());
            }
            String srvr = fourLetterWord("srvr");
            Matcher m = srvr == null ? null : ZXID.matcher(srvr);
            if (m != null && m.find()) {
                return Long.parseLong(m.group(1), 16);
            }
            Thread.sleep(25);
        }
        fail("the server did not start serving within 90 s:\n" + log());
        return -1;
    }

    /** The answer to a four-letter word, or null if nothing listens yet. */
    public String fourLetterWord(String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
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

    /** SIGKILL ({@code destroyForcibly} on Linux), and checks that is what ended it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            fail("the server survived SIGKILL");
        }
        assertEquals(KILLED, process.exitValue(), "not ended by SIGKILL");
    }

    /** SIGTERM ({@code destroy} on Linux), what {@code zkServer.sh stop} sends; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            fail("the server did not exit:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGSTOP: the process freezes, its sockets open, as a long GC pause or a stopped VM leaves it. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package dev.keeper.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/zkCli.sh — the stock ZooKeeper CLI (ZooKeeperMain from the 3.9.5 jar) — against our server: an
 * interactive session driven through stdin, one command at a time, and one-shot commands given as arguments.
 * Both run against the real ZooKeeper too, so what they expect is ZooKeeper's.
 */
class ZkCliTest {
    /** The first run of zkCli.sh may resolve its class path with Maven. */
    private static final Duration FIRST_OUTPUT = Duration.ofMinutes(5);
    /** A bound on one command's round trip, generous for a loaded CI machine. */
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String CLI = Subprocess.REPO.resolve("bin/zkCli.sh").toString();

    @ParameterizedTest
    @ValueSource(strings = {"ours", "zookeeper"})
    void interactiveSession_createGetWatchSetLsDeleteQuit(String which) throws Exception {
        try (Servers.Handle server = start(which);
                Session cli = new Session(server.connectString())) {
            cli.awaitText("WatchedEvent state:SyncConnected type:None path:null", FIRST_OUTPUT);

            assertEquals("Created /cli", cli.command("create /cli hello"));
            assertEquals("hello", cli.command("get -w /cli"));
            assertEquals("", cli.command("set /cli world"));
            // The watch set by get -w fires once, on the set; the CLI prints it from its event thread.
            cli.awaitText("WatchedEvent state:SyncConnected type:NodeDataChanged path:/cli zxid: ", STEP);
            assertEquals("[cli, zookeeper]", cli.command("ls /"));
            assertEquals("world", cli.command("get /cli"));
            String stat = cli.command("stat /cli");
            assertTrue(stat.contains("dataVersion = 1\n"), stat);
            assertTrue(stat.contains("dataLength = 5\n"), stat);
            assertTrue(stat.contains("numChildren = 0"), stat);
            assertEquals("", cli.command("delete /cli"));
            assertEquals("Node does not exist: /cli", cli.command("get /cli"));
            assertEquals("[zookeeper]", cli.command("ls /"));
            // quit exits with the status of the command before it (ZooKeeperMain), here a success.
            assertEquals(0, cli.quit(), cli.output());
            // The CLI's event thread prints "WATCHER::" and the event in two writes, which the prompt of the
            // next command may fall between; so the event line is counted on its own.
            assertEquals(1, count(cli.output(), "WatchedEvent state:SyncConnected type:NodeDataChanged path:/cli"),
                    "a watch set by get -w fires once:\n" + cli.output());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "zookeeper"})
    void oneShotCommands_printTheResultAndExitWithZooKeepersCodes(String which) {
        try (Servers.Handle server = start(which)) {
            oneShotCommands(server);
        }
    }

    private static Servers.Handle start(String which) {
        return which.equals("ours") ? Servers.ours() : Servers.zookeeper();
    }

    private static void oneShotCommands(Servers.Handle server) {
        Subprocess.Result create = cli(server, "create", "/oneshot", "payload");
        assertEquals(0, create.exitCode(), create.describe());
        assertTrue(create.stderr().contains("Created /oneshot"), create.describe());

        Subprocess.Result get = cli(server, "get", "/oneshot");
        assertEquals(0, get.exitCode(), get.describe());
        assertTrue(get.stdout().endsWith("\npayload\n"), get.describe());

        Subprocess.Result missing = cli(server, "get", "/nope");
        assertEquals(1, missing.exitCode(), missing.describe());
        assertTrue(missing.stderr().contains("Node does not exist: /nope"), missing.describe());

    }

    private static Subprocess.Result cli(Servers.Handle server, String... command) {
        List<String> args = new ArrayList<>(List.of(CLI, "-server", server.connectString()));
        args.addAll(List.of(command));
        return Subprocess.run(FIRST_OUTPUT, Map.of(), args);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /**
     * One interactive zkCli: commands go to its stdin; stdout and stderr are read together. The CLI prompts
     * with "[zk: host:port(CONNECTED) n] " before reading command n, so what a command printed is the text
     * between its prompt and the next one.
     */
    private static final class Session implements AutoCloseable {
        private final String connectString;
        private final Process process;
        private final OutputStream stdin;
        private final StringBuilder output = new StringBuilder();
        private final Thread reader;
        private int commands;

        Session(String connectString) throws IOException {
            this.connectString = connectString;
            ProcessBuilder pb = new ProcessBuilder(CLI, "-server", connectString)
                    .directory(Subprocess.REPO.toFile()).redirectErrorStream(true);
            process = pb.start();
            stdin = process.getOutputStream();
            reader = new Thread(this::pump, "zkcli-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void pump() {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process ended; what it printed is kept.
            } finally {
                synchronized (output) {
                    output.notifyAll();
                }
            }
        }

        String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        /** Sends one command and returns what it printed, trimmed. */
        String command(String line) throws Exception {
            String prompt = prompt(commands);
            String next = prompt(commands + 1);
            awaitText(prompt, STEP);
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            commands++;
            String all = awaitText(next, STEP);
            int from = all.indexOf(prompt) + prompt.length();
            String printed = all.substring(from, all.indexOf(next, from));
            // Watch notifications arrive on their own thread and may land anywhere, even split around a prompt;
            // they are checked apart.
            return printed.replace("WATCHER::", "").replaceAll("WatchedEvent state:[^\n]*", "").trim();
        }

        private String prompt(int n) {
            return "[zk: " + connectString + "(CONNECTED) " + n + "] ";
        }

        String awaitText(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (output) {
                while (output.indexOf(text) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                        throw new AssertionError("zkCli did not print \"" + text + "\" within " + timeout
                                + ":\n" + output);
                    }
                    output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                return output.toString();
            }
        }

        int quit() throws Exception {
            awaitText(prompt(commands), STEP);
            stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            assertTrue(process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS), "zkCli exits on quit");
            reader.join(STEP.toMillis());
            return process.exitValue();
        }

        @Override
        public void close() {
            Subprocess.killTree(process.toHandle());
        }
    }
}

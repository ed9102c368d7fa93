package dev.keeper.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How both servers are started: one zoo.cfg text and one set of JVM flags for both, so the only difference
 * between the two processes is the code they run.
 *
 * @param serverJar            our shaded jar ({@code java -jar})
 * @param zookeeperClasspath   zookeeper 3.9.5 and its dependencies
 * @param heap                 -Xms and -Xmx, equal so heap growth does not enter the figures
 * @param tickTime             zoo.cfg tickTime
 * @param fsync                zoo.cfg forceSync (and -Dzookeeper.forceSync, which both servers read)
 * @param logbackConfig        the logging configuration both processes get
 */
record ServerSetup(Path serverJar, String zookeeperClasspath, String heap, int tickTime, boolean fsync,
                   Path logbackConfig) {

    /** ZooKeeper's standalone entry point, what {@code zkServer.sh start} runs for a one-server zoo.cfg. */
    static final String ZOOKEEPER_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";

    /** The zoo.cfg both servers read; only the port and the data directory differ. */
    String zooCfg(int port, Path dataDir) {
        return String.join("\n",
                "# written by the Keeper benchmark; the same for both servers but for port and dataDir",
                "tickTime=" + tickTime,
                "dataDir=" + dataDir.toAbsolutePath(),
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                // The fan-out measurement holds 10,000 sessions from one address.
                "maxClientCnxns=0",
                "forceSync=" + (fsync ? "yes" : "no"),
                // ZooKeeper's admin server would take port 8080; ours accepts the key and has none.
                "admin.enableServer=false",
                "4lw.commands.whitelist=*",
                "");
    }

    /** JVM flags of both processes. */
    List<String> jvmFlags() {
        return List.of(
                "-Xms" + heap,
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-Dzookeeper.forceSync=" + (fsync ? "yes" : "no"),
                "-Dlogback.configurationFile=" + logbackConfig.toAbsolutePath(),
                "-Djava.net.preferIPv4Stack=true");
    }

    /** The command line of one server process. */
    List<String> command(ServerKind kind, Path javaBin, Path zooCfg) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(jvmFlags());
        if (kind == ServerKind.OURS) {
            cmd.add("-jar");
            cmd.add(serverJar.toAbsolutePath().toString());
        } else {
            cmd.add("-cp");
            cmd.add(zookeeperClasspath);
            cmd.add(ZOOKEEPER_MAIN);
        }
        cmd.add(zooCfg.toAbsolutePath().toString());
        return cmd;
    }

    /** Both servers log warnings and errors only, to their standard output, which goes to a file. */
    static String logbackXml() {
        return """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
    }
}

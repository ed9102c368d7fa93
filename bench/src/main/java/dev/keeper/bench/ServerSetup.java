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
 * @param snapCount            zoo.cfg snapCount (and -Dzookeeper.snapCount), or 0 for both servers' default
 *                             (100,000)
 * @param logbackConfig        the logging configuration both processes get
 * @param tls                  TLS on a second client port for both servers, or null for none
 * @param extraCfg             {@code key=value} lines added to zoo.cfg; one whose key the base text has replaces
 *                             that line ({@code admin.enableServer=true} for the observability part)
 */
record ServerSetup(Path serverJar, String zookeeperClasspath, String heap, int tickTime, boolean fsync,
                   int snapCount, Path logbackConfig, Tls tls, List<String> extraCfg) {

    /** Our server's entry point, the shaded jar's Main-Class, for a start with {@code -cp} (an extra jar). */
    static final String OUR_MAIN = "dev.keeper.server.Main";

    ServerSetup {
        extraCfg = List.copyOf(extraCfg);
    }

    /** A setup without TLS. */
    ServerSetup(Path serverJar, String zookeeperClasspath, String heap, int tickTime, boolean fsync, int snapCount,
                Path logbackConfig) {
        this(serverJar, zookeeperClasspath, heap, tickTime, fsync, snapCount, logbackConfig, null);
    }

    /** A setup with the base zoo.cfg text. */
    ServerSetup(Path serverJar, String zookeeperClasspath, String heap, int tickTime, boolean fsync, int snapCount,
                Path logbackConfig, Tls tls) {
        this(serverJar, zookeeperClasspath, heap, tickTime, fsync, snapCount, logbackConfig, tls, List.of());
    }

    /**
     * TLS on a second client port ({@code secureClientPort}), the same zoo.cfg keys for both servers (ZooKeeper turns
     * {@code ssl.*} into its {@code zookeeper.ssl.*} properties; ours reads them alike).
     *
     * @param provider       {@code ssl.sslProvider}: JDK or OPENSSL, always set (ZooKeeper's default is JDK; ours
     *                       would pick OpenSSL by itself when netty-tcnative is on its class path)
     * @param stores         key and trust stores
     * @param clientAuth     {@code ssl.clientAuth}: need, want or none
     * @param extraClasspath jars both servers get beside their own (netty-tcnative for OPENSSL); ZooKeeper's class path
     *                       gets those it does not hold already
     */
    record Tls(String provider, TlsCerts.Stores stores, String clientAuth, List<Path> extraClasspath) {
        Tls {
            extraClasspath = List.copyOf(extraClasspath);
        }
    }

    /** The same setup with the log fsynced before each reply, or not. */
    ServerSetup withFsync(boolean on) {
        return new ServerSetup(serverJar, zookeeperClasspath, heap, tickTime, on, snapCount, logbackConfig, tls,
                extraCfg);
    }

    /** The same setup with another snapCount (0: the default). */
    ServerSetup withSnapCount(int count) {
        return new ServerSetup(serverJar, zookeeperClasspath, heap, tickTime, fsync, count, logbackConfig, tls,
                extraCfg);
    }

    /** The same setup with another logging configuration. */
    ServerSetup withLogback(Path config) {
        return new ServerSetup(serverJar, zookeeperClasspath, heap, tickTime, fsync, snapCount, config, tls,
                extraCfg);
    }

    /** The same setup with another heap (the ensemble's members get a smaller one each). */
    ServerSetup withHeap(String size) {
        return new ServerSetup(serverJar, zookeeperClasspath, size, tickTime, fsync, snapCount, logbackConfig, tls,
                extraCfg);
    }

    /** The same setup with TLS on a second client port (null: none). */
    ServerSetup withTls(Tls settings) {
        return new ServerSetup(serverJar, zookeeperClasspath, heap, tickTime, fsync, snapCount, logbackConfig,
                settings, extraCfg);
    }

    /**
     * The same setup with {@code key=value} lines added to zoo.cfg (a key the base text has is replaced, so a line
     * may turn the AdminServer on); the lines already added stay unless one names the same key.
     */
    ServerSetup withCfg(String... lines) {
        List<String> all = new ArrayList<>();
        for (String line : extraCfg) {
            if (java.util.Arrays.stream(lines).noneMatch(l -> key(l).equals(key(line)))) {
                all.add(line);
            }
        }
        all.addAll(List.of(lines));
        return new ServerSetup(serverJar, zookeeperClasspath, heap, tickTime, fsync, snapCount, logbackConfig, tls,
                all);
    }

    private static String key(String line) {
        int eq = line.indexOf('=');
        return (eq < 0 ? line : line.substring(0, eq)).trim();
    }

    /** {@code cfg} with {@link #extraCfg}: a line of the same key replaced in place, the others appended. */
    private String withExtra(String cfg) {
        if (extraCfg.isEmpty()) {
            return cfg;
        }
        List<String> lines = new ArrayList<>(List.of(cfg.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (String extra : extraCfg) {
            boolean replaced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.startsWith("#") && line.contains("=") && key(line).equals(key(extra))) {
                    lines.set(i, extra);
                    replaced = true;
                }
            }
            if (!replaced) {
                lines.add(extra);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** ZooKeeper's standalone entry point, what {@code zkServer.sh start} runs for a one-server zoo.cfg. */
    static final String ZOOKEEPER_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";
    /** ZooKeeper's entry point for a zoo.cfg with {@code server.N} lines, what {@code zkServer.sh start} runs. */
    static final String ZOOKEEPER_QUORUM_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    /** The zoo.cfg both servers read; only the port and the data directory differ. */
    String zooCfg(int port, Path dataDir) {
        return zooCfg(port, -1, dataDir);
    }

    /**
     * The zoo.cfg both servers read, with TLS on {@code securePort} when this setup has it: only the ports and the
     * data directory differ between the two servers.
     */
    String zooCfg(int port, int securePort, Path dataDir) {
        String cfg = String.join("\n",
                "# written by the Keeper benchmark; the same for both servers but for port and dataDir",
                "tickTime=" + tickTime,
                "dataDir=" + dataDir.toAbsolutePath(),
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                // The fan-out measurement holds 10,000 sessions from one address.
                "maxClientCnxns=0",
                "forceSync=" + (fsync ? "yes" : "no"),
                // Both servers' AdminServers would take port 8080 (ZooKeeper's only with Jetty on its class path).
                "admin.enableServer=false",
                "4lw.commands.whitelist=*",
                "");
        // ZooKeeper turns zoo.cfg keys it does not know into zookeeper.* system properties, which is where its
        // SyncRequestProcessor reads snapCount from; ours reads the key itself.
        if (snapCount > 0) {
            cfg += "snapCount=" + snapCount + "\n";
        }
        if (tls != null) {
            if (securePort <= 0) {
                throw new IllegalArgumentException("a TLS setup needs a secure port");
            }
            TlsCerts.Stores st = tls.stores();
            cfg += String.join("\n",
                    "secureClientPort=" + securePort,
                    "secureClientPortAddress=127.0.0.1",
                    // ZooKeeper's TLS needs its Netty connection factory (for the plain port too); ours has only one.
                    "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                    "ssl.keyStore.location=" + st.serverKeyStore().toAbsolutePath(),
                    "ssl.keyStore.password=" + st.password(),
                    "ssl.trustStore.location=" + st.trustStore().toAbsolutePath(),
                    "ssl.trustStore.password=" + st.password(),
                    "ssl.clientAuth=" + tls.clientAuth(),
                    "ssl.sslProvider=" + tls.provider(),
                    "");
        }
        return withExtra(cfg);
    }

    /**
     * The zoo.cfg of one member of an ensemble, the same for both servers but for dataDir: the {@code server.N}
     * lines carry every member's quorum, election and client ports (ZooKeeper 3.5's form, which ours reads
     * alike), so there is no clientPort line; the member's id is the {@code myid} file in its dataDir.
     *
     * @param serverLines  {@code server.N=...} lines of every member, one per line
     */
    String memberZooCfg(Path dataDir, int initLimit, int syncLimit, String serverLines) {
        return String.join("\n",
                "# written by the Keeper benchmark; the same for both ensembles' members but for dataDir",
                "tickTime=" + tickTime,
                "initLimit=" + initLimit,
                "syncLimit=" + syncLimit,
                "dataDir=" + dataDir.toAbsolutePath(),
                "maxClientCnxns=0",
                "forceSync=" + (fsync ? "yes" : "no"),
                "admin.enableServer=false",
                "4lw.commands.whitelist=*",
                serverLines.strip(),
                "");
    }

    /** JVM flags of both processes. */
    List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(List.of(
                "-Xms" + heap,
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-Dzookeeper.forceSync=" + (fsync ? "yes" : "no"),
                "-Dlogback.configurationFile=" + logbackConfig.toAbsolutePath(),
                "-Djava.net.preferIPv4Stack=true"));
        if (snapCount > 0) {
            flags.add("-Dzookeeper.snapCount=" + snapCount);
        }
        return flags;
    }

    /** The command line of one standalone server process. */
    List<String> command(ServerKind kind, Path javaBin, Path zooCfg) {
        return command(kind, javaBin, zooCfg, ZOOKEEPER_MAIN);
    }

    /** The command line of one member of an ensemble: ours reads the server lines itself; ZooKeeper's main differs. */
    List<String> memberCommand(ServerKind kind, Path javaBin, Path zooCfg) {
        return command(kind, javaBin, zooCfg, ZOOKEEPER_QUORUM_MAIN);
    }

    private List<String> command(ServerKind kind, Path javaBin, Path zooCfg, String zookeeperMain) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(jvmFlags());
        // Each process's GC pauses, beside its zoo.cfg in the run directory: a latency tail is read against them.
        cmd.add("-Xlog:gc:file=" + zooCfg.toAbsolutePath().resolveSibling("gc-" + kind.name().toLowerCase()
                + "-%p.log") + ":utctime,uptime");
        List<Path> extra = tls == null ? List.of() : tls.extraClasspath();
        if (kind == ServerKind.OURS && extra.isEmpty()) {
            cmd.add("-jar");
            cmd.add(serverJar.toAbsolutePath().toString());
        } else if (kind == ServerKind.OURS) {
            List<String> cp = new ArrayList<>(List.of(serverJar.toAbsolutePath().toString()));
            extra.forEach(p -> cp.add(p.toAbsolutePath().toString()));
            cmd.add("-cp");
            cmd.add(String.join(java.io.File.pathSeparator, cp));
            cmd.add(OUR_MAIN);
        } else {
            cmd.add("-cp");
            cmd.add(withExtra(zookeeperClasspath, extra));
            cmd.add(zookeeperMain);
        }
        cmd.add(zooCfg.toAbsolutePath().toString());
        return cmd;
    }

    /** {@code classpath} and those of {@code extra} whose file name it does not hold already. */
    static String withExtra(String classpath, List<Path> extra) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                names.add(Path.of(entry).getFileName().toString());
            }
        }
        StringBuilder sb = new StringBuilder(classpath);
        for (Path p : extra) {
            if (names.add(p.getFileName().toString())) {
                sb.append(java.io.File.pathSeparator).append(p.toAbsolutePath());
            }
        }
        return sb.toString();
    }

    /**
     * Both servers log warnings and errors only, to their standard output, which goes to a file. With
     * {@code persistence}, each also logs what its snapshot and recovery code says at INFO (start and end of every
     * snapshot, what start-up loaded), which the snapshot and start-up measurements read; the rest stays at WARN,
     * so neither server pays for a line per session or per request. Times carry the date and offset, so they can
     * be set against the load generator's clock.
     */
    static String logbackXml(boolean persistence) {
        String loggers = persistence ? """
                  <logger name="dev.keeper.server.persist" level="INFO"/>
                  <logger name="org.apache.zookeeper.server.persistence" level="INFO"/>
                  <logger name="org.apache.zookeeper.server.ZooKeeperServer" level="INFO"/>
                  <logger name="org.apache.zookeeper.server.ZKDatabase" level="INFO"/>
                """ : "";
        return """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                """ + loggers + """
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
    }
}

package dev.keeper.server;

import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.config.ZooCfg;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar keeper-server.jar zoo.cfg}: what {@code bin/zkServer.sh} runs. Exits 0 on a clean stop
 * (SIGTERM or SIGINT), 2 on a configuration error, 4 when the AdminServer's port cannot be bound (ZooKeeper's code)
 * and 1 when the server cannot start otherwise or stops on a failure.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && "--version".equals(args[0])) {
            System.out.println("Keeper (Apache ZooKeeper " + dev.keeper.server.admin.Version.ZOOKEEPER
                    + " compatible), version " + dev.keeper.server.admin.Version.full());
            return;
        }
        Path cfg = Path.of(args.length > 0 ? args[args.length - 1] : "conf/zoo.cfg");
        ServerConfig config;
        try {
            if (!Files.isRegularFile(cfg)) {
                throw new IllegalArgumentException("config file " + cfg.toAbsolutePath() + " is missing");
            }
            config = ZooCfg.load(cfg);
            if (config.dataDir() == null) {
                throw new IllegalArgumentException("dataDir is not set");
            }
        } catch (Exception e) {
            LOG.error("Invalid config, exiting abnormally: {}", e.getMessage());
            System.exit(2);
            return;
        }
        ZkServer server;
        try {
            server = ZkServer.start(config);
        } catch (ZkServer.AdminServerException e) {
            LOG.error("Unable to start AdminServer, exiting abnormally: {}", e.getMessage());
            System.err.println("Unable to start AdminServer, exiting abnormally");
            System.exit(4); // ZooKeeper's ExitCode.ERROR_STARTING_ADMIN_SERVER
            return;
        } catch (Exception e) {
            LOG.error("Unable to start the server: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        // kill -TERM (zkServer.sh stop) and Ctrl-C are clean stops: every request taken in is answered and on
        // disk, and the process exits 0. Left to the JVM, the signal would run the shutdown hook and exit 143.
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(server::close, "keeper-stop").start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keeper-shutdown"));
        server.stopped().join();
        System.exit(server.failed() ? 1 : 0);
    }
}

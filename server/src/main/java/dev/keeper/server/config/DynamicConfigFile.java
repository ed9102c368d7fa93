package dev.keeper.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a reconfig, the members go to disk as ZooKeeper 3.5+ puts them: a new dynamic configuration file
 * {@code <zoo.cfg>.dynamic.<version in hex>} holding the {@code server.N} lines, and zoo.cfg
 * pointing at it with {@code dynamicConfigFile=} instead of its own server lines ({@code QuorumPeerConfig}'s
 * {@code writeDynamicConfig} and {@code editStaticConfig}). A member started again reads its members from there.
 */
public final class DynamicConfigFile {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicConfigFile.class);

    private DynamicConfigFile() {
    }

    /** Writes {@code data} (as {@code /zookeeper/config} holds it) and points {@code zooCfg} at it. */
    public static void write(Path zooCfg, byte[] data, long version) {
        Path dynamic = zooCfg.resolveSibling(zooCfg.getFileName() + ".dynamic." + Long.toHexString(version));
        try {
            // ZooKeeper's file holds the server lines alone (the version is in its name), with no newline after
            // the last
            List<String> servers = new ArrayList<>();
            for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("server.")) {
                    servers.add(line);
                }
            }
            replace(dynamic, String.join("\n", servers));
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(zooCfg, StandardCharsets.UTF_8)) {
                String key = line.trim();
                if (key.startsWith("server.") || key.startsWith("dynamicConfigFile") || key.startsWith("group.")
                        || key.startsWith("weight.")) {
                    continue;
                }
                kept.add(line);
            }
            kept.add("dynamicConfigFile=" + dynamic.toAbsolutePath());
            replace(zooCfg, String.join("\n", kept) + "\n");
            LOG.info("Wrote the ensemble's configuration version 0x{} to {}", Long.toHexString(version), dynamic);
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not write the configuration after a reconfig to {}: {}", dynamic, e.toString());
        }
    }

    /** Written beside and moved over, so a reader never sees half a file. */
    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

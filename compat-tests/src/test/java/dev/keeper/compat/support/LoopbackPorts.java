package dev.keeper.compat.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on 127.0.0.1 for servers whose peers must know them before they start — an ensemble's quorum, election and
 * client ports — where port 0 cannot be used. The kernel hands out a port for port 0 from its ephemeral range, the
 * range it also takes the local port of every outgoing connection from: between a test choosing such a port and a
 * member binding it, any connection on the machine may take it, and Ratis then ends the whole JVM ("Failed to start
 * Grpc server", exit status 1). These ports come from just below that range, are free when chosen, and are never
 * handed out twice in one JVM.
 */
public final class LoopbackPorts {
    private static final int TRIES = 500;
    private static final Set<Integer> CHOSEN = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    public static int unused() throws IOException {
        int high = Math.min(32_000, ephemeralLow());
        int low = Math.max(1_024, high - 12_000);
        if (high - low < 1_000) {
            throw new IOException("the ephemeral range starts at " + high + ": no room below it for test ports");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < TRIES; i++) {
            int port = low + random.nextInt(high - low);
            if (free(port) && CHOSEN.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port on 127.0.0.1 in [" + low + ", " + high + ") after " + TRIES + " tries");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The low end of Linux's ephemeral range; 32,768 (its usual value) where it cannot be read. */
    private static int ephemeralLow() {
        try {
            // (readString reads /proc files short: they claim a size they do not have)
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}

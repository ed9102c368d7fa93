package dev.keeper.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops every server this run started when the driver exits, however it exits (normal end, exception, Ctrl-C):
 * a shutdown hook closes, by PID, each server process still alive.
 */
final class ProcessGuard implements AutoCloseable {
    private final List<ServerProcess> started = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "bench-stop-servers");

    ProcessGuard() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized void add(ServerProcess server) {
        started.add(server);
    }

    private void stopAll() {
        List<ServerProcess> copy;
        synchronized (this) {
            copy = new ArrayList<>(started);
            started.clear();
        }
        for (ServerProcess s : copy) {
            s.close();
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway and finds nothing left to stop.
        }
    }
}

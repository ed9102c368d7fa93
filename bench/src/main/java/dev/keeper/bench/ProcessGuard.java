package dev.keeper.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops every process this run started (servers and fan-out workers) when the driver exits, however it exits
 * (normal end, exception, Ctrl-C): a shutdown hook closes each, newest first, by its PID.
 */
final class ProcessGuard implements AutoCloseable {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "bench-stop-processes");

    ProcessGuard() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized void add(AutoCloseable process) {
        started.add(process);
    }

    private void stopAll() {
        List<AutoCloseable> copy;
        synchronized (this) {
            copy = new ArrayList<>(started);
            started.clear();
        }
        for (int i = copy.size() - 1; i >= 0; i--) {
            try {
                copy.get(i).close();
            } catch (Exception e) {
                System.err.println("could not stop " + copy.get(i) + ": " + e);
            }
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

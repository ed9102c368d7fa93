package dev.keeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The machine's 1-minute load average sampled every 10 s through the run, since the machine is shared and a
 * figure measured while something else ran is worth less: the report gives the lowest, median and highest.
 */
final class LoadSampler implements AutoCloseable {
    private static final long PERIOD_MS = 10_000;
    private final List<Double> samples = new ArrayList<>();
    private final Thread thread = new Thread(this::loop, "load-sampler");

    LoadSampler() {
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            double v = oneMinute();
            if (!Double.isNaN(v)) {
                synchronized (samples) {
                    samples.add(v);
                }
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static double oneMinute() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** "min X, median Y, max Z (N samples)", or "unknown". */
    String summary() {
        synchronized (samples) {
            return summary(samples);
        }
    }

    static String summary(List<Double> values) {
        if (values.isEmpty()) {
            return "unknown";
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return String.format(Locale.ROOT, "min %.2f, median %.2f, max %.2f (%d samples, 10 s apart)", min,
                Stats.median(values), max, values.size());
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}

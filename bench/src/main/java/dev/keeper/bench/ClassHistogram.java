package dev.keeper.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's live objects, counted from outside with {@code jcmd <pid> GC.class_histogram}: HotSpot runs
 * a full collection and then walks the heap, counting each class's instances and their bytes (shallow sizes,
 * arrays included, as a heap dump counts them). The difference of two histograms is what the heap gained between
 * them, class by class; independent of anything the server says about itself.
 */
final class ClassHistogram {
    /** {@code    1:        123456       9876543  [B (java.base@17.0.15)}. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$");
    /** {@code Total       1234567     123456789}. */
    private static final Pattern TOTAL = Pattern.compile("^\\s*Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    /** The module HotSpot appends to a class's name: {@code (java.base@17.0.15)}. */
    private static final Pattern MODULE = Pattern.compile("\\s+\\([^()]*\\)$");

    /** One class's live instances and their bytes. */
    record Row(String className, long instances, long bytes) {
    }

    /** What the heap gained (or lost, negative) in one class between two histograms. */
    record Delta(String className, long instances, long bytes) {
    }

    /** One histogram. */
    record Histogram(Map<String, Row> rows, long totalInstances, long totalBytes) {
    }

    private ClassHistogram() {
    }

    /** Takes a histogram of process {@code pid} (a full collection first, by HotSpot's own doing). */
    static Histogram take(long pid) throws IOException, InterruptedException {
        return parse(HeapProbe.jcmd(pid, "GC.class_histogram"));
    }

    static Histogram parse(String jcmdOutput) {
        Map<String, Row> rows = new HashMap<>();
        long instances = -1;
        long bytes = -1;
        for (String line : jcmdOutput.split("\n")) {
            Matcher t = TOTAL.matcher(line);
            if (t.matches()) {
                instances = Long.parseLong(t.group(1));
                bytes = Long.parseLong(t.group(2));
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String name = MODULE.matcher(m.group(3)).replaceFirst("");
                Row row = new Row(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                // Hidden classes of the same name (lambdas) can appear twice: add them up.
                rows.merge(name, row, (a, b) -> new Row(name, a.instances + b.instances, a.bytes + b.bytes));
            }
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("no Total line in the class histogram:\n"
                    + jcmdOutput.substring(0, Math.min(2000, jcmdOutput.length())));
        }
        return new Histogram(Map.copyOf(rows), instances, bytes);
    }

    /** The {@code n} classes whose bytes changed most between {@code before} and {@code after}, largest first. */
    static List<Delta> top(Histogram before, Histogram after, int n) {
        Set<String> names = new HashSet<>(before.rows().keySet());
        names.addAll(after.rows().keySet());
        List<Delta> all = new ArrayList<>();
        for (String name : names) {
            Row b = before.rows().get(name);
            Row a = after.rows().get(name);
            long instances = (a == null ? 0 : a.instances()) - (b == null ? 0 : b.instances());
            long bytes = (a == null ? 0 : a.bytes()) - (b == null ? 0 : b.bytes());
            if (bytes != 0 || instances != 0) {
                all.add(new Delta(name, instances, bytes));
            }
        }
        all.sort(Comparator.comparingLong((Delta d) -> -Math.abs(d.bytes())).thenComparing(Delta::className));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }
}

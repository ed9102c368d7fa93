package dev.keeper.compat.diff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what one run of a scenario observed, one channel per client (plus channels the scenario notes on
 * itself). Within a channel, entries are in the order the client saw them — a ZooKeeper client's EventThread
 * delivers replies and watch events in arrival order — which is deterministic for a scenario that waits for
 * each reply. Across channels arrival order is a race, so channels are kept apart and printed one after the
 * other, in the order they were opened.
 *
 * <p>Thread-safe: clients' event threads append while the scenario runs. Once sealed, later entries (a client
 * closing, stragglers from a misbehaving server) are dropped, so the end of a transcript is well defined.
 */
final class Recorder {
    private final Map<String, List<List<Object>>> channels = new LinkedHashMap<>();
    private boolean sealed;

    synchronized void open(String channel) {
        channels.computeIfAbsent(channel, k -> new ArrayList<>());
    }

    synchronized void record(String channel, Object... parts) {
        if (sealed) {
            return;
        }
        List<Object> entry = new ArrayList<>(parts.length);
        flatten(parts, entry);
        channels.computeIfAbsent(channel, k -> new ArrayList<>()).add(entry);
    }

    synchronized void seal() {
        sealed = true;
    }

    private static void flatten(Object[] parts, List<Object> out) {
        for (Object p : parts) {
            if (p instanceof Object[] nested) {
                flatten(nested, out);
            } else if (p instanceof Collection<?> c) {
                flatten(c.toArray(), out);
            } else {
                out.add(p);
            }
        }
    }

    /**
     * The normalised transcript: each entry's parts concatenated (callers place their own spaces), tokens
     * rewritten in channel order, then entry order.
     */
    synchronized Transcript transcript(Normaliser n) {
        List<String> lines = new ArrayList<>();
        channels.forEach((name, entries) -> {
            lines.add("[" + name + "]");
            List<String> channel = new ArrayList<>(entries.size());
            for (List<Object> entry : entries) {
                StringBuilder sb = new StringBuilder("  ");
                for (Object part : entry) {
                    sb.append(n.text(part));
                }
                channel.add(sb.toString());
            }
            sortWatchersOfOneNotification(channel);
            lines.addAll(channel);
        });
        return new Transcript(lines);
    }

    /**
     * One notification reaching several watchers of a client is handed to them in the order of the client's
     * {@code HashSet<Watcher>} ({@code ZKWatchManager.materialize}), that is by identity hash: random. So a run
     * of consecutive event lines that differ only in the watcher's label is put in label order. A server that
     * sent the notification twice still shows: the run then holds a label twice.
     */
    private static void sortWatchersOfOneNotification(List<String> lines) {
        int i = 0;
        while (i < lines.size()) {
            int j = i + 1;
            String key = eventKey(lines.get(i));
            if (key != null) {
                while (j < lines.size() && key.equals(eventKey(lines.get(j)))) {
                    j++;
                }
                lines.subList(i, j).sort(null);
            }
            i = j;
        }
    }

    /** An event line without its watcher label ("  event LABEL rest" gives "rest"), or null. */
    private static String eventKey(String line) {
        if (!line.startsWith(Client.EVENT)) {
            return null;
        }
        int labelEnd = line.indexOf(' ', Client.EVENT.length());
        return labelEnd < 0 ? null : line.substring(labelEnd);
    }
}

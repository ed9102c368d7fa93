package dev.keeper.compat.ensemble.lin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the clients of a run did: each znode's state before the run, and every operation, added by the client
 * threads as they finish (thread-safe). Its text form — {@code init key value version} lines, then one
 * {@link Operation} a line — lets a run's history be kept and checked again (a recorded violation is a test).
 */
public final class History {
    private final Map<String, Register> initial = new LinkedHashMap<>();
    private final Queue<Operation> operations = new ConcurrentLinkedQueue<>();

    /** The znode {@code key} holds {@code state} before any operation of the history. */
    public synchronized void start(String key, Register state) {
        initial.put(key, state);
    }

    public void add(Operation op) {
        operations.add(op);
    }

    public synchronized Map<String, Register> initial() {
        return Map.copyOf(initial);
    }

    public int size() {
        return operations.size();
    }

    /** Every operation, by invocation time. */
    public List<Operation> operations() {
        List<Operation> all = new ArrayList<>(operations);
        all.sort(Comparator.comparingLong(Operation::invokeNanos));
        return all;
    }

    /** The operations on each znode, by invocation time (each znode is checked on its own). */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> keys = new LinkedHashMap<>();
        for (Operation op : operations()) {
            keys.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        return keys;
    }

    public void write(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        synchronized (this) {
            initial.forEach((key, state) -> b.append("init ").append(key).append(' ').append(state.value())
                    .append(' ').append(state.version()).append('\n'));
        }
        for (Operation op : operations()) {
            b.append(op.toLine()).append('\n');
        }
        Files.writeString(file, b);
    }

    public static History read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Reads the text form; blank lines and lines starting with '#' are comments. */
    public static History parse(String text) throws IOException {
        History h = new History();
        try (BufferedReader in = new BufferedReader(new StringReader(text))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("init ")) {
                    String[] f = line.split(" ");
                    h.start(f[1], new Register(f[2], Integer.parseInt(f[3])));
                } else {
                    h.add(Operation.parse(line));
                }
            }
        }
        return h;
    }
}

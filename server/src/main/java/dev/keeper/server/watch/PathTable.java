package dev.keeper.server.watch;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A compact hash table of elements keyed by a path: open addressing over one array, so an element costs a
 * reference slot rather than a {@code HashMap} node (32 bytes) — which, for the hundreds of thousands of
 * watches a busy server holds, is most of what a watch would otherwise cost. Deletion shifts later members of
 * a probe run back, so there are no tombstones.
 *
 * <p>Used for a path's watchers (keyed by their path) and for each watcher's set of paths (the strings
 * themselves, the same instances the watch table holds).
 */
final class PathTable<E> {
    private final Function<E, String> key;
    private Object[] table = new Object[4];
    private int size;

    PathTable(Function<E, String> key) {
        this.key = key;
    }

    /** A set of paths. */
    static PathTable<String> ofPaths() {
        return new PathTable<>(Function.identity());
    }

    int size() {
        return size;
    }

    /** The bytes this table itself takes (the object and its slot array), not its elements. */
    long heapBytes(HeapLayout layout) {
        return layout.object(2, 4) + layout.referenceArray(table.length);
    }

    /** The bytes of one element's slot, the table's free slots shared out over its elements. */
    double slotBytes(HeapLayout layout) {
        return size == 0 ? 0 : (double) heapBytes(layout) / size;
    }

    @SuppressWarnings("unchecked")
    E get(String path) {
        Object[] t = table;
        int mask = t.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object e = t[i];
            if (e == null) {
                return null;
            }
            if (key.apply((E) e).equals(path)) {
                return (E) e;
            }
        }
    }

    /**
     * The element keyed by the first {@code length} chars of {@code path}, given that prefix's
     * {@code String.hashCode()}: a lookup of an ancestor without making its string.
     */
    @SuppressWarnings("unchecked")
    E getPrefix(String path, int length, int hash) {
        Object[] t = table;
        int mask = t.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            Object e = t[i];
            if (e == null) {
                return null;
            }
            String k = key.apply((E) e);
            if (k.length() == length && path.startsWith(k)) {
                return (E) e;
            }
        }
    }

    /** Adds {@code e}; false if an element with its key is present already. */
    @SuppressWarnings("unchecked")
    boolean add(E e) {
        if ((size + 1) * 4 > table.length * 3) {
            resize(table.length * 2);
        }
        String k = key.apply(e);
        Object[] t = table;
        int mask = t.length - 1;
        for (int i = spread(k.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object o = t[i];
            if (o == null) {
                t[i] = e;
                size++;
                return true;
            }
            if (key.apply((E) o).equals(k)) {
                return false;
            }
        }
    }

    /** Removes and returns the element keyed {@code path}, or null. */
    @SuppressWarnings("unchecked")
    E remove(String path) {
        Object[] t = table;
        int mask = t.length - 1;
        int i = spread(path.hashCode()) & mask;
        while (true) {
            Object o = t[i];
            if (o == null) {
                return null;
            }
            if (key.apply((E) o).equals(path)) {
                break;
            }
            i = (i + 1) & mask;
        }
        E removed = (E) t[i];
        int hole = i;
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = spread(key.apply((E) t[j]).hashCode()) & mask;
            if (hole <= j ? (home <= hole || home > j) : (home <= hole && home > j)) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
        size--;
        if (table.length > 16 && size * 8 < table.length) {
            resize(table.length / 2);
        }
        return removed;
    }

    /** The mean number of slots an element sits past its home slot: how long a lookup's probe is (tests). */
    @SuppressWarnings("unchecked")
    double meanDisplacement() {
        Object[] t = table;
        int mask = t.length - 1;
        long total = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != null) {
                total += (i - (spread(key.apply((E) t[i]).hashCode()) & mask)) & mask;
            }
        }
        return size == 0 ? 0 : (double) total / size;
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<E> action) {
        for (Object o : table) {
            if (o != null) {
                action.accept((E) o);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void resize(int capacity) {
        Object[] old = table;
        table = new Object[capacity];
        int mask = capacity - 1;
        for (Object o : old) {
            if (o != null) {
                int i = spread(key.apply((E) o).hashCode()) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = o;
            }
        }
    }

    /**
     * Mixes a String hash before the mask takes its low bits: numbered paths ("/queue/item-0000000042") hash to
     * nearby values, which linear probing piles into long runs (786,431 such paths in a table of 1,048,576 sat
     * 95 slots from home on average). Multiplying by the golden ratio (Fibonacci hashing) and folding the high
     * half down spreads them: 1.5 slots.
     */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}

package dev.keeper.server.tree;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A znode's children: an open-addressing hash table of {@link Znode}s keyed by their UTF-8 names.
 *
 * <p>Why not a {@code HashMap<String, Znode>}: each entry there costs a 32-byte map node plus a String, on top
 * of the child itself. Here an entry is one reference slot in an array kept at most three-quarters full, and
 * the key is the child's own {@code name} array. Lookups take a slice of a path's bytes, so walking a path
 * allocates nothing. Deletion uses backward shifting, so there are no tombstones.
 */
public final class Children {
    private Znode[] table;
    private int size;

    Children() {
        table = new Znode[4];
    }

    public int size() {
        return size;
    }

    /**
     * A polynomial hash of the name, mixed. The polynomial alone puts names that differ in their last bytes
     * (sequential nodes, numbered names: the common case) at nearby values, and linear probing then piles them
     * into runs: 196,607 names "lock-0000000000"... in a table of 262,144 sat 45 slots from home on average. The
     * multiplication by the golden ratio (Fibonacci hashing) carries every bit of it into the high bits, which the
     * shift folds into the low bits the mask keeps: 1.5 slots.
     */
    static int hash(byte[] key, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + key[i];
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The child whose name is {@code key[from, to)}, or null. */
    Znode get(byte[] key, int from, int to) {
        Znode[] t = table;
        int mask = t.length - 1;
        for (int i = hash(key, from, to) & mask; ; i = (i + 1) & mask) {
            Znode z = t[i];
            if (z == null) {
                return null;
            }
            if (Arrays.equals(z.name, 0, z.name.length, key, from, to)) {
                return z;
            }
        }
    }

    /** Adds {@code child}; false if a child of that name is already present. */
    boolean add(Znode child) {
        if ((size + 1) * 4 > table.length * 3) {
            resize(table.length * 2);
        }
        Znode[] t = table;
        int mask = t.length - 1;
        byte[] key = child.name;
        for (int i = hash(key, 0, key.length) & mask; ; i = (i + 1) & mask) {
            Znode z = t[i];
            if (z == null) {
                t[i] = child;
                size++;
                return true;
            }
            if (Arrays.equals(z.name, key)) {
                return false;
            }
        }
    }

    /** Puts {@code child} in the slot of the child of the same name (which must be present). */
    void replace(Znode child) {
        Znode[] t = table;
        int mask = t.length - 1;
        byte[] key = child.name;
        for (int i = hash(key, 0, key.length) & mask; ; i = (i + 1) & mask) {
            if (Arrays.equals(t[i].name, key)) {
                t[i] = child;
                return;
            }
        }
    }

    /** Removes and returns the child named {@code key[from, to)}, or null. */
    Znode remove(byte[] key, int from, int to) {
        Znode[] t = table;
        int mask = t.length - 1;
        int i = hash(key, from, to) & mask;
        while (true) {
            Znode z = t[i];
            if (z == null) {
                return null;
            }
            if (Arrays.equals(z.name, 0, z.name.length, key, from, to)) {
                break;
            }
            i = (i + 1) & mask;
        }
        Znode removed = t[i];
        // Backward-shift: move later members of the probe run into the hole when their home slot allows it.
        int hole = i;
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = hash(t[j].name, 0, t[j].name.length) & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
        size--;
        if (table.length > 8 && size * 8 < table.length) {
            resize(table.length / 2);
        }
        return removed;
    }

    /** The mean number of slots an entry sits past its home slot: how long a lookup's probe is (tests). */
    double meanDisplacement() {
        Znode[] t = table;
        int mask = t.length - 1;
        long total = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != null) {
                total += (i - (hash(t[i].name, 0, t[i].name.length) & mask)) & mask;
            }
        }
        return size == 0 ? 0 : (double) total / size;
    }

    public void forEach(Consumer<Znode> action) {
        for (Znode z : table) {
            if (z != null) {
                action.accept(z);
            }
        }
    }

    private void resize(int capacity) {
        Znode[] old = table;
        table = new Znode[capacity];
        int mask = capacity - 1;
        for (Znode z : old) {
            if (z != null) {
                int i = hash(z.name, 0, z.name.length) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = z;
            }
        }
    }
}

package dev.keeper.server.watch;

import java.util.function.Consumer;

/**
 * A compact set of path strings: open addressing over one array, so a watch costs a reference slot here
 * rather than a {@code HashMap} node. The strings are the same instances the watch table keys on.
 */
final class PathSet {
    private String[] table = new String[4];
    private int size;

    int size() {
        return size;
    }

    boolean add(String path) {
        if ((size + 1) * 4 > table.length * 3) {
            resize(table.length * 2);
        }
        int mask = table.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            String s = table[i];
            if (s == null) {
                table[i] = path;
                size++;
                return true;
            }
            if (s.equals(path)) {
                return false;
            }
        }
    }

    boolean contains(String path) {
        int mask = table.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            String s = table[i];
            if (s == null) {
                return false;
            }
            if (s.equals(path)) {
                return true;
            }
        }
    }

    boolean remove(String path) {
        String[] t = table;
        int mask = t.length - 1;
        int i = spread(path.hashCode()) & mask;
        while (true) {
            String s = t[i];
            if (s == null) {
                return false;
            }
            if (s.equals(path)) {
                break;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = spread(t[j].hashCode()) & mask;
            if (hole <= j ? (home <= hole || home > j) : (home <= hole && home > j)) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
        size--;
        return true;
    }

    void forEach(Consumer<String> action) {
        for (String s : table) {
            if (s != null) {
                action.accept(s);
            }
        }
    }

    private void resize(int capacity) {
        String[] old = table;
        table = new String[capacity];
        int mask = capacity - 1;
        for (String s : old) {
            if (s != null) {
                int i = spread(s.hashCode()) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = s;
            }
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}

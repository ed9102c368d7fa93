package dev.keeper.server.watch;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One of ZooKeeper's two watch tables (data-side or child-side, {@code server/watch/WatchManager.java}): which
 * watchers watch which path, in which modes.
 *
 * <p>Memory is the point: ZooKeeper spends a map node, a {@code HashSet} and its table per watched path, and a
 * map node per watch again in each connection's index. Here a path is one {@link Entry} in a {@link PathTable},
 * holding its first watcher inline (most paths have one) and any others in two small arrays; each watcher's
 * paths are a {@link PathTable} of the same path strings, so dropping a connection costs its own watches.
 * Firing costs the watches fired plus, only while some recursive watch exists, one lookup per ancestor of the
 * changed path.
 *
 * <p>Owned by the processor thread.
 */
final class WatchTable {
    /** The watchers of one path and their mode bits: the first inline, the rest in parallel arrays. */
    private static final class Entry {
        final String path;
        Watcher first;
        byte firstMode;
        Watcher[] more;
        byte[] moreModes;
        int size;

        Entry(String path) {
            this.path = path;
        }

        Watcher watcher(int i) {
            return i == 0 ? first : more[i - 1];
        }

        byte mode(int i) {
            return i == 0 ? firstMode : moreModes[i - 1];
        }

        void mode(int i, byte m) {
            if (i == 0) {
                firstMode = m;
            } else {
                moreModes[i - 1] = m;
            }
        }

        int indexOf(Watcher w) {
            for (int i = 0; i < size; i++) {
                if (watcher(i) == w) {
                    return i;
                }
            }
            return -1;
        }

        int append(Watcher w) {
            if (size == 0) {
                first = w;
                firstMode = 0;
            } else {
                if (more == null) {
                    more = new Watcher[2];
                    moreModes = new byte[2];
                } else if (size - 1 == more.length) {
                    more = java.util.Arrays.copyOf(more, more.length * 2);
                    moreModes = java.util.Arrays.copyOf(moreModes, more.length);
                }
                more[size - 1] = w;
                moreModes[size - 1] = 0;
            }
            return size++;
        }

        /** Removes watcher i, moving the last one into its place. */
        void removeAt(int i) {
            int last = size - 1;
            if (i != last) {
                Watcher w = watcher(last);
                byte m = mode(last);
                if (i == 0) {
                    first = w;
                    firstMode = m;
                } else {
                    more[i - 1] = w;
                    moreModes[i - 1] = m;
                }
            }
            if (last == 0) {
                first = null;
            } else {
                more[last - 1] = null;
            }
            size--;
        }
    }

    private final PathTable<Entry> byPath = new PathTable<>(e -> e.path);
    private final Map<Watcher, PathTable<String>> byWatcher = new IdentityHashMap<>();
    private int recursiveCount;
    /** Scratch for {@link #ancestorPrefixes}: owned by the processor thread, as the table is. */
    private int[] prefixLength = new int[16];
    private int[] prefixHash = new int[16];
    private long watchCount;

    /** Adds {@code mode} for {@code w} on {@code path}; true if that changed anything. */
    boolean add(String path, Watcher w, byte mode) {
        Entry e = byPath.get(path);
        if (e == null) {
            e = new Entry(path);
            byPath.add(e);
        }
        int i = e.indexOf(w);
        if (i < 0) {
            i = e.append(w);
            byWatcher.computeIfAbsent(w, k -> PathTable.ofPaths()).add(e.path);
            watchCount++;
        }
        byte old = e.mode(i);
        if ((old & mode) != 0) {
            return false;
        }
        e.mode(i, (byte) (old | mode));
        if (mode == WatchMode.PERSISTENT_RECURSIVE) {
            recursiveCount++;
        }
        return true;
    }

    /**
     * Collects the watchers a change at {@code path} fires, consuming one-shot watches, as
     * {@code WatchManager.triggerWatch} does: every watcher on the path itself, and recursive watchers on its
     * ancestors.
     */
    List<Watcher> trigger(String path) {
        List<Watcher> fired = new ArrayList<>(4);
        Entry e = byPath.get(path);
        if (e != null) {
            for (int i = 0; i < e.size; ) {
                Watcher w = e.watcher(i);
                fired.add(w);
                byte m = (byte) (e.mode(i) & ~WatchMode.STANDARD);
                if (m == 0) {
                    e.removeAt(i);
                    unindex(w, path);
                } else {
                    e.mode(i, m);
                    i++;
                }
            }
            if (e.size == 0) {
                byPath.remove(path);
            }
        }
        if (recursiveCount > 0 && path.length() > 1) {
            Set<Watcher> seen = null;
            int ancestors = ancestorPrefixes(path);
            for (int a = ancestors - 1; a >= 0; a--) {
                Entry pe = byPath.getPrefix(path, prefixLength[a], prefixHash[a]);
                if (pe == null) {
                    continue;
                }
                for (int i = 0; i < pe.size; i++) {
                    if ((pe.mode(i) & WatchMode.PERSISTENT_RECURSIVE) != 0) {
                        if (seen == null) {
                            seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                            seen.addAll(fired);
                        }
                        if (seen.add(pe.watcher(i))) {
                            fired.add(pe.watcher(i));
                        }
                    }
                }
            }
        }
        return fired;
    }

    /**
     * Fills {@link #prefixLength} and {@link #prefixHash} with the ancestors of {@code path} ("/", then "/a" for
     * "/a/b"), root first, in one pass over it; returns how many. Looking ancestors up by a substring each
     * (ZooKeeper's {@code PathParentIterator}) makes a chain of nodes n deep cost n² bytes of garbage per event
     * below it; this costs two ints per level, in arrays kept from one event to the next.
     */
    private int ancestorPrefixes(String path) {
        int n = 0;
        int h = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (i == 1 || (c == '/' && i > 1)) {
                // the prefix before i: "/" at i == 1, and every prefix that ends before a later slash
                if (n == prefixLength.length) {
                    prefixLength = java.util.Arrays.copyOf(prefixLength, n * 2);
                    prefixHash = java.util.Arrays.copyOf(prefixHash, n * 2);
                }
                prefixLength[n] = i;
                prefixHash[n] = h;
                n++;
            }
            h = 31 * h + c;
        }
        return n;
    }

    private void unindex(Watcher w, String path) {
        PathTable<String> paths = byWatcher.get(w);
        if (paths != null && paths.remove(path) != null && paths.size() == 0) {
            byWatcher.remove(w);
        }
        watchCount--;
    }

    /** True if {@code w} watches {@code path} in {@code mode} (any mode when {@code mode} is 0). */
    boolean contains(String path, Watcher w, byte mode) {
        Entry e = byPath.get(path);
        if (e == null) {
            return false;
        }
        int i = e.indexOf(w);
        return i >= 0 && (mode == 0 || (e.mode(i) & mode) != 0);
    }

    /** Removes {@code mode} (every mode when 0) of {@code w} on {@code path}; true if anything was removed. */
    boolean remove(String path, Watcher w, byte mode) {
        Entry e = byPath.get(path);
        if (e == null) {
            return false;
        }
        int i = e.indexOf(w);
        if (i < 0) {
            return false;
        }
        byte old = e.mode(i);
        byte now = mode == 0 ? 0 : (byte) (old & ~mode);
        if (now == old) {
            return false;
        }
        if ((old & WatchMode.PERSISTENT_RECURSIVE) != 0 && (now & WatchMode.PERSISTENT_RECURSIVE) == 0) {
            recursiveCount--;
        }
        if (now == 0) {
            e.removeAt(i);
            if (e.size == 0) {
                byPath.remove(path);
            }
            unindex(w, path);
        } else {
            e.mode(i, now);
        }
        return true;
    }

    /** Drops every watch {@code w} holds. */
    void removeWatcher(Watcher w) {
        PathTable<String> paths = byWatcher.remove(w);
        if (paths == null) {
            return;
        }
        paths.forEach(path -> {
            Entry e = byPath.get(path);
            if (e == null) {
                return;
            }
            int i = e.indexOf(w);
            if (i >= 0) {
                if ((e.mode(i) & WatchMode.PERSISTENT_RECURSIVE) != 0) {
                    recursiveCount--;
                }
                e.removeAt(i);
                watchCount--;
                if (e.size == 0) {
                    byPath.remove(path);
                }
            }
        });
    }

    long watchCount() {
        return watchCount;
    }

    /** Watches on {@code path} in this table. */
    int watchesOn(String path) {
        Entry e = byPath.get(path);
        return e == null ? 0 : e.size;
    }

    int pathCount() {
        return byPath.size();
    }

    int watcherCount() {
        return byWatcher.size();
    }

    /** The watchers of {@code path} and each one's mode bits ({@link WatchMode}), or nothing. */
    void watchersOf(String path, WatchSink sink) {
        Entry e = byPath.get(path);
        if (e != null) {
            for (int i = 0; i < e.size; i++) {
                sink.accept(e.path, e.watcher(i), e.mode(i));
            }
        }
    }

    /** Every path {@code w} watches here and its mode bits there. */
    void pathsOf(Watcher w, WatchSink sink) {
        PathTable<String> paths = byWatcher.get(w);
        if (paths != null) {
            paths.forEach(p -> {
                Entry e = byPath.get(p);
                int i = e == null ? -1 : e.indexOf(w);
                if (i >= 0) {
                    sink.accept(p, w, e.mode(i));
                }
            });
        }
    }

    /** One watch: a path, its watcher and the mode bits it holds there. */
    interface WatchSink {
        void accept(String path, Watcher w, byte modes);
    }

    /**
     * What this table holds on the heap, by path and by watcher ({@link Footprint}), from the tables' shapes: per
     * path its {@code Entry}, the arrays of its second and later watchers, its path string and its slot; per
     * watcher its set of paths and its slot in the index. Each side's cost is shared out: a path is charged its
     * own part plus, per watch, the mean cost a watch adds to a watcher's set, and a watcher the converse, so
     * that the paths' figures and the watchers' figures each add up to the total. O(paths + watchers).
     */
    Footprint footprint(HeapLayout layout) {
        long entryObject = layout.object(4, 5); // path, first, more, moreModes; firstMode, size
        long[] entries = {0};
        byPath.forEach(e -> entries[0] += entryBytes(e, layout, entryObject));
        long pathSide = byPath.heapBytes(layout) + entries[0];
        long watcherSide = identityTable(byWatcher.size(), layout);
        for (PathTable<String> paths : byWatcher.values()) {
            watcherSide += paths.heapBytes(layout);
        }
        return new Footprint(this, layout, entryObject, pathSide, watcherSide);
    }

    private static long entryBytes(Entry e, HeapLayout layout, long entryObject) {
        long b = entryObject + layout.string(e.path);
        if (e.more != null) {
            b += layout.referenceArray(e.more.length) + layout.byteArray(e.moreModes.length);
        }
        return b;
    }

    /** {@code IdentityHashMap}'s table for {@code size} keys: keys and values side by side, kept under 1/3 full. */
    private static long identityTable(int size, HeapLayout layout) {
        int length = 64;
        while (3 * size > length) {
            length *= 2;
        }
        return layout.object(3, 12) + layout.referenceArray(length);
    }

    /** A table's heap, with the per-path and per-watcher figures the console ranks. */
    static final class Footprint {
        private final WatchTable table;
        private final HeapLayout layout;
        private final long entryObject;
        final long pathSide;
        final long watcherSide;

        Footprint(WatchTable table, HeapLayout layout, long entryObject, long pathSide, long watcherSide) {
            this.table = table;
            this.layout = layout;
            this.entryObject = entryObject;
            this.pathSide = pathSide;
            this.watcherSide = watcherSide;
        }

        long total() {
            return pathSide + watcherSide;
        }

        private double perWatch(long side) {
            return table.watchCount == 0 ? 0 : (double) side / table.watchCount;
        }

        /** The heap charged to {@code path} in this table (0 when it has no watch here). */
        long pathCost(String path) {
            Entry e = table.byPath.get(path);
            return e == null ? 0 : (long) (entryBytes(e, layout, entryObject) + table.byPath.slotBytes(layout)
                    + e.size * perWatch(watcherSide));
        }

        /** Each path: its watches and the heap charged to it. */
        void forEachPath(CostSink sink) {
            double slot = table.byPath.slotBytes(layout);
            double watcherShare = perWatch(watcherSide);
            table.byPath.forEach(e -> sink.accept(e.path, null, e.size,
                    (long) (entryBytes(e, layout, entryObject) + slot + e.size * watcherShare)));
        }

        /** Each watcher: its watches and the heap charged to it. */
        void forEachWatcher(CostSink sink) {
            double pathShare = perWatch(pathSide);
            double slot = table.byWatcher.isEmpty() ? 0
                    : (double) identityTable(table.byWatcher.size(), layout) / table.byWatcher.size();
            table.byWatcher.forEach((w, paths) -> sink.accept(null, w, paths.size(),
                    (long) (paths.heapBytes(layout) + slot + paths.size() * pathShare)));
        }
    }

    interface CostSink {
        void accept(String path, Watcher w, int watches, long heapBytes);
    }

    void forEachPath(BiConsumer<String, List<Watcher>> action) {
        byPath.forEach(e -> {
            List<Watcher> ws = new ArrayList<>(e.size);
            for (int i = 0; i < e.size; i++) {
                ws.add(e.watcher(i));
            }
            action.accept(e.path, ws);
        });
    }

    void forEachWatcherCount(java.util.function.ObjIntConsumer<Watcher> action) {
        byWatcher.forEach((w, paths) -> action.accept(w, paths.size()));
    }

    void forEachWatcherOnly(java.util.function.Consumer<Watcher> action) {
        byWatcher.keySet().forEach(action);
    }

    void forEachWatcher(BiConsumer<Watcher, List<String>> action) {
        byWatcher.forEach((w, paths) -> {
            List<String> ps = new ArrayList<>(paths.size());
            paths.forEach(ps::add);
            action.accept(w, ps);
        });
    }
}

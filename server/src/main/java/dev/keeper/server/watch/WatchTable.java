package dev.keeper.server.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One of ZooKeeper's two watch tables (data-side or child-side, {@code server/watch/WatchManager.java}): which
 * watchers watch which path, in which modes.
 *
 * <p>A path's watchers are two parallel arrays (watcher, mode bits) rather than a {@code HashSet}; each watcher's
 * paths are a {@link PathSet}, so dropping a connection costs its own watches, and firing costs the watches
 * fired plus, only while some recursive watch exists, one lookup per ancestor of the changed path.
 *
 * <p>Owned by the processor thread.
 */
final class WatchTable {
    private static final class Entry {
        Watcher[] watchers = new Watcher[2];
        byte[] modes = new byte[2];
        int size;

        int indexOf(Watcher w) {
            for (int i = 0; i < size; i++) {
                if (watchers[i] == w) {
                    return i;
                }
            }
            return -1;
        }

        void removeAt(int i) {
            size--;
            watchers[i] = watchers[size];
            modes[i] = modes[size];
            watchers[size] = null;
        }
    }

    private final Map<String, Entry> byPath = new HashMap<>();
    private final Map<Watcher, PathSet> byWatcher = new IdentityHashMap<>();
    private int recursiveCount;
    private long watchCount;

    /** Adds {@code mode} for {@code w} on {@code path}; true if that changed anything. */
    boolean add(String path, Watcher w, byte mode) {
        Entry e = byPath.get(path);
        if (e == null) {
            e = new Entry();
            byPath.put(path, e);
        }
        int i = e.indexOf(w);
        if (i < 0) {
            if (e.size == e.watchers.length) {
                e.watchers = java.util.Arrays.copyOf(e.watchers, e.size * 2);
                e.modes = java.util.Arrays.copyOf(e.modes, e.size * 2);
            }
            i = e.size++;
            e.watchers[i] = w;
            e.modes[i] = 0;
            byWatcher.computeIfAbsent(w, k -> new PathSet()).add(path);
            watchCount++;
        }
        byte old = e.modes[i];
        if ((old & mode) != 0) {
            return false;
        }
        e.modes[i] = (byte) (old | mode);
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
                Watcher w = e.watchers[i];
                fired.add(w);
                byte m = (byte) (e.modes[i] & ~WatchMode.STANDARD);
                if (m == 0) {
                    e.removeAt(i);
                    unindex(w, path);
                } else {
                    e.modes[i] = m;
                    i++;
                }
            }
            if (e.size == 0) {
                byPath.remove(path);
            }
        }
        if (recursiveCount > 0 && path.length() > 1) {
            Set<Watcher> seen = null;
            for (String p = parentOf(path); p != null; p = parentOf(p)) {
                Entry pe = byPath.get(p);
                if (pe == null) {
                    continue;
                }
                for (int i = 0; i < pe.size; i++) {
                    if ((pe.modes[i] & WatchMode.PERSISTENT_RECURSIVE) != 0) {
                        if (seen == null) {
                            seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                            seen.addAll(fired);
                        }
                        if (seen.add(pe.watchers[i])) {
                            fired.add(pe.watchers[i]);
                        }
                    }
                }
            }
        }
        return fired;
    }

    /** "/a/b" gives "/a", "/a" gives "/", "/" gives null. */
    private static String parentOf(String path) {
        if (path.length() <= 1) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private void unindex(Watcher w, String path) {
        PathSet paths = byWatcher.get(w);
        if (paths != null && paths.remove(path) && paths.size() == 0) {
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
        return i >= 0 && (mode == 0 || (e.modes[i] & mode) != 0);
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
        byte old = e.modes[i];
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
            e.modes[i] = now;
        }
        return true;
    }

    /** Drops every watch {@code w} holds. */
    void removeWatcher(Watcher w) {
        PathSet paths = byWatcher.remove(w);
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
                if ((e.modes[i] & WatchMode.PERSISTENT_RECURSIVE) != 0) {
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

    int pathCount() {
        return byPath.size();
    }

    int watcherCount() {
        return byWatcher.size();
    }

    void forEachPath(BiConsumer<String, List<Watcher>> action) {
        byPath.forEach((path, e) -> {
            List<Watcher> ws = new ArrayList<>(e.size);
            for (int i = 0; i < e.size; i++) {
                ws.add(e.watchers[i]);
            }
            action.accept(path, ws);
        });
    }

    void forEachWatcher(BiConsumer<Watcher, List<String>> action) {
        byWatcher.forEach((w, paths) -> {
            List<String> ps = new ArrayList<>(paths.size());
            paths.forEach(ps::add);
            action.accept(w, ps);
        });
    }
}

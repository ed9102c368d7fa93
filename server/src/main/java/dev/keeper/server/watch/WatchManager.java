package dev.keeper.server.watch;

import dev.keeper.server.tree.Change;
import dev.keeper.wire.EventType;
import dev.keeper.wire.Notification;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.ACL;

/**
 * ZooKeeper's watch rules over two tables, as its {@code DataTree} keeps them ({@code dataWatches},
 * {@code childWatches}):
 *
 * <ul>
 *   <li>getData and exists set a one-shot watch on the data side; getChildren on the child side.</li>
 *   <li>A PERSISTENT watch sits on both sides; a PERSISTENT_RECURSIVE one on the data side only, so it never
 *       sees NodeChildrenChanged, and it fires for every node below it with that node's own path
 *       (ZOOKEEPER-4475).</li>
 *   <li>A created node fires NodeCreated on its data side and NodeChildrenChanged on its parent's child side;
 *       a deleted node fires NodeDeleted on both its sides (a watcher already told by the data side is not told
 *       twice) and NodeChildrenChanged on its parent; new data fires NodeDataChanged on its data side.</li>
 * </ul>
 *
 * <p>Events carry the zxid of the change. Whether a watcher may see one (READ on the node) is the caller's
 * {@link Delivery} to decide, since it knows the watcher's credentials. Owned by the processor thread.
 */
public final class WatchManager {
    /** Receives each event a change fires, with the ACL of the node whose permission gates it. */
    public interface Delivery {
        void deliver(Watcher w, Notification event, List<ACL> acl);
    }

    /** {@code Watcher.WatcherType} codes, as checkWatches and removeWatches carry them. */
    public static final int TYPE_CHILDREN = 1;
    public static final int TYPE_DATA = 2;
    public static final int TYPE_ANY = 3;
    public static final int TYPE_PERSISTENT = 4;
    public static final int TYPE_PERSISTENT_RECURSIVE = 5;

    /**
     * Where a watch on the null path is kept. ZooKeeper's watch tables are HashMaps, so addWatch, setWatches'
     * persistent lists, checkWatches and removeWatches all accept a null path and treat it as one more key: a
     * watch set on it can be checked and removed, and never fires. No string decoded from the wire can equal
     * this one: a lone surrogate does not survive UTF-8 decoding (it becomes U+FFFD).
     */
    static final String NULL_PATH = "\ud800null";

    private final WatchTable data = new WatchTable();
    private final WatchTable child = new WatchTable();

    private static String key(String path) {
        return path == null ? NULL_PATH : path;
    }

    public void addDataWatch(String path, Watcher w) {
        data.add(key(path), w, WatchMode.STANDARD);
    }

    public void addChildWatch(String path, Watcher w) {
        child.add(key(path), w, WatchMode.STANDARD);
    }

    /** addWatch: {@code mode} is {@link WatchMode#PERSISTENT} or {@link WatchMode#PERSISTENT_RECURSIVE}. */
    public void addPersistentWatch(String path, Watcher w, byte mode) {
        data.add(key(path), w, mode);
        if (mode != WatchMode.PERSISTENT_RECURSIVE) {
            child.add(key(path), w, mode);
        }
    }

    /**
     * Told, for each event that fires watches, its type and how many watches it fired (ZooKeeper's
     * node_created_watch_count and its siblings, recorded per table as its two WatchManagers do).
     */
    private java.util.function.BiConsumer<Integer, Integer> fired = (type, n) -> { };

    public void observeFired(java.util.function.BiConsumer<Integer, Integer> observer) {
        fired = observer;
    }

    /** Told of each event with the watchers it fired (the console's feed), while it is {@link #active}. */
    public interface EventObserver {
        /** Asked for every event: false costs the event nothing more. */
        boolean active();

        void fired(Notification event, List<Watcher> watchers);
    }

    private EventObserver events;

    public void observeEvents(EventObserver observer) {
        events = observer;
    }

    /** Fires the watches one applied change triggers, in ZooKeeper's order. */
    public void fire(Change c, long zxid, Delivery delivery) {
        switch (c.kind()) {
            case CREATED -> {
                send(data.trigger(c.path()), new Notification(EventType.NODE_CREATED, c.path(), zxid), c.acl(),
                        null, delivery);
                send(child.trigger(c.parent()),
                        new Notification(EventType.NODE_CHILDREN_CHANGED, c.parent(), zxid), c.parentAcl(), null,
                        delivery);
            }
            case DELETED -> {
                Notification deleted = new Notification(EventType.NODE_DELETED, c.path(), zxid);
                List<Watcher> told = data.trigger(c.path());
                send(told, deleted, c.acl(), null, delivery);
                send(child.trigger(c.path()), deleted, c.acl(), told, delivery);
                send(child.trigger(c.parent()),
                        new Notification(EventType.NODE_CHILDREN_CHANGED, c.parent(), zxid), c.parentAcl(), null,
                        delivery);
            }
            case DATA_CHANGED -> send(data.trigger(c.path()),
                    new Notification(EventType.NODE_DATA_CHANGED, c.path(), zxid), c.acl(), null, delivery);
        }
    }

    private void send(List<Watcher> watchers, Notification n, List<ACL> acl, List<Watcher> suppress,
            Delivery delivery) {
        if (watchers.isEmpty()) {
            return;
        }
        fired.accept(n.type(), watchers.size());
        if (events != null && events.active()) {
            events.fired(n, suppress == null || suppress.isEmpty() ? watchers
                    : watchers.stream().filter(w -> !suppress.contains(w)).toList());
        }
        Set<Watcher> skip = null;
        if (suppress != null && !suppress.isEmpty()) {
            skip = Collections.newSetFromMap(new IdentityHashMap<>());
            skip.addAll(suppress);
        }
        for (Watcher w : watchers) {
            if (skip == null || !skip.contains(w)) {
                delivery.deliver(w, n, acl);
            }
        }
    }


    public boolean contains(String nullablePath, int watcherType, Watcher w) {
        String path = key(nullablePath);
        return switch (watcherType) {
            case TYPE_CHILDREN -> child.contains(path, w, WatchMode.STANDARD);
            case TYPE_DATA -> data.contains(path, w, WatchMode.STANDARD);
            case TYPE_PERSISTENT -> data.contains(path, w, WatchMode.PERSISTENT);
            case TYPE_PERSISTENT_RECURSIVE -> data.contains(path, w, WatchMode.PERSISTENT_RECURSIVE);
            case TYPE_ANY -> child.contains(path, w, (byte) 0) || data.contains(path, w, (byte) 0);
            default -> throw new IllegalArgumentException("Invalid type: " + watcherType);
        };
    }

    /** removeWatches for one watcher type, as {@code DataTree.removeWatch}; true if anything went. */
    public boolean remove(String nullablePath, int watcherType, Watcher w) {
        String path = key(nullablePath);
        return switch (watcherType) {
            case TYPE_CHILDREN -> child.remove(path, w, WatchMode.STANDARD);
            case TYPE_DATA -> data.remove(path, w, WatchMode.STANDARD);
            case TYPE_PERSISTENT -> child.remove(path, w, WatchMode.PERSISTENT)
                    | data.remove(path, w, WatchMode.PERSISTENT);
            case TYPE_PERSISTENT_RECURSIVE -> data.remove(path, w, WatchMode.PERSISTENT_RECURSIVE);
            case TYPE_ANY -> child.remove(path, w, (byte) 0) | data.remove(path, w, (byte) 0);
            default -> throw new IllegalArgumentException("Invalid type: " + watcherType);
        };
    }

    /** Drops every watch of a watcher: its connection is gone. */
    public void removeWatcher(Watcher w) {
        data.removeWatcher(w);
        child.removeWatcher(w);
    }

    /** Watches across both tables, as {@code DataTree.getWatchCount} counts them for mntr. */
    public long watchCount() {
        return data.watchCount() + child.watchCount();
    }

    /** wchs: ZooKeeper summarises the data-side table only ({@code DataTree.dumpWatchesSummary}). */
    public void dumpSummary(PrintWriter out) {
        out.print(data.watcherCount() + " connections watching " + data.pathCount() + " paths\n");
        out.print("Total watches:" + data.watchCount());
    }

    /**
     * The watch_summary command's figures, from the data-side table as wchs ({@code WatchesSummary}): connections
     * watching, paths watched, watches.
     */
    public long[] summary() {
        return new long[] {data.watcherCount(), data.pathCount(), data.watchCount()};
    }

    /** The watches command: each watching session's paths ({@code WatchesReport}), from the data-side table. */
    public java.util.Map<Long, java.util.List<String>> pathsBySession() {
        java.util.Map<Long, java.util.List<String>> m = new java.util.LinkedHashMap<>();
        data.forEachWatcher((w, paths) -> m.computeIfAbsent(w.sessionId(), k -> new java.util.ArrayList<>())
                .addAll(paths.stream().map(WatchManager::shown).toList()));
        return m;
    }

    /** The watches_by_path command: each watched path's sessions ({@code WatchesPathReport}). */
    public java.util.Map<String, java.util.List<Long>> sessionsByPath() {
        java.util.Map<String, java.util.List<Long>> m = new java.util.LinkedHashMap<>();
        data.forEachPath((path, ws) -> m.put(shown(path), ws.stream().map(Watcher::sessionId).toList()));
        return m;
    }

    /** One watcher's watches on one path, both tables together: what the console lists. */
    public record Watch(String path, long sessionId, List<String> kinds) {
    }

    /** Every watch on {@code path}, one per watcher. */
    public List<Watch> watchersOf(String path) {
        java.util.Map<Watcher, int[]> modes = new java.util.LinkedHashMap<>();
        data.watchersOf(key(path), (p, w, m) -> modes.computeIfAbsent(w, k -> new int[2])[0] |= m);
        child.watchersOf(key(path), (p, w, m) -> modes.computeIfAbsent(w, k -> new int[2])[1] |= m);
        List<Watch> out = new java.util.ArrayList<>(modes.size());
        modes.forEach((w, m) -> out.add(new Watch(path, w.sessionId(), kinds(m[0], m[1]))));
        return out;
    }

    /** Every watch the connections of session {@code sessionId} hold, one per path. */
    public List<Watch> pathsOf(long sessionId) {
        java.util.Map<String, int[]> modes = new java.util.TreeMap<>();
        for (Watcher w : watchersOfSession(sessionId)) {
            data.pathsOf(w, (p, x, m) -> modes.computeIfAbsent(p, k -> new int[2])[0] |= m);
            child.pathsOf(w, (p, x, m) -> modes.computeIfAbsent(p, k -> new int[2])[1] |= m);
        }
        List<Watch> out = new java.util.ArrayList<>(modes.size());
        modes.forEach((p, m) -> out.add(new Watch(shown(p), sessionId, kinds(m[0], m[1]))));
        return out;
    }

    private List<Watcher> watchersOfSession(long sessionId) {
        Set<Watcher> ws = Collections.newSetFromMap(new IdentityHashMap<>());
        data.forEachWatcherOnly(w -> {
            if (w.sessionId() == sessionId) {
                ws.add(w);
            }
        });
        child.forEachWatcherOnly(w -> {
            if (w.sessionId() == sessionId) {
                ws.add(w);
            }
        });
        return List.copyOf(ws);
    }

    /** The kinds a watcher holds, by the mode bits of its data-side and child-side entries. */
    private static List<String> kinds(int dataModes, int childModes) {
        List<String> k = new java.util.ArrayList<>(3);
        if ((dataModes & WatchMode.STANDARD) != 0) {
            k.add("data");
        }
        if ((childModes & WatchMode.STANDARD) != 0) {
            k.add("child");
        }
        if (((dataModes | childModes) & WatchMode.PERSISTENT) != 0) {
            k.add("persistent");
        }
        if ((dataModes & WatchMode.PERSISTENT_RECURSIVE) != 0) {
            k.add("recursive");
        }
        return k;
    }

    /** Watches per session, both tables counted. O(watchers). */
    public java.util.Map<Long, Long> countsBySession() {
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        data.forEachWatcherCount((w, n) -> m.merge(w.sessionId(), (long) n, Long::sum));
        child.forEachWatcherCount((w, n) -> m.merge(w.sessionId(), (long) n, Long::sum));
        return m;
    }

    /** The heap both tables hold, bytes ({@link WatchTable#footprint}). O(paths + watchers). */
    public long heapBytes(HeapLayout layout) {
        return data.footprint(layout).total() + child.footprint(layout).total();
    }

    /**
     * The console's watch figures: totals, and the {@code top} paths and sessions holding the most watches (both
     * tables counted), each with the heap charged to it. O(paths + watchers), and no copy of either table.
     */
    public WatchFigures figures(int top, HeapLayout layout) {
        WatchTable.Footprint d = data.footprint(layout);
        WatchTable.Footprint c = child.footprint(layout);
        java.util.PriorityQueue<WatchFigures.PathFigure> paths = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(WatchFigures.PathFigure::watches));
        long[] distinct = {0};
        d.forEachPath((p, w, n, bytes) -> {
            distinct[0]++;
            keep(paths, new WatchFigures.PathFigure(shown(p), n + child.watchesOn(p), bytes + c.pathCost(p)), top,
                    WatchFigures.PathFigure::watches);
        });
        c.forEachPath((p, w, n, bytes) -> {
            if (data.watchesOn(p) == 0) {
                distinct[0]++;
                keep(paths, new WatchFigures.PathFigure(shown(p), n, bytes), top, WatchFigures.PathFigure::watches);
            }
        });
        java.util.Map<Long, long[]> bySession = new java.util.HashMap<>();
        WatchTable.CostSink perSession = (p, w, n, bytes) -> {
            long[] f = bySession.computeIfAbsent(w.sessionId(), k -> new long[2]);
            f[0] += n;
            f[1] += bytes;
        };
        d.forEachWatcher(perSession);
        c.forEachWatcher(perSession);
        java.util.PriorityQueue<WatchFigures.SessionFigure> sessions = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(WatchFigures.SessionFigure::watches));
        bySession.forEach((id, f) -> keep(sessions, new WatchFigures.SessionFigure(id, f[0], f[1]), top,
                WatchFigures.SessionFigure::watches));
        return new WatchFigures(watchCount(), distinct[0], bySession.size(), d.total() + c.total(),
                descending(paths, WatchFigures.PathFigure::watches),
                descending(sessions, WatchFigures.SessionFigure::watches));
    }

    private static <T> void keep(java.util.PriorityQueue<T> q, T x, int top,
            java.util.function.ToLongFunction<T> by) {
        if (q.size() < top) {
            q.add(x);
        } else if (top > 0 && by.applyAsLong(q.peek()) < by.applyAsLong(x)) {
            q.poll();
            q.add(x);
        }
    }

    private static <T> List<T> descending(java.util.PriorityQueue<T> q, java.util.function.ToLongFunction<T> by) {
        List<T> out = new java.util.ArrayList<>(q);
        out.sort(java.util.Comparator.comparingLong(by).reversed());
        return out;
    }

    /** A path as ZooKeeper prints it: its null key as "null". */
    private static String shown(String path) {
        return NULL_PATH.equals(path) ? "null" : path;
    }

    /** wchp (by path) and wchc (by session), from the data-side table as ZooKeeper does. */
    public void dump(PrintWriter out, boolean byPath) {
        if (byPath) {
            data.forEachPath((path, ws) -> {
                out.println(shown(path));
                for (Watcher w : ws) {
                    out.print("\t0x");
                    out.print(Long.toHexString(w.sessionId()));
                    out.print("\n");
                }
            });
        } else {
            data.forEachWatcher((w, paths) -> {
                out.print("0x");
                out.println(Long.toHexString(w.sessionId()));
                for (String p : paths) {
                    out.print("\t");
                    out.println(shown(p));
                }
            });
        }
    }
}

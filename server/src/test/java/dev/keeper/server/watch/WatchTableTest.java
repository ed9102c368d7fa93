package dev.keeper.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The compact watch table against a plain model of ZooKeeper's WatchManager rules, under random adds,
 * triggers, removals and disconnects: the same watchers fire, the same watches remain.
 */
class WatchTableTest {
    private record W(long sessionId) implements Watcher {
    }

    /** The model: path -> watcher -> mode bits, with triggerWatch's rules spelled out naively. */
    private static final class Model {
        final Map<String, Map<Watcher, Byte>> table = new HashMap<>();

        boolean add(String path, Watcher w, byte mode) {
            Map<Watcher, Byte> m = table.computeIfAbsent(path, k -> new HashMap<>());
            byte old = m.getOrDefault(w, (byte) 0);
            m.put(w, (byte) (old | mode));
            return (old & mode) == 0;
        }

        Set<Watcher> trigger(String path) {
            Set<Watcher> fired = new HashSet<>();
            Map<Watcher, Byte> here = table.get(path);
            if (here != null) {
                for (Watcher w : new ArrayList<>(here.keySet())) {
                    fired.add(w);
                    byte m = (byte) (here.get(w) & ~WatchMode.STANDARD);
                    if (m == 0) {
                        here.remove(w);
                    } else {
                        here.put(w, m);
                    }
                }
                if (here.isEmpty()) {
                    table.remove(path);
                }
            }
            for (String p = parent(path); p != null; p = parent(p)) {
                Map<Watcher, Byte> up = table.get(p);
                if (up != null) {
                    up.forEach((w, m) -> {
                        if ((m & WatchMode.PERSISTENT_RECURSIVE) != 0) {
                            fired.add(w);
                        }
                    });
                }
            }
            return fired;
        }

        boolean remove(String path, Watcher w, byte mode) {
            Map<Watcher, Byte> m = table.get(path);
            if (m == null || !m.containsKey(w)) {
                return false;
            }
            byte old = m.get(w);
            byte now = mode == 0 ? 0 : (byte) (old & ~mode);
            if (now == old) {
                return false;
            }
            if (now == 0) {
                m.remove(w);
                if (m.isEmpty()) {
                    table.remove(path);
                }
            } else {
                m.put(w, now);
            }
            return true;
        }

        void removeWatcher(Watcher w) {
            table.values().forEach(m -> m.remove(w));
            table.values().removeIf(Map::isEmpty);
        }

        long count() {
            return table.values().stream().mapToLong(Map::size).sum();
        }

        static String parent(String path) {
            if (path.length() <= 1) {
                return null;
            }
            int slash = path.lastIndexOf('/');
            return slash == 0 ? "/" : path.substring(0, slash);
        }
    }

    @Test
    void randomOperations_matchZooKeepersRules() {
        Random rnd = new Random(11);
        WatchTable table = new WatchTable();
        Model model = new Model();
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            watchers.add(new W(i));
        }
        String[] paths = {"/", "/a", "/a/b", "/a/b/c", "/a/d", "/e", "/e/f", "/e/f/g", "/h"};
        byte[] modes = {WatchMode.STANDARD, WatchMode.PERSISTENT, WatchMode.PERSISTENT_RECURSIVE};
        for (int step = 0; step < 20_000; step++) {
            String path = paths[rnd.nextInt(paths.length)];
            Watcher w = watchers.get(rnd.nextInt(watchers.size()));
            int op = rnd.nextInt(10);
            if (op < 5) {
                byte mode = op < 3 ? WatchMode.STANDARD : modes[rnd.nextInt(modes.length)];
                assertEquals(model.add(path, w, mode), table.add(path, w, mode), "add " + path);
            } else if (op < 8) {
                assertEquals(model.trigger(path), new HashSet<>(table.trigger(path)), "trigger " + path);
            } else if (op < 9) {
                byte mode = rnd.nextBoolean() ? 0 : modes[rnd.nextInt(modes.length)];
                assertEquals(model.remove(path, w, mode), table.remove(path, w, mode), "remove " + path);
            } else {
                model.removeWatcher(w);
                table.removeWatcher(w);
            }
            assertEquals(model.count(), table.watchCount(), "watch count after step " + step);
            for (String p : paths) {
                for (Watcher x : watchers) {
                    Byte m = model.table.getOrDefault(p, Map.of()).get(x);
                    assertEquals(m != null, table.contains(p, x, (byte) 0), p + " " + x);
                }
            }
        }
    }

    @Test
    void aTriggeredOneShotWatch_firesOnce_andAPersistentOneStays() {
        WatchTable table = new WatchTable();
        Watcher w = new W(1);
        table.add("/x", w, WatchMode.STANDARD);
        table.add("/y", w, WatchMode.PERSISTENT);
        assertEquals(List.of(w), table.trigger("/x"));
        assertEquals(List.of(), table.trigger("/x"));
        assertEquals(List.of(w), table.trigger("/y"));
        assertEquals(List.of(w), table.trigger("/y"));
        assertEquals(1, table.watchCount());
    }
}

package dev.keeper.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The open-addressing child table behaves as a map from name to node under any mix of adds and removes. */
class ChildrenTest {
    private static Znode node(String name) {
        return new Znode(name.getBytes(StandardCharsets.UTF_8), new byte[0], -1, 1, 1);
    }

    private static Znode get(Children c, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return c.get(b, 0, b.length);
    }

    private static Znode remove(Children c, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return c.remove(b, 0, b.length);
    }

    @Test
    void randomAddsAndRemoves_matchAHashMap() {
        Random rnd = new Random(7);
        Children c = new Children();
        Map<String, Znode> model = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            String name = "n" + rnd.nextInt(3_000);
            if (rnd.nextInt(3) == 0) {
                assertSame(model.remove(name), remove(c, name), name);
            } else {
                Znode z = node(name);
                boolean added = c.add(z);
                assertEquals(!model.containsKey(name), added, name);
                model.putIfAbsent(name, z);
            }
            assertEquals(model.size(), c.size());
        }
        for (Map.Entry<String, Znode> e : model.entrySet()) {
            assertSame(e.getValue(), get(c, e.getKey()));
        }
        Set<String> seen = new HashSet<>();
        c.forEach(z -> assertTrue(seen.add(z.name())));
        assertEquals(model.keySet(), seen);
    }

    /**
     * Sequential names (ZooKeeper's sequential nodes, names a client numbers) differ in their last bytes only, so
     * their polynomial hashes are close together, and linear probing over the low bits piles them into long
     * runs: 196,607 such names in a table of 262,144 (just under the resize) sat 50 slots from home on average
     * before the hash was mixed, and a lookup compared that many names.
     */
    @Test
    void sequentialNames_sitCloseToTheirHomeSlots() {
        Children c = new Children();
        int n = (1 << 18) * 3 / 4 - 1;
        for (int i = 0; i < n; i++) {
            c.add(node(String.format("lock-%010d", i)));
        }
        assertTrue(c.meanDisplacement() < 4, "mean displacement " + c.meanDisplacement());
        Children short5 = new Children();
        for (int i = 0; i < n; i++) {
            short5.add(node(String.format("c%05d", i)));
        }
        assertTrue(short5.meanDisplacement() < 4, "mean displacement " + short5.meanDisplacement());
    }

    @Test
    void lookupBySliceOfAPath_findsTheChild() {
        Children c = new Children();
        Znode z = node("config");
        c.add(z);
        byte[] path = "/app/config/x".getBytes(StandardCharsets.UTF_8);
        assertSame(z, c.get(path, 5, 11));
        assertNull(c.get(path, 5, 10));
        assertFalse(c.add(node("config")));
    }

    @Test
    void replace_putsTheNewNodeUnderTheSameName() {
        Children c = new Children();
        for (int i = 0; i < 100; i++) {
            c.add(node("k" + i));
        }
        Znode p = node("k42").toParent();
        c.replace(p);
        assertSame(p, get(c, "k42"));
        assertEquals(100, c.size());
    }
}

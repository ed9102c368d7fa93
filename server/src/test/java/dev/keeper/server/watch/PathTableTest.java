package dev.keeper.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PathTableTest {
    /**
     * Watched paths are often numbered (a watch per child of a queue, or per sequential node): their String
     * hashes differ in the low digits only, and linear probing over the low bits piles them into long runs.
     * 786,431 such paths in a table of 1,048,576 (just under the resize) sat 95 slots from home on average
     * before the hash was mixed, so setting or firing a watch compared that many strings.
     */
    @Test
    void numberedPaths_sitCloseToTheirHomeSlots_andAreFound() {
        PathTable<String> t = PathTable.ofPaths();
        int n = (1 << 20) * 3 / 4 - 1;
        String[] paths = new String[n + 1];
        for (int i = 0; i <= n; i++) {
            paths[i] = String.format(Locale.ROOT, "/w/c%07d", i);
        }
        for (int i = 0; i < n; i++) {
            assertTrue(t.add(paths[i]));
        }
        assertTrue(t.meanDisplacement() < 4, "mean displacement " + t.meanDisplacement());
        for (int i = 0; i < n; i += 997) {
            String p = paths[i];
            assertEquals(p, t.get(p));
            // an ancestor looked up by prefix finds the same element as by its own string
            String child = p + "/x";
            assertSame(t.get(p), t.getPrefix(child, p.length(), p.hashCode()));
        }
        assertNull(t.get(paths[n]));
        for (int i = 0; i < n; i++) {
            assertEquals(paths[i], t.remove(paths[i]));
        }
        assertEquals(0, t.size());
    }
}

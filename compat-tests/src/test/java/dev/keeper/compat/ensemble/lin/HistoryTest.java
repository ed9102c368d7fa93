package dev.keeper.compat.ensemble.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void textForm_keepsEveryOperationAndInitialState() throws Exception {
        History h = new History();
        h.start("/a", new Register("init", 0));
        h.start("/b", new Register("init", 2));
        h.add(Operation.read(3, "/a", "init", 0, 40, 50));
        h.add(Operation.write(1, "/a", "c1-0", 1, 10, 20));
        h.add(Operation.cas(2, "/b", "c2-0", 2, 3, 11, 21));
        h.add(Operation.badVersion(2, "/b", "c2-1", 9, 30, 31));
        h.add(Operation.unknown(4, "/a", "c4-0", -1, 35, 36));
        Path file = dir.resolve("history.txt");
        h.write(file);
        History back = History.read(file);
        assertEquals(h.initial(), back.initial());
        assertEquals(h.operations(), back.operations());
        assertEquals(List.of(10L, 11L, 30L, 35L, 40L), back.operations().stream().map(Operation::invokeNanos).toList(),
                "by invocation");
        assertEquals(Map.of("/a", 3, "/b", 2), Map.of("/a", back.byKey().get("/a").size(), "/b",
                back.byKey().get("/b").size()));
    }

    @Test
    void values_areWords() {
        assertThrows(IllegalArgumentException.class, () -> Operation.write(1, "/a", "two words", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Operation.read(1, "/a", "-", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Operation.read(1, "/a", "", 1, 0, 1));
    }
}

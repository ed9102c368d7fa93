package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged byte inside an entry that other entries follow is not a crash: those later entries were written,
 * and some were acknowledged. Recovery must refuse the log, naming the file and the entry's offset, rather than
 * drop everything from the damage on.
 */
class CorruptLogTest {
    private static final int ENTRIES = 12;

    @TempDir
    Path tmp;
    private DataDir dir;
    private Path logFile;
    private byte[] pristine;
    private List<History.Span> spans;

    @BeforeEach
    void writeLog() throws IOException {
        dir = DataDir.open(tmp, null);
        History.snapshot(dir, new DataTree(false));
        History.writeLog(dir, History.of(ENTRIES), Set.of());
        logFile = dir.logs().get(0);
        pristine = Files.readAllBytes(logFile);
        spans = History.spans(logFile);
        assertEquals(ENTRIES, spans.size());
    }

    @AfterEach
    void close() {
        dir.close();
    }

    @Test
    void anyByteOfAnyEntryButTheLast_flippedOrZeroed_isRefusedWithFileAndOffset() throws IOException {
        int cases = 0;
        for (History.Span entry : spans.subList(0, ENTRIES - 1)) {
            for (long at = entry.start(); at < entry.end(); at++) {
                byte original = pristine[(int) at];
                for (byte damaged : new byte[] {(byte) (original ^ 0xFF), 0, (byte) (original ^ 0x01)}) {
                    if (damaged == original) {
                        continue;
                    }
                    byte[] bytes = pristine.clone();
                    bytes[(int) at] = damaged;
                    Files.write(logFile, bytes);
                    String what = "entry at " + entry.start() + ", byte " + at + " set to " + damaged;
                    CorruptLogException e = assertThrows(CorruptLogException.class,
                            () -> TxnLogReader.replay(dir.logs(), 0, (x, f, o) -> { }), what);
                    assertNamesFileAndOffset(e, entry.start(), what);
                    if (damaged == (byte) (original ^ 0xFF)) {
                        // and start-up refuses it the same way (once per byte is enough: it is the same reader)
                        IOException startUp = assertThrows(IOException.class,
                                () -> Recovery.recover(dir, false, false), what);
                        assertNamesFileAndOffset(startUp, entry.start(), what);
                    }
                    cases++;
                }
            }
        }
        assertTrue(cases > 1000, "cases tried: " + cases);
    }

    @Test
    void badMagicNumber_isRefused() throws IOException {
        byte[] bytes = pristine.clone();
        bytes[0] = 'X';
        Files.write(logFile, bytes);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> Recovery.recover(dir, false, false));
        assertNamesFileAndOffset(e, 0, "magic");
    }

    private void assertNamesFileAndOffset(IOException e, long offset, String what) {
        String m = e.getMessage();
        assertTrue(m.contains(logFile.toString()), what + ": " + m);
        assertTrue(m.endsWith("at offset " + offset), what + ": " + m);
    }
}

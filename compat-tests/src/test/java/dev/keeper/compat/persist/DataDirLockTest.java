package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one data directory would interleave two logs into one: the second is refused, with
 * a message naming the directory, while the first keeps serving. A server killed with SIGKILL holds no lock
 * (the kernel drops it with the process), so a restart after a crash is never refused.
 */
class DataDirLockTest {
    @TempDir
    Path tmp;

    @Test
    void secondServerOnTheSameDataDir_isRefusedWhileTheFirstRuns_andStartsOnceItIsKilled() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Map<String, String> cfg = Map.of("4lw.commands.whitelist", "srvr");
        try (ServerProcess first = ServerProcess.start(tmp, data, cfg, "first")) {
            first.awaitServing();
            try (ServerProcess second = ServerProcess.start(tmp, data, cfg, "second")) {
                assertEquals(1, second.awaitExit(), second.log());
                assertTrue(second.log().contains("Unable to start the server: Data directory " + data
                        + " is in use by another running server"), second.log());
            }
            assertNotEquals(null, first.fourLetterWord("srvr"), "the first server stopped serving");
            first.kill();
            try (ServerProcess third = ServerProcess.start(tmp, data, cfg, "third")) {
                third.awaitServing();
            }
        }
    }
}

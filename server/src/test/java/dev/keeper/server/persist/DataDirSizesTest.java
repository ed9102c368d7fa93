package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirSizesTest {
    @TempDir
    Path data;
    @TempDir
    Path logs;

    @Test
    void sizesAreMeasuredAtStart_andKeptUpToDateOffTheCallersThread() throws Exception {
        Files.createDirectories(data.resolve("version-2"));
        Files.write(data.resolve("version-2/snapshot.0"), new byte[1000]);
        Files.write(logs.resolve("log.1"), new byte[300]);
        try (DataDirSizes sizes = new DataDirSizes(data, logs)) {
            assertEquals(1000, sizes.dataDirBytes(), "measured before the first report asks");
            assertEquals(300, sizes.logDirBytes());
            Files.write(data.resolve("version-2/snapshot.5"), new byte[24]);
            long deadline = System.nanoTime() + 10 * DataDirSizes.PERIOD_MS * 1_000_000;
            while (sizes.dataDirBytes() != 1024 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1024, sizes.dataDirBytes(), "a new file is counted within a period or so");
        }
    }

    @Test
    void aMissingDirectory_measuresZero() {
        try (DataDirSizes sizes = new DataDirSizes(data.resolve("missing"), null)) {
            assertEquals(0, sizes.dataDirBytes());
            assertEquals(0, sizes.logDirBytes());
        }
    }
}

package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a data directory a start reads, and the copies made of them. */
class DataDirImageTest {
    @Test
    void needed_isTheNewestSnapshot_theLogCoveringIt_andEveryLaterLog() {
        List<String> names = List.of("log.1", "snapshot.0", "log.5212", "snapshot.5211", "log.569a", "snapshot.5699",
                "log.5a30", ".snapshot.5a2f.partial", "acceptedEpoch");
        // snapshot.5699's transactions after it are in log.569a (began after it) and log.5a30; log.5212 began
        // before it and may hold its tail too, as ZooKeeper's FileTxnLog.getLogFiles keeps that one.
        assertEquals(List.of("snapshot.5699", "log.5212", "log.569a", "log.5a30"),
                DataDirImage.needed(names));
    }

    @Test
    void needed_comparesZxidsAsNumbers_notAsText() {
        assertEquals(List.of("snapshot.10", "log.f", "log.11"),
                DataDirImage.needed(List.of("snapshot.f", "snapshot.10", "log.11", "log.f", "log.2")));
    }

    @Test
    void extract_copiesOnlyWhatAStartReads(@TempDir Path tmp) throws IOException {
        Path v2 = Files.createDirectories(tmp.resolve("data/version-2"));
        for (String n : List.of("snapshot.0", "log.1", "snapshot.8", "log.9")) {
            Files.writeString(v2.resolve(n), n);
        }
        Files.writeString(tmp.resolve("data/.keeper.lock"), "");
        long bytes = DataDirImage.extract(tmp.resolve("data"), tmp.resolve("image"));
        assertEquals(List.of("log.1", "log.9", "snapshot.8"), DataDirImage.list(tmp.resolve("image")));
        assertEquals("log.1".length() + "log.9".length() + "snapshot.8".length(), bytes);
        DataDirImage.copyTo(tmp.resolve("image"), tmp.resolve("copy"));
        assertEquals(List.of("log.1", "log.9", "snapshot.8"), DataDirImage.list(tmp.resolve("copy")));
        assertEquals("snapshot.8", Files.readString(tmp.resolve("copy/version-2/snapshot.8")));
    }

    @Test
    void extract_withoutASnapshot_fails(@TempDir Path tmp) throws IOException {
        Path v2 = Files.createDirectories(tmp.resolve("data/version-2"));
        Files.writeString(v2.resolve("log.1"), "x");
        assertThrows(IOException.class, () -> DataDirImage.extract(tmp.resolve("data"), tmp.resolve("image")));
    }
}

package dev.keeper.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a server needs to start from a data directory, and nothing more: the newest snapshot, and the log files
 * that may hold transactions after it (those starting after its zxid, and the last one starting at or before
 * it), in {@code version-2}. The same rule as ZooKeeper's {@code FileTxnLog.getLogFiles} and what its
 * {@code PurgeTxnLog} keeps; both servers read this layout.
 *
 * <p>Each start-up measurement copies the image into a fresh directory, because a starting server writes into
 * its directory (both take a snapshot before serving), and flushes the copy to disk first, so the write-back of
 * the copy does not land inside the measured start.
 */
final class DataDirImage {
    static final String VERSION_DIR = "version-2";
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\p{XDigit}+)");
    private static final Pattern LOG = Pattern.compile("log\\.(\\p{XDigit}+)");

    private DataDirImage() {
    }

    /** The file names (in {@code version-2}) a start needs, newest snapshot first, then logs by zxid. */
    static List<String> needed(List<String> names) {
        String snapshot = null;
        long snapZxid = -1;
        List<String> logs = new ArrayList<>();
        for (String name : names) {
            Matcher s = SNAPSHOT.matcher(name);
            if (s.matches()) {
                long z = Long.parseUnsignedLong(s.group(1), 16);
                if (z > snapZxid) {
                    snapZxid = z;
                    snapshot = name;
                }
            } else if (LOG.matcher(name).matches()) {
                logs.add(name);
            }
        }
        logs.sort(Comparator.comparingLong(DataDirImage::logZxid));
        List<String> out = new ArrayList<>();
        if (snapshot == null) {
            out.addAll(logs);
            return out;
        }
        out.add(snapshot);
        String lastBefore = null;
        for (String log : logs) {
            if (logZxid(log) <= snapZxid) {
                lastBefore = log;
            }
        }
        for (String log : logs) {
            if (log.equals(lastBefore) || logZxid(log) > snapZxid) {
                out.add(log);
            }
        }
        return out;
    }

    private static long logZxid(String name) {
        Matcher m = LOG.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name);
        }
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    /** Copies the needed files of {@code dataDir} into {@code image} (a new directory); returns their bytes. */
    static long extract(Path dataDir, Path image) throws IOException {
        Path from = dataDir.resolve(VERSION_DIR);
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(from)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        List<String> needed = needed(names);
        if (needed.isEmpty() || !needed.get(0).startsWith("snapshot.")) {
            throw new IOException("no snapshot in " + from + " (files: " + names + ")");
        }
        return copy(from, image.resolve(VERSION_DIR), needed);
    }

    /** A fresh, flushed copy of an image as a data directory. */
    static void copyTo(Path image, Path dataDir) throws IOException {
        Path from = image.resolve(VERSION_DIR);
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(from)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        copy(from, dataDir.resolve(VERSION_DIR), names);
    }

    private static long copy(Path from, Path to, List<String> names) throws IOException {
        Files.createDirectories(to);
        long bytes = 0;
        for (String name : names) {
            Path target = to.resolve(name);
            Files.copy(from.resolve(name), target);
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            bytes += Files.size(target);
        }
        try (FileChannel dir = FileChannel.open(to, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return bytes;
    }

    /** Names in {@code version-2} of a data directory, for the report. */
    static List<String> list(Path dataDir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dataDir.resolve(VERSION_DIR))) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }
}

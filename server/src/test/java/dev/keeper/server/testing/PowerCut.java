package dev.keeper.server.testing;

import dev.keeper.server.testing.RecordingDisk.Create;
import dev.keeper.server.testing.RecordingDisk.Delete;
import dev.keeper.server.testing.RecordingDisk.Force;
import dev.keeper.server.testing.RecordingDisk.MakeDir;
import dev.keeper.server.testing.RecordingDisk.Op;
import dev.keeper.server.testing.RecordingDisk.Rename;
import dev.keeper.server.testing.RecordingDisk.SyncDir;
import dev.keeper.server.testing.RecordingDisk.Truncate;
import dev.keeper.server.testing.RecordingDisk.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What a power cut leaves on the platter: given a {@link RecordingDisk}'s journal and a cut point (the
 * operations before it happened, none after), writes the files a machine losing power there could come back to.
 *
 * <p>The model is POSIX's promises and nothing more, taken adversarially:
 * <ul>
 *   <li><b>File contents.</b> A file holds everything written to it up to its last {@code force} before the cut
 *       (fsync and fdatasync alike make the data and the size durable). Of the writes after that, any may or may
 *       not have reached the disk, in any order, each 4 KB page whole or torn: the page cache writes a page
 *       back as it stood at some moment, and the drive may persist only some of its 512-byte sectors. A sector
 *       is the unit of atomicity (a sector holds the file's bytes as of one moment, never a mix of two writes
 *       half-done); sectors that did not make it hold what was durable before — zeros, for a file that only
 *       grows. A truncation after the last force may or may not have happened; so may a size growth whose data
 *       never arrived (the file then ends in zeros).
 *   <li><b>Directory entries</b> — strict POSIX: creating, renaming or deleting a file (or creating a directory)
 *       is durable only once its parent directory has been fsynced after it. In {@link Names#STRICT} none of
 *       the later ones happened, even though the file's own data may have reached the disk; in
 *       {@link Names#SOME} each later one did or did not, independently (a rename whole or not at all), as a
 *       journaling file system may commit some of them with other work.
 * </ul>
 * Directories that existed before the journal began are taken as durable, and so is the root of the image.
 */
public final class PowerCut {
    public static final int SECTOR = 512;
    public static final int PAGE = 4096;

    /** Which of the writes after a file's last force reached the disk. */
    public enum Data {
        /** None: exactly what was forced. */
        SYNCED,
        /** Some, chosen at random page by page and sector by sector as described above. */
        SOME,
        /** All of them, as after a kill -9 (the page cache survives the process). */
        ALL
    }

    /** Which creates, renames and deletes not yet made durable by a directory fsync happened anyway. */
    public enum Names {
        STRICT,
        SOME
    }

    private PowerCut() {
    }

    /**
     * Writes under {@code imageRoot} what the files under {@code liveRoot} could be after a power cut just before
     * journal operation {@code cut}; {@code imageRoot} must exist and be empty.
     */
    public static void image(List<Op> journal, long cut, Path liveRoot, Path imageRoot, Data data, Names names,
            Random rng) throws IOException {
        List<Op> done = journal.subList(0, (int) Math.min(cut, journal.size()));
        Path root = liveRoot.toAbsolutePath().normalize();
        Set<Path> madeLater = new HashSet<>();
        for (Op op : journal) {
            if (op instanceof MakeDir m) {
                madeLater.add(m.dir());
            }
        }
        Map<Path, Map<String, Integer>> dirs = namespace(done, names, rng);
        for (Path dir : dirs.keySet()) {
            if (dir.startsWith(root) && reachable(dir, root, dirs, madeLater)) {
                Path target = imageRoot.resolve(root.relativize(dir).toString());
                Files.createDirectories(target);
                for (Map.Entry<String, Integer> e : dirs.get(dir).entrySet()) {
                    if (e.getValue() > 0) {
                        Files.write(target.resolve(e.getKey()), contents(done, e.getValue(), data, rng));
                    }
                }
            }
        }
    }

    /** Directory entries: name → inode for a file, → 0 for a directory; every directory the journal names. */
    private static Map<Path, Map<String, Integer>> namespace(List<Op> done, Names names, Random rng) {
        Map<Path, Long> lastSync = new HashMap<>();
        for (Op op : done) {
            if (op instanceof SyncDir s) {
                lastSync.put(s.dir(), s.seq());
            }
        }
        Map<Path, Map<String, Integer>> dirs = new LinkedHashMap<>();
        for (Op op : done) {
            Path entry = entryOf(op);
            if (entry == null) {
                continue;
            }
            if (op instanceof MakeDir m) {
                dirs.computeIfAbsent(m.dir(), d -> new LinkedHashMap<>());
            }
            Path parent = entry.getParent();
            Map<String, Integer> entries = dirs.computeIfAbsent(parent, d -> new LinkedHashMap<>());
            boolean durable = op.seq() < lastSync.getOrDefault(parent, -1L);
            if (!durable && (names == Names.STRICT || rng.nextBoolean())) {
                continue;
            }
            if (op instanceof MakeDir m) {
                entries.put(name(m.dir()), 0);
            } else if (op instanceof Create c) {
                entries.put(name(c.file()), c.inode());
            } else if (op instanceof Rename r) {
                entries.remove(name(r.from()));
                entries.put(name(r.to()), r.inode());
            } else {
                entries.remove(name(((Delete) op).file()));
            }
        }
        return dirs;
    }

    /** The directory entry an operation changes, or null if it changes none. */
    private static Path entryOf(Op op) {
        if (op instanceof MakeDir m) {
            return m.dir();
        } else if (op instanceof Create c) {
            return c.file();
        } else if (op instanceof Rename r) {
            return r.from();
        } else if (op instanceof Delete d) {
            return d.file();
        }
        return null;
    }

    private static int inodeOf(Op op) {
        if (op instanceof Write w) {
            return w.inode();
        } else if (op instanceof Truncate t) {
            return t.inode();
        } else if (op instanceof Force f) {
            return f.inode();
        }
        return -1;
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    /**
     * A directory is there if it predates the journal, or its creation counts and so does its parent's; the
     * root of the image always is.
     */
    private static boolean reachable(Path dir, Path root, Map<Path, Map<String, Integer>> dirs, Set<Path> made) {
        for (Path d = dir; !d.equals(root); d = d.getParent()) {
            if (!made.contains(d)) {
                return true;
            }
            Map<String, Integer> parent = dirs.get(d.getParent());
            if (parent == null || !Integer.valueOf(0).equals(parent.get(name(d)))) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of one inode after the cut. */
    static byte[] contents(List<Op> done, int inode, Data data, Random rng) {
        List<Op> ops = new ArrayList<>();
        int lastForce = -1;
        for (Op op : done) {
            if (inodeOf(op) == inode) {
                if (op instanceof Force) {
                    lastForce = ops.size();
                }
                ops.add(op);
            }
        }
        Bytes file = new Bytes();
        for (int i = 0; i <= lastForce; i++) {
            file.apply(ops.get(i));
        }
        List<Op> unforced = ops.subList(lastForce + 1, ops.size());
        if (data == Data.ALL) {
            unforced.forEach(file::apply);
        } else if (data == Data.SOME) {
            file.applySome(unforced, rng);
        }
        return Arrays.copyOf(file.bytes, (int) file.size);
    }

    /** A file's bytes and size as they are rebuilt. */
    private static final class Bytes {
        byte[] bytes = new byte[0];
        long size;

        void apply(Op op) {
            if (op instanceof Write w) {
                write(w.offset(), w.bytes(), 0, w.bytes().length);
            } else if (op instanceof Truncate t) {
                truncate(t.size());
            }
        }

        void write(long offset, byte[] b, int from, int len) {
            long end = offset + len;
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.max(end, bytes.length * 2L));
            }
            System.arraycopy(b, from, bytes, (int) offset, len);
            size = Math.max(size, end);
        }

        void truncate(long newSize) {
            if (newSize < size) {
                Arrays.fill(bytes, (int) newSize, (int) size, (byte) 0);
            } else if (newSize > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) newSize);
            }
            size = newSize;
        }

        /**
         * The writes after the last force, each sector holding them as of one moment: the page cache wrote the
         * page back at some point in the sequence (the same for all its sectors when the page arrived whole, one
         * per sector when it was torn). Metadata — truncation, growth without data — has a moment of its own.
         */
        void applySome(List<Op> unforced, Random rng) {
            int m = unforced.size();
            int metaMoment = rng.nextInt(m + 1);
            Map<Long, int[]> pageMoments = new HashMap<>();
            long grownTo = size;
            for (int i = 0; i < m; i++) {
                Op op = unforced.get(i);
                if (op instanceof Truncate t) {
                    if (i < metaMoment) {
                        truncate(t.size());
                    }
                    continue;
                }
                Write w = (Write) op;
                int pos = 0;
                while (pos < w.bytes().length) {
                    long at = w.offset() + pos;
                    long sector = at / SECTOR;
                    int len = (int) Math.min(w.bytes().length - pos, (sector + 1) * SECTOR - at);
                    int[] moments = pageMoments.computeIfAbsent(at / PAGE, p -> moments(m, rng));
                    if (i < moments[(int) (sector % (PAGE / SECTOR))]) {
                        write(at, w.bytes(), pos, len);
                    }
                    pos += len;
                }
                if (i < metaMoment) {
                    grownTo = Math.max(grownTo, w.offset() + w.bytes().length);
                }
            }
            if (rng.nextInt(4) == 0 && grownTo > size) {
                truncate(grownTo); // the size arrived, some of the data not: zeros
            }
        }

        private static int[] moments(int m, Random rng) {
            int[] moments = new int[PAGE / SECTOR];
            if (rng.nextBoolean()) {
                Arrays.fill(moments, rng.nextInt(m + 1));
            } else {
                for (int s = 0; s < moments.length; s++) {
                    moments[s] = rng.nextInt(m + 1);
                }
            }
            return moments;
        }
    }
}

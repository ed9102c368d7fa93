package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.ZPath;
import dev.keeper.server.tree.Znode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.GZIPInputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.persistence.FileHeader;

/**
 * A snapshot in ZooKeeper's format ({@code FileSnap}, {@code SnapStream}): a {@code FileHeader} ("ZKSN",
 * version 2, dbid −1); the sessions with their timeouts; the ACL table; every node as (path, data, ACL number,
 * {@code StatPersisted}), parents first, the root as "", closed by the path "/"; then a seal — the Adler32 of all
 * bytes so far and "/" — then the zxid digest and a seal, then the last processed zxid and a seal.
 *
 * <p>We write an empty zxid digest (zxid 0), which ZooKeeper reads as "no digest to compare"; see the design
 * notes. Snapshots ZooKeeper compressed (snapshot.compression.method=gz) are read too.
 */
public final class SnapshotFile {
    static final int MAGIC = 0x5a4b534e; // "ZKSN"
    private static final int VERSION = 2;
    private static final int DIGEST_VERSION = 2;
    /** The most DEFLATE can expand: 258 bytes from a 2-bit code, about 1032 to 1 (zlib's technical notes). */
    private static final long DEFLATE_MAX_RATIO = 1032;

    private SnapshotFile() {
    }

    /**
     * Streams one snapshot out: the header, sessions and ACLs first, then the node list's bytes as they come
     * (made by a {@link NodeEncoder}), then the seals.
     *
     * <p>The file is forced to disk every {@link #SYNC_EVERY} bytes as it is written, not only at the end. A
     * transaction log fsync on the same disk waits for whatever snapshot bytes are being flushed at that moment:
     * one final fsync of a million nodes would hold every write's reply for the whole flush (hundreds of
     * milliseconds), and 2 MB at a time still cost each log fsync up to ~10 ms on our test machines; 256 KB at a
     * time costs it about 1 ms and the snapshot about a quarter more time.
     */
    public static final class Writer implements AutoCloseable {
        static final long SYNC_EVERY = 256L << 10;
        private final Disk disk;
        private final Path file;
        private final FileChannel channel;
        private final CheckedOutputStream checked;
        private final BinaryOutputArchive oa;
        private long written;
        private long synced;
        private boolean done;

        public Writer(Disk disk, Path file, Map<Long, Integer> sessions, Map<Long, List<ACL>> acls)
                throws IOException {
            this.disk = disk;
            this.file = file;
            this.channel = disk.create(file);
            OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
            this.checked = new CheckedOutputStream(out, new Adler32());
            this.oa = new BinaryOutputArchive(new DataOutputStream(checked));
            new FileHeader(MAGIC, VERSION, -1).serialize(oa, "fileheader");
            oa.writeInt(sessions.size(), "count");
            for (Map.Entry<Long, Integer> e : sessions.entrySet()) {
                oa.writeLong(e.getKey(), "id");
                oa.writeInt(e.getValue(), "timeout");
            }
            oa.writeInt(acls.size(), "map");
            for (Map.Entry<Long, List<ACL>> e : acls.entrySet()) {
                oa.writeLong(e.getKey(), "long");
                oa.startVector(e.getValue(), "acls");
                for (ACL a : e.getValue()) {
                    a.serialize(oa, "acl");
                }
                oa.endVector(e.getValue(), "acls");
            }
        }

        /** Appends {@code len} bytes of encoded nodes. */
        public void nodes(byte[] bytes, int len) throws IOException {
            checked.write(bytes, 0, len);
            written += len;
            if (written - synced >= SYNC_EVERY) {
                checked.flush();
                channel.force(false);
                synced = written;
            }
        }

        /** Closes the node list, writes the seals and makes the file durable. */
        public void finish(long lastProcessedZxid) throws IOException {
            oa.writeString("/", "path");
            seal();
            oa.writeLong(0, "zxid");
            oa.writeInt(DIGEST_VERSION, "digestVersion");
            oa.writeLong(0, "digest");
            seal();
            oa.writeLong(lastProcessedZxid, "lastZxid");
            seal();
            checked.flush();
            channel.force(true);
            done = true;
        }

        private void seal() throws IOException {
            oa.writeLong(checked.getChecksum().getValue(), "val");
            oa.writeString("/", "path");
        }

        @Override
        public void close() throws IOException {
            try {
                checked.close();
            } finally {
                if (!done) {
                    disk.delete(file);
                }
            }
        }
    }

    /**
     * Encodes nodes as a snapshot lists them — path, data, ACL number, {@code StatPersisted} — into a stream,
     * allocating nothing per node: the snapshot walk runs on the processor thread over a million nodes while
     * requests keep coming, and its garbage would otherwise cost the requests young-generation pauses.
     */
    static final class NodeEncoder {
        private final DataOutputStream out;
        private final BinaryOutputArchive oa;
        private final StatPersisted stat = new StatPersisted();

        NodeEncoder(OutputStream sink) {
            this.out = new DataOutputStream(sink);
            this.oa = new BinaryOutputArchive(out);
        }

        /**
         * One node, whose path is the first {@code parentLength} bytes of {@code parent}, "/" and {@code name}
         * (the root: both empty). The path is a jute ustring ({@code BinaryOutputArchive.writeString}: its UTF-8
         * length, then the bytes), written from the parts without joining them.
         */
        void node(byte[] parent, int parentLength, byte[] name, Znode z) throws IOException {
            if (name.length == 0) {
                out.writeInt(0);
            } else {
                out.writeInt(parentLength + 1 + name.length);
                out.write(parent, 0, parentLength);
                out.write('/');
                out.write(name);
            }
            oa.writeBuffer(z.data(), "data");
            oa.writeLong(z.aclId(), "acl");
            z.statPersisted(stat).serialize(oa, "statpersisted");
        }
    }

    /** Reads a snapshot into a fresh tree; returns the last processed zxid it records (or -1 if it has none). */
    public static long read(Path file, DataTree tree) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        long maxLength = Files.size(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
            maxLength *= DEFLATE_MAX_RATIO;
        } else if (file.getFileName().toString().endsWith(".snappy")) {
            raw.close();
            throw new IOException(file + " is snappy-compressed; set ZooKeeper's snapshot.compression.method"
                    + " to gz or none and take a new snapshot");
        }
        try (CheckedInputStream checked = new CheckedInputStream(raw, new Adler32())) {
            // No string or buffer is longer than the (uncompressed) file that holds it. Jute allocates what a
            // length field asks for before reading into it, so without this bound a few bytes claiming a 1 GB
            // node would cost 1 GB before the missing bytes failed the read.
            BinaryInputArchive ia = new BinaryInputArchive(new DataInputStream(checked),
                    (int) Math.min(maxLength, Integer.MAX_VALUE), 0);
            FileHeader header = new FileHeader();
            header.deserialize(ia, "fileheader");
            if (header.getMagic() != MAGIC) {
                throw new IOException("mismatching magic headers " + header.getMagic() + " != " + MAGIC);
            }
            tree.beginRestore();
            int count = ia.readInt("count");
            for (int i = 0; i < count; i++) {
                long id = ia.readLong("id");
                tree.restoreSession(id, ia.readInt("timeout"));
            }
            int acls = ia.readInt("map");
            for (int i = 0; i < acls; i++) {
                long id = ia.readLong("long");
                int n = ia.readInt("acls");
                // Not sized by n: a count of 2^31 in a few bytes would ask for an 8 GB array up front; the list
                // grows only as ACLs are actually read.
                List<ACL> list = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    ACL a = new ACL();
                    a.deserialize(ia, "acl");
                    // Every ACL ZooKeeper stores names a scheme and an id; the ACL table hashes both.
                    if (a.getId().getScheme() == null || a.getId().getId() == null) {
                        throw new IOException("Invalid snapshot " + file + ": ACL list " + id + " has " + a);
                    }
                    list.add(a);
                }
                tree.restoreAcl(id, list);
            }
            String path = ia.readString("path");
            while (!"/".equals(path)) {
                byte[] data = ia.readBuffer("data");
                long acl = ia.readLong("acl");
                StatPersisted st = new StatPersisted();
                st.deserialize(ia, "statpersisted");
                // The root is listed as ""; every other node under a path ZooKeeper's PathUtils.validatePath
                // accepted when it was created. Anything else (null, relative, "/a/") is damage, and the tree's
                // restore would fail on it with no file named, or build a node no client could reach.
                if (path == null || !path.isEmpty() && !ZPath.isValid(path)) {
                    throw new IOException("Invalid snapshot " + file + ": bad node path " + path);
                }
                if (!tree.restoreNode(path, data, acl, st)) {
                    throw new IOException("Invalid snapshot " + file + ": no parent for " + path);
                }
                path = ia.readString("path");
            }
            checkSeal(checked, ia, file);
            tree.finishRestore();
            long last = -1;
            try {
                ia.readLong("zxid");
                ia.readInt("digestVersion");
                ia.readLong("digest");
                checkSeal(checked, ia, file);
                last = ia.readLong("lastZxid");
                checkSeal(checked, ia, file);
            } catch (EOFException olderFormat) {
                // Snapshots from before 3.6 end after the first seal.
            }
            return last;
        }
    }

    private static void checkSeal(CheckedInputStream checked, BinaryInputArchive ia, Path file) throws IOException {
        long expected = checked.getChecksum().getValue();
        long val = ia.readLong("val");
        ia.readString("path");
        if (val != expected) {
            throw new IOException("CRC corruption in snapshot " + file);
        }
    }

    /** A cheap validity test, as {@code SnapStream.isValidCheckedStream}: the file ends with the "/" of a seal. */
    public static boolean looksComplete(Path file) {
        if (file.getFileName().toString().endsWith(".gz")) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 10) {
                return false;
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5);
            ch.read(b, size - 5);
            b.flip();
            return b.getInt() == 1 && b.get() == '/';
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.keeper.server.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Which ensemble member each global session is attached to: the member its client last connected to. ZooKeeper's
 * leader keeps this as the session's owner ({@code SessionTrackerImpl.checkSession}) and refuses a write that
 * comes through any other member with SessionMoved: the old connection of a client that has moved on must not
 * change anything (ZOOKEEPER-710). Here it is replicated state: set when a session's creation or move is applied,
 * checked when a write is applied, so every member decides the same; and since a member may start from a
 * snapshot, a snapshot carries it (ZooKeeper's snapshot format has no room for it, so it is a file of its own).
 *
 * <p>A session with no owner — after a snapshot without this file, such as a ZooKeeper server's — is claimed by
 * the first member to send a write for it, as ZooKeeper's leader gives a session without an owner to the first
 * that asks. Owned by the processor thread.
 */
public final class SessionOwners {
    private static final int MAGIC = 0x5a4f574e; // "ZOWN"

    private final Map<Long, Long> owners;

    public SessionOwners() {
        this(new HashMap<>());
    }

    private SessionOwners(Map<Long, Long> owners) {
        this.owners = owners;
    }

    /** {@code member} is now where {@code session}'s client is attached. */
    public void attach(long session, long member) {
        owners.put(session, member);
    }

    public void remove(long session) {
        owners.remove(session);
    }

    /** The member {@code session} is attached to, or 0 when none is known. */
    public long owner(long session) {
        Long m = owners.get(session);
        return m == null ? 0 : m;
    }

    /**
     * May {@code member} write for {@code session}? Yes if the session is attached to it, or attached nowhere yet
     * (it then is: the first to ask claims it); no if it moved elsewhere.
     */
    public boolean mayWrite(long session, long member) {
        Long m = owners.putIfAbsent(session, member);
        return m == null || m == member;
    }

    /** Forgets every session not in {@code live}: a snapshot's sessions are the ones that exist. */
    public void retainAll(Set<Long> live) {
        owners.keySet().retainAll(live);
    }

    public int size() {
        return owners.size();
    }

    /** An independent copy, for a snapshot taken while the processor goes on. */
    public SessionOwners copy() {
        return new SessionOwners(new HashMap<>(owners));
    }

    /** {@code int magic, int count, (long session, long member)*, long crc32 of what precedes}. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + owners.size() * 16 + 8);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(MAGIC);
            out.writeInt(owners.size());
            for (Map.Entry<Long, Long> e : owners.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #toBytes} wrote; refuses anything else, or anything damaged. */
    public static SessionOwners fromBytes(byte[] b) throws IOException {
        if (b.length < 16 || (b.length - 16) % 16 != 0) {
            throw new IOException("not a session owners file: " + b.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a session owners file: bad magic");
        }
        int count = in.readInt();
        if (count != (b.length - 16) / 16) {
            throw new IOException("session owners file: count " + count + " does not match its length");
        }
        Map<Long, Long> owners = new HashMap<>(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) {
            owners.put(in.readLong(), in.readLong());
        }
        if (in.readLong() != crc.getValue()) {
            throw new IOException("session owners file: checksum mismatch");
        }
        return new SessionOwners(owners);
    }
}

package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/**
 * A watch event as ZooKeeper sends it: a {@code ReplyHeader} with xid −1, the zxid of the change that fired it
 * (ZooKeeper 3.9, ZOOKEEPER-4655; −1 for events that no change caused, such as setWatches catch-up), error 0,
 * then a {@link WatcherEvent}.
 *
 * <p>One change can reach thousands of sessions with the same bytes, so the encoded frame is computed once, by
 * whichever I/O thread gets there first, and copied from then on. Several threads may compute it at once; each
 * makes the same bytes. The field is volatile so that a thread that finds the array also finds its contents:
 * without that, nothing orders another thread's writes into the array before its write of the reference, and a
 * reader could copy an array not yet filled.
 */
public final class Notification implements Outbound {
    /** {@code Watcher.Event.KeeperState.SyncConnected}: the only state a server-sent event carries. */
    public static final int STATE_SYNC_CONNECTED = 3;

    private final int type;
    private final String path;
    private final long zxid;
    private volatile byte[] frame;

    public Notification(int type, String path, long zxid) {
        this.type = type;
        this.path = path;
        this.zxid = zxid;
    }

    public int type() {
        return type;
    }

    public String path() {
        return path;
    }

    public long zxid() {
        return zxid;
    }

    /** Appends this event's length-prefixed frame to {@code out}. */
    void encodeTo(ByteBuf out) {
        byte[] f = frame;
        if (f == null) {
            ByteBuf tmp = io.netty.buffer.Unpooled.buffer(32 + path.length());
            ReplyEncoder.encodeFrame(new ReplyHeader(OpCode.XID_NOTIFICATION, zxid, 0),
                    new WatcherEvent(type, STATE_SYNC_CONNECTED, path), tmp);
            f = new byte[tmp.readableBytes()];
            tmp.readBytes(f);
            frame = f;
        }
        out.writeBytes(f);
    }

    @Override
    public String toString() {
        return "Notification[type=" + type + ", path=" + path + ", zxid=0x" + Long.toHexString(zxid) + "]";
    }
}

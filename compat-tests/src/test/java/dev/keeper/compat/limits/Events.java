package dev.keeper.compat.limits;

import dev.keeper.compat.support.RawClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Watch events as a raw client reads them: a frame with xid −1 carrying a {@code WatcherEvent}. */
final class Events {
    private Events() {
    }

    /** "NodeDataChanged /path" for a notification frame; "not an event: ..." for any other frame. */
    static String describe(RawClient.Frame f) {
        if (f.xid() != -1) {
            return "not an event: xid " + f.xid() + " err " + f.err();
        }
        ByteBuffer b = ByteBuffer.wrap(f.body());
        int type = b.getInt();
        b.getInt(); // the state: SyncConnected for every event a server sends
        byte[] path = new byte[b.getInt()];
        b.get(path);
        return typeName(type) + " " + new String(path, StandardCharsets.UTF_8);
    }

    static String typeName(int type) {
        return switch (type) {
            case 1 -> "NodeCreated";
            case 2 -> "NodeDeleted";
            case 3 -> "NodeDataChanged";
            case 4 -> "NodeChildrenChanged";
            default -> "type " + type;
        };
    }
}

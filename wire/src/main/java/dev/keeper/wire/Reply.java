package dev.keeper.wire;

import org.apache.jute.Record;

/**
 * One reply to a request: the {@code ReplyHeader} fields and the response record (null when ZooKeeper sends
 * the header alone, as it does for every error and for delete, setWatches, closeSession and ping).
 */
public record Reply(int xid, long zxid, int err, Record body) implements Outbound {
}

package dev.keeper.server.op;

import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.RemoveWatchesRequest;

/**
 * removeWatches (18): drops this connection's watches of a type on a path; NoWatcher if there were none. The
 * DataWatchRemoved / ChildWatchRemoved / PersistentWatchRemoved events are raised by the client library
 * itself when this succeeds; the server sends none.
 */
public final class RemoveWatchesOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        RemoveWatchesRequest r = (RemoveWatchesRequest) request;
        if (!ctx.watches().remove(r.getPath(), watcherType(r.getType()), caller)) {
            throw new OpError(ErrorCode.NO_WATCHER);
        }
        return null;
    }

    /** {@code Watcher.WatcherType.fromInt}: an unknown type fails the request as MarshallingError does. */
    static int watcherType(int type) throws OpError {
        if (type < 1 || type > 5) {
            throw new OpError(ErrorCode.MARSHALLING_ERROR);
        }
        return type;
    }
}

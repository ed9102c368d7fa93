package dev.keeper.server.op;

import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckWatchesRequest;

/** checkWatches (17): does this connection hold a watch of that type on that path? NoWatcher if not. */
public final class CheckWatchesOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        CheckWatchesRequest r = (CheckWatchesRequest) request;
        if (!ctx.watches().contains(r.getPath(), RemoveWatchesOp.watcherType(r.getType()), caller)) {
            throw new OpError(ErrorCode.NO_WATCHER);
        }
        return null;
    }
}

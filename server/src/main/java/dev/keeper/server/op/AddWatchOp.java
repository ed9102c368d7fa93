package dev.keeper.server.op;

import dev.keeper.server.watch.WatchMode;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.ErrorResponse;

/**
 * addWatch (106): a persistent watch (mode 0) or a persistent recursive one (mode 1). ZooKeeper neither checks
 * the path nor the node's existence here, and answers with an {@code ErrorResponse} of 0 as the body.
 */
public final class AddWatchOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        AddWatchRequest r = (AddWatchRequest) request;
        byte mode;
        try {
            mode = WatchMode.fromAddWatchMode(r.getMode());
        } catch (IllegalArgumentException e) {
            throw new OpError(ErrorCode.MARSHALLING_ERROR);
        }
        ctx.watches().addPersistentWatch(r.getPath(), caller, mode);
        return new ErrorResponse(0);
    }
}

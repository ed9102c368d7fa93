package dev.keeper.server.op;

import dev.keeper.server.tree.Applied;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;

/**
 * reconfig (16): dynamic reconfiguration is off in a standalone server ({@code reconfigEnabled=false} is
 * ZooKeeper's default), so it is always ReconfigDisabled, logged as a failed write like any other.
 */
public final class ReconfigOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        throw new OpError(ErrorCode.RECONFIG_DISABLED);
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }
}

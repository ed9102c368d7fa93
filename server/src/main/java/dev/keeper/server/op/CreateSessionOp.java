package dev.keeper.server.op;

import dev.keeper.server.tree.Applied;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;

/**
 * createSession (−10) sent as a request on an established session. {@code Request.isValid} lets it through, and
 * {@code PrepRequestProcessor} reads a {@code CreateSessionTxn} from the body after the zxid is taken; with no
 * body (what a confused client sends) that read fails, so the request becomes an error txn with
 * MarshallingError under a zxid of its own and the connection stays open.
 *
 * <p>Not mirrored: with a well-formed body ZooKeeper re-tracks the session with the new timeout and answers with
 * a second ConnectResponse instead of a reply. We answer that with MarshallingError too.
 */
public final class CreateSessionOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        throw new OpError(ErrorCode.MARSHALLING_ERROR);
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }
}

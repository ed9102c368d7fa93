package dev.keeper.server.op;

import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.MultiRecords;
import dev.keeper.wire.OpCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;

/**
 * multiRead (22): getData and getChildren ops read together; unlike multi, an op that fails becomes an error
 * result and the others carry on. ZooKeeper drops the ops' watch flags ({@code Op.getData} has none).
 */
public final class MultiReadOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        List<MultiRecords.Op> ops = ((MultiRecords.Ops) request).ops();
        List<MultiRecords.Result> results = new ArrayList<>(ops.size());
        for (MultiRecords.Op op : ops) {
            try {
                if (pathOf(op) == null) {
                    // FinalRequestProcessor fails on it with a NullPointerException, after it has begun the
                    // response, which it sends with MarshallingError.
                    throw new OpError(ErrorCode.MARSHALLING_ERROR, MultiRecords.response(results));
                }
                if (op.type() == OpCode.GET_DATA) {
                    results.add(new MultiRecords.Result(OpCode.GET_DATA, 0,
                            GetDataOp.get(ctx, caller, ((GetDataRequest) op.request()).getPath(), false)));
                } else if (op.type() == OpCode.GET_CHILDREN) {
                    results.add(new MultiRecords.Result(OpCode.GET_CHILDREN, 0,
                            GetChildrenOp.list(ctx, caller, ((GetChildrenRequest) op.request()).getPath(), false)));
                } else {
                    // ZooKeeper fails the whole request ("Invalid type of readOp") but still sends the response
                    // it had begun, with the results gathered so far.
                    throw new OpError(ErrorCode.MARSHALLING_ERROR, MultiRecords.response(results));
                }
            } catch (OpError e) {
                if (e.code() == ErrorCode.MARSHALLING_ERROR) {
                    throw e;
                }
                results.add(MultiRecords.Result.error(e.code()));
            }
        }
        return MultiRecords.response(results);
    }

    private static String pathOf(MultiRecords.Op op) {
        return op.request() instanceof GetDataRequest r ? r.getPath()
                : op.request() instanceof GetChildrenRequest r ? r.getPath() : "";
    }
}

package dev.keeper.server.op;

import dev.keeper.server.tree.Applied;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Jute;
import dev.keeper.wire.MultiRecords;
import dev.keeper.wire.OpCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.Txn;

/**
 * multi (14): all or nothing, under one zxid. Each op is prepared against the tree as the earlier ops left it
 * ({@link Pending}). When one fails, the ops after it are not tried and become RuntimeInconsistency, and the
 * applied transaction changes nothing and fires no watch; the reply still has header error 0 and lists a result
 * per op, as {@code FinalRequestProcessor} sends it.
 */
public final class MultiOp implements Op.Write {
    private final Ops ops;

    MultiOp(Ops ops) {
        this.ops = ops;
    }

    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        List<MultiRecords.Op> list = ((MultiRecords.Ops) request).ops();
        refuseNulls(list);
        Pending view = new Pending(p.view());
        Prep sub = p.withView(view);
        List<Txn> txns = new ArrayList<>(list.size());
        boolean failed = false;
        for (MultiRecords.Op op : list) {
            if (failed) {
                txns.add(new Txn(OpCode.ERROR, Jute.toBytes(new ErrorTxn(ErrorCode.RUNTIME_INCONSISTENCY))));
                continue;
            }
            Op.Write w = ops.multiOp(op.type());
            if (w == null) {
                // A read inside a write multi: ZooKeeper cannot turn it into a transaction either.
                throw new OpError(ErrorCode.MARSHALLING_ERROR);
            }
            try {
                Prepared prepared = w.prepare(sub, op.request());
                view.record(prepared, p.sessionId());
                txns.add(new Txn(prepared.type(), Jute.toBytes(prepared.txn())));
            } catch (OpError e) {
                failed = true;
                txns.add(new Txn(OpCode.ERROR, Jute.toBytes(new ErrorTxn(e.code()))));
            }
        }
        return new Prepared(OpCode.MULTI, new MultiTxn(txns));
    }

    /**
     * Nulls ZooKeeper trips over before it prepares any op, each answered MarshallingError for the whole multi.
     * A create without an ACL list fails while the request is decoded ({@code CreateOptions} requires one), which
     * is before a zxid is taken; a null path fails in {@code getPendingChanges}, just after.
     */
    private static void refuseNulls(List<MultiRecords.Op> list) throws OpError {
        for (MultiRecords.Op op : list) {
            if (op.request() instanceof CreateRequest r && r.getAcl() == null) {
                throw OpError.beforeZxid(ErrorCode.MARSHALLING_ERROR);
            }
        }
        for (MultiRecords.Op op : list) {
            OpError.requirePath(pathOf(op.request()));
        }
    }

    private static String pathOf(Record r) {
        if (r instanceof CreateRequest c) {
            return c.getPath();
        } else if (r instanceof CreateTTLRequest c) {
            return c.getPath();
        } else if (r instanceof DeleteRequest d) {
            return d.getPath();
        } else if (r instanceof SetDataRequest d) {
            return d.getPath();
        } else if (r instanceof CheckVersionRequest c) {
            return c.getPath();
        } else if (r instanceof GetDataRequest g) {
            return g.getPath();
        } else if (r instanceof GetChildrenRequest g) {
            return g.getPath();
        }
        return "";
    }

    @Override
    public Record reply(Applied a) {
        List<MultiRecords.Result> results = new ArrayList<>(a.multi().size());
        for (Applied r : a.multi()) {
            results.add(switch (r.type()) {
                case OpCode.CHECK -> new MultiRecords.Result(OpCode.CHECK, 0, null);
                case OpCode.CREATE -> new MultiRecords.Result(OpCode.CREATE, 0, new CreateResponse(r.path()));
                case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER ->
                        new MultiRecords.Result(OpCode.CREATE2, 0, new Create2Response(r.path(), r.stat()));
                case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new MultiRecords.Result(OpCode.DELETE, 0, null);
                case OpCode.SET_DATA -> new MultiRecords.Result(OpCode.SET_DATA, 0, new SetDataResponse(r.stat()));
                default -> MultiRecords.Result.error(r.err());
            });
        }
        return MultiRecords.response(results);
    }
}

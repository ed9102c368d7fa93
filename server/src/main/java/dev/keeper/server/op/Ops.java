package dev.keeper.server.op;

import dev.keeper.wire.OpCode;
import java.util.HashMap;
import java.util.Map;

/**
 * The one table from opcode to meaning. Opcodes missing here are either handled by the processor itself
 * because they concern the session rather than the tree (ping, auth, sasl, closeSession), or unknown: those get
 * ZooKeeper's Unimplemented reply and the connection closes. "Unknown" is {@code Request.isValid}'s list: it
 * also accepts createSession and deleteContainer from a client, and refuses check outside a multi.
 */
public final class Ops {
    private final Map<Integer, Op> ops = new HashMap<>();
    private final Map<Integer, Op.Write> inMulti = new HashMap<>();

    public Ops() {
        CreateOp create = new CreateOp(OpCode.CREATE);
        CreateOp create2 = new CreateOp(OpCode.CREATE2);
        CreateOp container = new CreateOp(OpCode.CREATE_CONTAINER);
        CreateOp ttl = new CreateOp(OpCode.CREATE_TTL);
        DeleteOp delete = new DeleteOp();
        SetDataOp setData = new SetDataOp();
        GetChildrenOp children = new GetChildrenOp();
        SetWatchesOp setWatches = new SetWatchesOp();

        ops.put(OpCode.CREATE, create);
        ops.put(OpCode.CREATE2, create2);
        ops.put(OpCode.CREATE_CONTAINER, container);
        ops.put(OpCode.CREATE_TTL, ttl);
        ops.put(OpCode.DELETE, delete);
        ops.put(OpCode.DELETE_CONTAINER, new DeleteContainerOp());
        ops.put(OpCode.SET_DATA, setData);
        ops.put(OpCode.SET_ACL, new SetAclOp());
        ops.put(OpCode.MULTI, new MultiOp(this));
        ops.put(OpCode.RECONFIG, new ReconfigOp());
        ops.put(OpCode.CREATE_SESSION, new CreateSessionOp());
        ops.put(OpCode.EXISTS, new ExistsOp());
        ops.put(OpCode.GET_DATA, new GetDataOp());
        ops.put(OpCode.GET_ACL, new GetAclOp());
        ops.put(OpCode.GET_CHILDREN, children);
        ops.put(OpCode.GET_CHILDREN2, children);
        ops.put(OpCode.SYNC, new SyncOp());
        ops.put(OpCode.CHECK_WATCHES, new CheckWatchesOp());
        ops.put(OpCode.REMOVE_WATCHES, new RemoveWatchesOp());
        ops.put(OpCode.MULTI_READ, new MultiReadOp());
        ops.put(OpCode.SET_WATCHES, setWatches);
        ops.put(OpCode.SET_WATCHES2, setWatches);
        ops.put(OpCode.GET_EPHEMERALS, new GetEphemeralsOp());
        ops.put(OpCode.GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberOp());
        ops.put(OpCode.ADD_WATCH, new AddWatchOp());
        ops.put(OpCode.WHO_AM_I, new WhoAmIOp());

        inMulti.put(OpCode.CREATE, create);
        inMulti.put(OpCode.CREATE2, create2);
        inMulti.put(OpCode.CREATE_CONTAINER, container);
        inMulti.put(OpCode.CREATE_TTL, ttl);
        inMulti.put(OpCode.DELETE, delete);
        inMulti.put(OpCode.SET_DATA, setData);
        inMulti.put(OpCode.CHECK, new CheckOp());
    }

    /** The op for a top-level opcode, or null. */
    public Op get(int opCode) {
        return ops.get(opCode);
    }

    /** The write op for an op inside a multi, or null for ops a multi cannot hold. */
    Op.Write multiOp(int opCode) {
        return inMulti.get(opCode);
    }
}

package dev.keeper.server.processor;

import java.util.List;
import org.apache.zookeeper.data.Id;

/**
 * A write on its way to be applied, with everything that is not a function of the tree decided once, by the
 * member that received it: who asks (session, credentials), when (its wall clock), and what. Standalone, a
 * proposal is applied as soon as it is made; in an ensemble it goes through the Raft log and every member applies
 * it in log order, computing the same transaction from the same tree: prepare runs at apply time, so there are no
 * pending changes to track and nothing to roll back.
 *
 * @param kind          {@link #REQUEST}, {@link #CREATE_SESSION}, {@link #CLOSE_SESSION} (the client's),
 *                      {@link #EXPIRE_SESSION} (the leader's), {@link #MOVE_SESSION} (a client reconnected to the
 *                      origin with a session that was attached elsewhere) or {@link #IMPORT} (a data directory's
 *                      snapshot, in pieces: the session is the import's id, cxid the piece's number, timeout the
 *                      number of pieces, the body the piece's bytes)
 * @param origin        the id of the member whose client sent it (1 standalone); that member answers it
 * @param session       the session it is for (the new one, for CREATE_SESSION)
 * @param cxid          the request's xid; 0 for what the server proposes itself (an expiry)
 * @param opCode        the request's opcode
 * @param time          the origin's wall clock when it was received: the transaction's time
 * @param auth          the session's credentials then, for ACL checks
 * @param body          the decoded request record (a {@code MultiRecords.Ops} for multi), null when malformed
 * @param malformed     the body did not decode: applied as ZooKeeper's MarshallingError error txn
 * @param timeout       the negotiated timeout, for CREATE_SESSION and MOVE_SESSION
 * @param receivedNanos when the origin received it, for its latency figures; 0 on other members
 */
public record Proposal(int kind, long origin, long session, int cxid, int opCode, long time, List<Id> auth,
        Object body, boolean malformed, int timeout, long receivedNanos) {
    public static final int REQUEST = 1;
    public static final int CREATE_SESSION = 2;
    public static final int CLOSE_SESSION = 3;
    public static final int EXPIRE_SESSION = 4;
    public static final int MOVE_SESSION = 5;
    /** A piece of a data directory brought into the ensemble ({@link DataDirImport}). */
    public static final int IMPORT = 6;
    /**
     * The ensemble refused the reconfig {@code session}/{@code cxid} asked for (Ratis did not take the new
     * configuration): applied, it ends that reconfig on every member as an error transaction; timeout holds the
     * error code.
     */
    public static final int RECONFIG_FAILED = 7;

    public Proposal {
        auth = List.copyOf(auth);
    }

    static Proposal request(long origin, long session, int cxid, int opCode, long time, List<Id> auth, Object body,
            boolean malformed, long receivedNanos) {
        return new Proposal(REQUEST, origin, session, cxid, opCode, time, auth, body, malformed, 0, receivedNanos);
    }

    static Proposal createSession(long origin, long session, int timeout, long time) {
        return new Proposal(CREATE_SESSION, origin, session, 0, dev.keeper.wire.OpCode.CREATE_SESSION, time,
                List.of(), null, false, timeout, 0);
    }

    static Proposal closeSession(long origin, long session, int cxid, long time, long receivedNanos) {
        return new Proposal(CLOSE_SESSION, origin, session, cxid, dev.keeper.wire.OpCode.CLOSE_SESSION, time,
                List.of(), null, false, 0, receivedNanos);
    }

    /**
     * ZooKeeper's revalidation: a client reconnected to the origin with a session attached to another member. No
     * transaction; applied, it attaches the session here ({@code SessionOwners}), so the old connection's writes
     * fail SessionMoved.
     */
    static Proposal moveSession(long origin, long session, int timeout, long time) {
        return new Proposal(MOVE_SESSION, origin, session, 0, dev.keeper.wire.OpCode.CREATE_SESSION, time,
                List.of(), null, false, timeout, 0);
    }

    /** Piece {@code seq} of {@code count} of the snapshot that import {@code id} brings in. */
    static Proposal importPiece(long origin, long id, int seq, int count, byte[] bytes, long time) {
        return new Proposal(IMPORT, origin, id, seq, 0, time, List.of(), bytes, false, count, 0);
    }

    static Proposal reconfigFailed(long origin, long session, int cxid, int errorCode, long time) {
        return new Proposal(RECONFIG_FAILED, origin, session, cxid, dev.keeper.wire.OpCode.RECONFIG, time,
                List.of(), null, false, errorCode, 0);
    }

    static Proposal expireSession(long origin, long session, long time) {
        return new Proposal(EXPIRE_SESSION, origin, session, 0, dev.keeper.wire.OpCode.CLOSE_SESSION, time,
                List.of(), null, false, 0, 0);
    }
}

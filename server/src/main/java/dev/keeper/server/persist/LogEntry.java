package dev.keeper.server.persist;

import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.CreateTxnV0;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * One transaction as the log stores it: a {@code TxnHeader} and the txn record of its type
 * ({@code SerializeUtils.deserializeTxn}). ZooKeeper 3.9 may append a {@code TxnDigest}; we read past it and
 * write none, which ZooKeeper reads as "no digest to compare".
 *
 * <p>An entry is decoded from the bytes its checksum covered, with their length as the limit of its fields
 * ({@link Jute#input}): whatever {@code jute.maxbuffer} the server was configured with when it logged the entry.
 */
public record LogEntry(TxnHeader header, Record txn) {

    public static byte[] serialize(TxnHeader header, Record txn) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        BinaryOutputArchive oa = new BinaryOutputArchive(new DataOutputStream(bytes));
        try {
            header.serialize(oa, "hdr");
            if (txn != null) {
                txn.serialize(oa, "txn");
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    public static LogEntry deserialize(byte[] bytes) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        BinaryInputArchive ia = Jute.input(in, bytes.length);
        TxnHeader hdr = new TxnHeader();
        hdr.deserialize(ia, "hdr");
        in.mark(bytes.length);
        Record txn = switch (hdr.getType()) {
            case OpCode.CREATE_SESSION -> new CreateSessionTxn();
            case OpCode.CLOSE_SESSION -> new CloseSessionTxn();
            case OpCode.CREATE, OpCode.CREATE2 -> new CreateTxn();
            case OpCode.CREATE_TTL -> new CreateTTLTxn();
            case OpCode.CREATE_CONTAINER -> new CreateContainerTxn();
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new DeleteTxn();
            case OpCode.RECONFIG, OpCode.SET_DATA -> new SetDataTxn();
            case OpCode.SET_ACL -> new SetACLTxn();
            case OpCode.ERROR -> new ErrorTxn();
            case OpCode.MULTI -> new MultiTxn();
            default -> throw new IOException("Unsupported Txn with type=" + hdr.getType());
        };
        try {
            txn.deserialize(ia, "txn");
        } catch (EOFException e) {
            if (hdr.getType() == OpCode.CREATE) {
                // A create logged by a pre-3.3 server: no parentCVersion. -1 makes apply derive it.
                in.reset();
                CreateTxnV0 v0 = new CreateTxnV0();
                v0.deserialize(ia, "txn");
                txn = new CreateTxn(v0.getPath(), v0.getData(), v0.getAcl(), v0.getEphemeral(), -1);
            } else if (hdr.getType() == OpCode.CLOSE_SESSION) {
                // Before closeSession carried its paths (closeSessionTxn.enabled=false): the tree finds them.
                txn = null;
            } else {
                throw e;
            }
        }
        return new LogEntry(hdr, txn);
    }
}

package dev.keeper.server.persist;

import java.io.IOException;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * Where transactions go before anyone may see their effect. The processor appends each transaction of a batch,
 * then commits the batch with the action that releases the batch's replies and events; the log runs that action
 * only once the batch is durable, and runs the actions of successive batches in order.
 */
public interface TxnLog extends AutoCloseable {
    void append(TxnHeader header, Record txn) throws IOException;

    void commit(Runnable release) throws IOException;

    @Override
    void close();

    /** No log at all: everything is released at once. For tests of the tree and the protocol alone. */
    TxnLog NONE = new TxnLog() {
        @Override
        public void append(TxnHeader header, Record txn) {
        }

        @Override
        public void commit(Runnable release) {
            release.run();
        }

        @Override
        public void close() {
        }
    };
}

package dev.keeper.server.op;

import org.apache.jute.Record;

/** A write that passed its checks: the transaction type for its header and the transaction record. */
public record Prepared(int type, Record txn) {
}

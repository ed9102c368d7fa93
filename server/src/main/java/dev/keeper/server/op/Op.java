package dev.keeper.server.op;

import dev.keeper.server.tree.Applied;
import org.apache.jute.Record;

/** What one opcode means. A read answers from the tree at once; a write prepares a transaction. */
public sealed interface Op permits Op.Read, Op.Write {

    /** An opcode answered from the tree without a transaction. */
    non-sealed interface Read extends Op {
        /** The response record (null for a header-only reply); an {@link OpError} for an error reply. */
        Record read(OpContext ctx, Caller caller, Object request) throws OpError;
    }

    /** An opcode that becomes a transaction. */
    non-sealed interface Write extends Op {
        /** Checks the request against the tree and turns it into a transaction, or fails. */
        Prepared prepare(Prep prep, Object request) throws OpError;

        /** The response record for the applied transaction, when it succeeded. */
        Record reply(Applied applied);
    }
}

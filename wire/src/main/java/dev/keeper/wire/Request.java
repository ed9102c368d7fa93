package dev.keeper.wire;

/**
 * One decoded client request: the {@code RequestHeader} fields and the opcode's record.
 *
 * <p>{@code body} is the Jute record for the opcode ({@code CreateRequest}, {@code SetWatches2}, ...), a
 * {@link MultiRecords.Ops} for {@code multi} and {@code multiRead}, or null for opcodes without a body (ping,
 * closeSession, whoAmI) and for unknown opcodes. {@code malformed} is set when the body did not decode:
 * ZooKeeper then answers MarshallingError and keeps the connection.
 */
public record Request(int xid, int opCode, Object body, boolean malformed) {
}

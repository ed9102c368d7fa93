package dev.keeper.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keeper.wire.testing.JuteStrings;
import dev.keeper.wire.testing.ParserRun;
import dev.keeper.wire.testing.ParserRun.Outcome;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.proto.CreateRequest;

/**
 * Fuzzes {@link MultiRecords#decode}: the body of a multi or multiRead request, after its RequestHeader. Seeds
 * ({@code MultiRecordsFuzzTestInputs/body}, written by {@link FuzzSeeds}): bodies of every op type, encoded with
 * zookeeper-jute's {@code MultiHeader} and request records as the stock client's {@code MultiOperationRecord}.
 *
 * <p>Checked for every input, besides {@link ParserRun}'s rules (no undocumented exception; allocation within
 * 32 bytes per input byte + 64 KB): an accepted body holds only op types a multi may hold, all reads or all
 * writes (a null path decodes, as in ZooKeeper; the server answers it); encoded again, it decodes to ops that encode to the same bytes (see {@link
 * #reencodable}, and {@link JuteStrings} for the strings jute cannot give back).
 */
class MultiRecordsFuzzTest {
    private static final int MAX = Jute.DEFAULT_MAX_BUFFER;
    private static final ParserRun RUN = ParserRun.of(IOException.class, 32, 64 << 10);
    private static final Set<Integer> WRITES = Set.of(OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER,
            OpCode.CREATE_TTL, OpCode.DELETE, OpCode.SET_DATA, OpCode.CHECK);
    private static final Set<Integer> READS = Set.of(OpCode.GET_CHILDREN, OpCode.GET_DATA);

    /**
     * Whether encoding the ops again can give them back: not when a create's flags name no {@code CreateMode}.
     * The decoder keeps such flags from a createTTL op, which becomes a plain create (as ZooKeeper's
     * {@code Op.create} makes it) to fail as BadArguments when prepared; as a plain create op they are malformed.
     */
    static boolean reencodable(MultiRecords.Ops ops) {
        return ops.ops().stream().allMatch(op -> !(op.request() instanceof CreateRequest c)
                || c.getFlags() >= 0 && c.getFlags() <= 6);
    }

    @FuzzTest
    void body(byte[] input) {
        Outcome<MultiRecords.Ops> decoded = RUN.run(input, () -> MultiRecords.decode(Unpooled.wrappedBuffer(input),
                MAX));
        if (!decoded.accepted()) {
            return;
        }
        List<MultiRecords.Op> ops = decoded.value().ops();
        boolean allWrites = ops.stream().allMatch(op -> WRITES.contains(op.type()));
        boolean allReads = ops.stream().allMatch(op -> READS.contains(op.type()));
        if (!allWrites && !allReads) {
            throw ParserRun.finding(input, "accepted op types " + ops.stream().map(MultiRecords.Op::type).toList(),
                    null);
        }
        if (!reencodable(decoded.value())) {
            return;
        }
        byte[] again = Jute.toBytes(MultiRecords.request(ops));
        if (JuteStrings.lossy(again)) {
            return;
        }
        byte[] twice;
        try {
            twice = Jute.toBytes(MultiRecords.request(MultiRecords.decode(Unpooled.wrappedBuffer(again), MAX).ops()));
        } catch (IOException e) {
            throw ParserRun.finding(input, "the ops, encoded again, do not decode: " + e, e);
        }
        if (!Arrays.equals(again, twice)) {
            throw ParserRun.finding(input, "the ops, encoded again, decode to other ops", null);
        }
    }
}

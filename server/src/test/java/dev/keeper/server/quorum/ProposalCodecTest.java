package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.processor.Proposal;
import dev.keeper.wire.Jute;
import dev.keeper.wire.MultiRecords;
import dev.keeper.wire.OpCode;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.junit.jupiter.api.Test;

/** What a member proposes is what every member applies: a proposal survives the Raft log unchanged. */
class ProposalCodecTest {
    private final ProposalCodec codec = new ProposalCodec(Jute.DEFAULT_MAX_BUFFER);
    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));

    private Proposal roundTrip(Proposal p) throws Exception {
        return codec.decode(ByteBuffer.wrap(codec.encode(p)));
    }

    @Test
    void aRequest_withItsCredentialsTimeAndRecord_comesBackTheSame() throws Exception {
        Proposal p = new Proposal(Proposal.REQUEST, 3, 0x300000000000001L, 17, OpCode.CREATE2, 1_700_000_000_123L,
                List.of(new Id("ip", "127.0.0.1"), new Id("digest", "u:h")),
                new CreateRequest("/a", new byte[] {1, 2}, OPEN, 2), false, 0, 99);
        Proposal back = roundTrip(p);
        assertEquals(p.kind(), back.kind());
        assertEquals(p.origin(), back.origin());
        assertEquals(p.session(), back.session());
        assertEquals(p.cxid(), back.cxid());
        assertEquals(p.opCode(), back.opCode());
        assertEquals(p.time(), back.time());
        assertEquals(p.auth(), back.auth());
        assertEquals(p.body(), back.body());
        assertEquals(0, back.receivedNanos(), "the receiving member's clock stays with it");
    }

    @Test
    void aMulti_andAMalformedMulti_andSessionChanges_comeBackTheSame() throws Exception {
        MultiRecords.Ops ops = new MultiRecords.Ops(List.of(
                new MultiRecords.Op(OpCode.CREATE, new CreateRequest("/m", new byte[0], OPEN, 0)),
                new MultiRecords.Op(OpCode.SET_DATA, new SetDataRequest("/m", new byte[] {9}, -1))));
        Proposal multi = new Proposal(Proposal.REQUEST, 1, 7, 5, OpCode.MULTI, 10, List.of(), ops, false, 0, 0);
        assertEquals(ops, roundTrip(multi).body());

        Proposal malformed = new Proposal(Proposal.REQUEST, 1, 7, 6, OpCode.MULTI, 10, List.of(), null, true, 0, 0);
        Proposal back = roundTrip(malformed);
        assertTrue(back.malformed());
        assertEquals(null, back.body());

        Proposal create = new Proposal(Proposal.CREATE_SESSION, 2, 0x200000000000009L, 0, OpCode.CREATE_SESSION,
                10, List.of(), null, false, 30_000, 0);
        assertEquals(30_000, roundTrip(create).timeout());

        Proposal move = new Proposal(Proposal.MOVE_SESSION, 3, 0x200000000000009L, 0, OpCode.CREATE_SESSION, 11,
                List.of(), null, false, 20_000, 0);
        Proposal moved = roundTrip(move);
        assertEquals(Proposal.MOVE_SESSION, moved.kind());
        assertEquals(3, moved.origin(), "the member the client moved to");
        assertEquals(20_000, moved.timeout());
    }
}

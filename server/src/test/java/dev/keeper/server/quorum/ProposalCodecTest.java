package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void aBatch_comesBackAsItsProposals_inOrder() throws Exception {
        Proposal a = new Proposal(Proposal.REQUEST, 2, 7, 1, OpCode.SET_DATA, 10, List.of(),
                new SetDataRequest("/a", new byte[] {1}, -1), false, 0, 0);
        Proposal b = new Proposal(Proposal.CLOSE_SESSION, 2, 7, 2, OpCode.CLOSE_SESSION, 11, List.of(), null, false,
                0, 0);
        Proposal c = new Proposal(Proposal.REQUEST, 2, 8, 9, OpCode.CREATE, 12, List.of(new Id("ip", "10.0.0.1")),
                new CreateRequest("/c", new byte[0], OPEN, 0), false, 0, 0);
        byte[] entry = ProposalCodec.entry(List.of(codec.encode(a), codec.encode(b), codec.encode(c)));
        List<Proposal> back = codec.decodeAll(ByteBuffer.wrap(entry));
        assertEquals(3, back.size());
        assertEquals(a.body(), back.get(0).body());
        assertEquals(Proposal.CLOSE_SESSION, back.get(1).kind());
        assertEquals(2, back.get(1).cxid());
        assertEquals(c.body(), back.get(2).body());
        assertEquals(c.auth(), back.get(2).auth());

        // one proposal alone is written as before batches existed: logs from then still read
        byte[] single = ProposalCodec.entry(List.of(codec.encode(a)));
        assertEquals(List.of(a.body()), codec.decodeAll(ByteBuffer.wrap(single)).stream().map(Proposal::body).toList());
    }

    @Test
    void aDamagedBatch_isRefused_neverHalfRead() {
        byte[] entry = ProposalCodec.entry(List.of(
                codec.encode(new Proposal(Proposal.CLOSE_SESSION, 1, 7, 1, OpCode.CLOSE_SESSION, 1, List.of(), null,
                        false, 0, 0)),
                codec.encode(new Proposal(Proposal.CLOSE_SESSION, 1, 8, 2, OpCode.CLOSE_SESSION, 1, List.of(), null,
                        false, 0, 0))));
        for (int cut = 1; cut < entry.length; cut++) {
            ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(entry, cut));
            assertThrows(java.io.IOException.class, () -> codec.decodeAll(truncated), "cut at " + cut);
        }
        byte[] longer = java.util.Arrays.copyOf(entry, entry.length + 1);
        assertThrows(java.io.IOException.class, () -> codec.decodeAll(ByteBuffer.wrap(longer)));
        byte[] huge = entry.clone();
        huge[1] = 0x7f; // count
        assertThrows(java.io.IOException.class, () -> codec.decodeAll(ByteBuffer.wrap(huge)));
    }
}

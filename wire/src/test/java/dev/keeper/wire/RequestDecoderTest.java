package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestDecoder}: a request frame is a {@link RequestHeader} and the opcode's record. Frames are built
 * with the zookeeper-jute records' own {@code serialize}, as a stock client builds them.
 */
class RequestDecoderTest {
    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
    private static final MultiHeader DONE = new MultiHeader(-1, true, -1);
    private static final RequestDecoder DECODER = new RequestDecoder(Jute.DEFAULT_MAX_BUFFER);

    /**
     * One request record per opcode that has one: every field set to something other than its default. Also the
     * fuzz targets' seeds ({@link FuzzSeeds}).
     */
    static final Map<Integer, Record> RECORDS = new LinkedHashMap<>();

    static {
        RECORDS.put(OpCode.CREATE, new CreateRequest("/a", DATA, OPEN, 1));
        RECORDS.put(OpCode.CREATE2, new CreateRequest("/a", DATA, OPEN, 2));
        RECORDS.put(OpCode.CREATE_CONTAINER, new CreateRequest("/a", DATA, OPEN, 4));
        RECORDS.put(OpCode.CREATE_TTL, new CreateTTLRequest("/a", DATA, OPEN, 5, 60_000));
        RECORDS.put(OpCode.DELETE, new DeleteRequest("/a", 3));
        RECORDS.put(OpCode.DELETE_CONTAINER, new DeleteContainerRecord("/a"));
        RECORDS.put(OpCode.EXISTS, new ExistsRequest("/a", true));
        RECORDS.put(OpCode.GET_DATA, new GetDataRequest("/a", true));
        RECORDS.put(OpCode.SET_DATA, new SetDataRequest("/a", DATA, 7));
        RECORDS.put(OpCode.GET_ACL, new GetACLRequest("/a"));
        RECORDS.put(OpCode.SET_ACL, new SetACLRequest("/a", OPEN, 2));
        RECORDS.put(OpCode.GET_CHILDREN, new GetChildrenRequest("/a", true));
        RECORDS.put(OpCode.GET_CHILDREN2, new GetChildren2Request("/a", true));
        RECORDS.put(OpCode.SYNC, new SyncRequest("/a"));
        RECORDS.put(OpCode.CHECK, new CheckVersionRequest("/a", 4));
        RECORDS.put(OpCode.RECONFIG, new ReconfigRequest("server.4=h:1:2", "3", "", 9));
        RECORDS.put(OpCode.CHECK_WATCHES, new CheckWatchesRequest("/a", 1));
        RECORDS.put(OpCode.REMOVE_WATCHES, new RemoveWatchesRequest("/a", 3));
        RECORDS.put(OpCode.AUTH, new AuthPacket(0, "digest", "u:p".getBytes(StandardCharsets.UTF_8)));
        RECORDS.put(OpCode.SET_WATCHES, new SetWatches(0x42, List.of("/d"), List.of("/e"), List.of("/c")));
        RECORDS.put(OpCode.SASL, new GetSASLRequest(DATA));
        RECORDS.put(OpCode.GET_EPHEMERALS, new GetEphemeralsRequest("/a"));
        RECORDS.put(OpCode.GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/a"));
        RECORDS.put(OpCode.SET_WATCHES2, new SetWatches2(0x42, List.of("/d"), List.of("/e"), List.of("/c"),
                List.of("/p"), List.of("/r")));
        RECORDS.put(OpCode.ADD_WATCH, new AddWatchRequest("/a", 1));
    }

    @Test
    void everyOpcodeWithARecord_decodesToThatRecord() throws IOException {
        for (Map.Entry<Integer, Record> e : RECORDS.entrySet()) {
            Request r = decode(frame(17, e.getKey(), Bytes.jute(e.getValue())));
            String what = OpCode.name(e.getKey());
            assertEquals(17, r.xid(), what);
            assertEquals(e.getKey(), r.opCode(), what);
            assertFalse(r.malformed(), what);
            assertEquals(e.getValue(), r.body(), what);
        }
    }

    @Test
    void theRecordTable_coversEveryOpcodeTheDecoderHasARecordFor() throws IllegalAccessException {
        TreeSet<String> missing = new TreeSet<>();
        for (Field f : OpCode.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !f.getName().startsWith("XID_")) {
                int op = f.getInt(null);
                if (RequestDecoder.recordFor(op) != null && !RECORDS.containsKey(op)) {
                    missing.add(f.getName());
                }
            }
        }
        assertEquals(new TreeSet<>(), missing);
    }

    @Test
    void aTruncatedBody_forEveryOpcodeWithARecord_isMalformed_keepingXidAndOpcode() throws IOException {
        for (Map.Entry<Integer, Record> e : RECORDS.entrySet()) {
            byte[] body = Bytes.jute(e.getValue());
            for (int cut = 0; cut < body.length; cut++) {
                Request r = decode(frame(5, e.getKey(), Arrays.copyOf(body, cut)));
                String what = OpCode.name(e.getKey()) + " cut at " + cut + " of " + body.length;
                assertTrue(r.malformed(), what);
                assertEquals(5, r.xid(), what);
                assertEquals(e.getKey(), r.opCode(), what);
                assertNull(r.body(), what);
            }
        }
    }

    @Test
    void aLengthFieldOutOfRange_isMalformed() throws IOException {
        // A path whose length says 2 GB: the archive refuses it before allocating anything.
        Request r = decode(frame(5, OpCode.GET_DATA, Bytes.fields(d -> {
            d.writeInt(Integer.MAX_VALUE);
            d.writeByte('/');
        })));
        assertTrue(r.malformed());
    }

    @Test
    void bytesAfterTheRecord_areIgnored_asZooKeeperIgnoresThem() throws IOException {
        // RequestRecord deserializes from the frame's buffer and never checks that it was used up.
        Record req = new GetDataRequest("/a", false);
        Request r = decode(frame(5, OpCode.GET_DATA, Bytes.concat(Bytes.jute(req), new byte[] {1, 2, 3})));
        assertFalse(r.malformed());
        assertEquals(req, r.body());
    }

    @Test
    void opcodesWithoutABody_andUnknownOpcodes_decodeToNoBody() throws IOException {
        for (int op : new int[] {OpCode.PING, OpCode.CLOSE_SESSION, OpCode.WHO_AM_I, 999, -77}) {
            Request r = decode(frame(3, op, new byte[0]));
            assertEquals(op, r.opCode());
            assertNull(r.body(), OpCode.name(op));
            assertFalse(r.malformed(), OpCode.name(op));
        }
    }

    @Test
    void aFrameShorterThanARequestHeader_breaksTheConnection() {
        for (int size = 0; size < 8; size++) {
            byte[] shortFrame = new byte[size];
            assertThrows(IOException.class, () -> DECODER.decode(Unpooled.wrappedBuffer(shortFrame)),
                    size + " bytes");
        }
    }

    @Test
    void multiOfWrites_decodesEveryOp() throws IOException {
        List<MultiRecords.Op> ops = List.of(
                new MultiRecords.Op(OpCode.CREATE, new CreateRequest("/a", DATA, OPEN, 0)),
                new MultiRecords.Op(OpCode.CREATE2, new CreateRequest("/b", DATA, OPEN, 3)),
                new MultiRecords.Op(OpCode.CREATE_CONTAINER, new CreateRequest("/c", DATA, OPEN, 4)),
                new MultiRecords.Op(OpCode.CREATE_TTL, new CreateTTLRequest("/d", DATA, OPEN, 6, 1000)),
                new MultiRecords.Op(OpCode.DELETE, new DeleteRequest("/e", -1)),
                new MultiRecords.Op(OpCode.SET_DATA, new SetDataRequest("/f", DATA, 2)),
                new MultiRecords.Op(OpCode.CHECK, new CheckVersionRequest("/g", 1)));
        Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(MultiRecords.request(ops))));
        assertFalse(r.malformed());
        assertEquals(new MultiRecords.Ops(ops), r.body());
    }

    @Test
    void multiReadOfReads_decodesEveryOp() throws IOException {
        List<MultiRecords.Op> ops = List.of(
                new MultiRecords.Op(OpCode.GET_CHILDREN, new GetChildrenRequest("/a", false)),
                new MultiRecords.Op(OpCode.GET_DATA, new GetDataRequest("/b", false)));
        Request r = decode(frame(9, OpCode.MULTI_READ, Bytes.jute(MultiRecords.request(ops))));
        assertFalse(r.malformed());
        assertEquals(new MultiRecords.Ops(ops), r.body());
    }

    @Test
    void emptyMulti_isValid() throws IOException {
        for (int op : new int[] {OpCode.MULTI, OpCode.MULTI_READ}) {
            Request r = decode(frame(9, op, Bytes.jute(DONE)));
            assertFalse(r.malformed());
            assertEquals(new MultiRecords.Ops(List.of()), r.body());
        }
    }

    @Test
    void multiMixingReadsAndWrites_isMalformed_inEitherOrder() throws IOException {
        Record[] writeThenRead = {new MultiHeader(OpCode.SET_DATA, false, -1), new SetDataRequest("/a", DATA, -1),
            new MultiHeader(OpCode.GET_DATA, false, -1), new GetDataRequest("/a", false), DONE};
        Record[] readThenWrite = {new MultiHeader(OpCode.GET_CHILDREN, false, -1), new GetChildrenRequest("/a", false),
            new MultiHeader(OpCode.DELETE, false, -1), new DeleteRequest("/a", -1), DONE};
        for (Record[] body : List.of(writeThenRead, readThenWrite)) {
            for (int op : new int[] {OpCode.MULTI, OpCode.MULTI_READ}) {
                assertTrue(decode(frame(9, op, Bytes.jute(body))).malformed(), OpCode.name(op));
            }
        }
    }

    @Test
    void multiCreateWithAFlagNoCreateModeHas_isMalformed() throws IOException {
        for (int createOp : new int[] {OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER}) {
            for (int flag : new int[] {-1, 7, 99}) {
                Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(new MultiHeader(createOp, false, -1),
                        new CreateRequest("/a", DATA, OPEN, flag), DONE)));
                assertTrue(r.malformed(), OpCode.name(createOp) + " flag " + flag);
            }
        }
    }

    @Test
    void multiCreateWithATtlFlag_isMalformed_forACreateRequestHasNoTtl() throws IOException {
        for (int createOp : new int[] {OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER}) {
            for (int flag : new int[] {5, 6}) {
                Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(new MultiHeader(createOp, false, -1),
                        new CreateRequest("/a", DATA, OPEN, flag), DONE)));
                assertTrue(r.malformed(), OpCode.name(createOp) + " flag " + flag);
            }
        }
    }

    @Test
    void multiCreateWithTheContainerFlag_isACreateContainer() throws IOException {
        for (int createOp : new int[] {OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER}) {
            CreateRequest cr = new CreateRequest("/a", DATA, OPEN, 4);
            Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(new MultiHeader(createOp, false, -1), cr, DONE)));
            assertEquals(new MultiRecords.Ops(List.of(new MultiRecords.Op(OpCode.CREATE_CONTAINER, cr))), r.body(),
                    OpCode.name(createOp));
        }
    }

    @Test
    void multiCreateTtlWithoutATtlFlag_isAPlainCreate_withoutItsTtl() throws IOException {
        int[][] flagToType = {
            {0, OpCode.CREATE}, {3, OpCode.CREATE}, {4, OpCode.CREATE_CONTAINER}, {99, OpCode.CREATE}};
        for (int[] c : flagToType) {
            Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(new MultiHeader(OpCode.CREATE_TTL, false, -1),
                    new CreateTTLRequest("/a", DATA, OPEN, c[0], 1000), DONE)));
            assertEquals(new MultiRecords.Ops(List.of(new MultiRecords.Op(c[1],
                    new CreateRequest("/a", DATA, OPEN, c[0])))), r.body(), "flag " + c[0]);
        }
    }

    @Test
    void multiWithAnOpAMultiCannotHold_isMalformed() throws IOException {
        for (int op : new int[] {OpCode.EXISTS, OpCode.SYNC, OpCode.MULTI, OpCode.SET_ACL, 77}) {
            Request r = decode(frame(9, OpCode.MULTI, Bytes.jute(new MultiHeader(op, false, -1),
                    new ExistsRequest("/a", false), DONE)));
            assertTrue(r.malformed(), OpCode.name(op));
        }
    }

    @Test
    void multiWithoutItsClosingHeader_orCutShort_isMalformed() throws IOException {
        byte[] whole = Bytes.jute(new MultiHeader(OpCode.DELETE, false, -1), new DeleteRequest("/a", -1), DONE);
        for (int cut = 0; cut < whole.length; cut++) {
            Request r = decode(frame(9, OpCode.MULTI, Arrays.copyOf(whole, cut)));
            assertTrue(r.malformed(), "cut at " + cut);
            assertEquals(OpCode.MULTI, r.opCode());
        }
    }

    private static Request decode(byte[] frame) throws IOException {
        return DECODER.decode(Unpooled.wrappedBuffer(frame));
    }

    /** A request frame's payload (what FrameDecoder hands on): header, then body. */
    static byte[] frame(int xid, int opCode, byte[] body) {
        return Bytes.concat(Bytes.jute(new RequestHeader(xid, opCode)), body);
    }
}

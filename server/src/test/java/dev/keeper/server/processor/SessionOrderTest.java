package dev.keeper.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.wire.OpCode;
import dev.keeper.wire.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionOrder}: in an ensemble a read waits for the writes its client sent before it, and only for those.
 * Connections are only keys here, so the test uses one it never touches otherwise.
 */
class SessionOrderTest {
    private final SessionOrder order = new SessionOrder();
    private final dev.keeper.server.net.Connection c = null;

    private static Request read(int xid) {
        return new Request(xid, OpCode.GET_DATA, null, false);
    }

    @Test
    void readsWaitForTheWritesSentBeforeThem_andGoInOrder() {
        assertFalse(order.mustWait(c), "nothing in flight: a read goes at once");
        order.proposed(c, 1, true, 1234);            // write 1
        assertTrue(order.mustWait(c));
        assertEquals(1234, order.receivedAt(c, 1), "kept for its latency: the Raft log does not carry it");
        order.defer(c, read(2), 0);               // read after write 1
        order.proposed(c, 3, true, 0);               // write 3
        order.defer(c, read(4), 0);               // read after write 3
        List<SessionOrder.Deferred> first = order.applied(c, 1);
        assertEquals(0, order.receivedAt(c, 1), "forgotten once applied");
        assertEquals(List.of(2), first.stream().map(d -> d.request().xid()).toList(),
                "write 1 applied: the read sent after it goes, the one after write 3 still waits");
        assertTrue(order.mustWait(c));
        List<SessionOrder.Deferred> second = order.applied(c, 3);
        assertEquals(List.of(4), second.stream().map(d -> d.request().xid()).toList());
        assertFalse(order.mustWait(c), "all applied: reads go at once again");
    }

    @Test
    void standalone_tracksNothing() {
        order.proposed(c, 1, false, 0);
        assertFalse(order.mustWait(c));
        assertFalse(order.sent(c, 1));
        assertTrue(order.applied(c, 1).isEmpty());
    }

    /**
     * A write applied here that this connection did not send — sent on an earlier connection of the same session,
     * before its client reconnected here — is not this connection's: not answered on it, and its reads still wait
     * for their own write.
     */
    @Test
    void aWriteTheConnectionDidNotSend_isNotItsToAnswer_andReleasesNoneOfItsReads() {
        order.proposed(c, 7, true, 0);
        order.defer(c, read(8), 0);
        assertTrue(order.sent(c, 7));
        assertFalse(order.sent(c, 3), "xid 3 came on an earlier connection");
        assertTrue(order.applied(c, 3).isEmpty(), "applying it releases nothing");
        assertTrue(order.mustWait(c));
        assertEquals(List.of(8), order.applied(c, 7).stream().map(d -> d.request().xid()).toList());
        assertFalse(order.sent(c, 7), "answered: no longer in the log");
    }
}

package dev.keeper.server.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keeper.server.config.Peer;
import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.ErrorCode;
import java.util.List;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.junit.jupiter.api.Test;

/**
 * reconfig's checks in ZooKeeper's order ({@code PrepRequestProcessor}): the first that fails decides the error,
 * and one that passes gives the new members.
 */
class ReconfigOpTest {
    private static final List<Id> SUPER = List.of(new Id("super", ""));
    private static final List<Peer> THREE = List.of(
            Peer.parse(1, "127.0.0.1:2001:3001:participant;127.0.0.1:4001"),
            Peer.parse(2, "127.0.0.1:2002:3002:participant;127.0.0.1:4002"),
            Peer.parse(3, "127.0.0.1:2003:3003:participant;127.0.0.1:4003"));
    private static final long VERSION = 0x100000000L;

    private final DataTree tree = new DataTree(false);

    private static ReconfigOp.Ensemble ensemble(boolean enabled, boolean replicated, boolean inProgress) {
        return new ReconfigOp.Ensemble(enabled, replicated, inProgress, THREE, VERSION);
    }

    private int refused(ReconfigRequest r, ReconfigOp.Ensemble e, List<Id> auth) {
        return assertThrows(OpError.class, () -> ReconfigOp.plan(r, e, tree, auth)).code();
    }

    @Test
    void theChecksComeInZooKeepersOrder() {
        ReconfigRequest stale = new ReconfigRequest(null, "3", null, VERSION + 1);
        assertEquals(ErrorCode.RECONFIG_DISABLED, refused(stale, ensemble(false, true, true), List.of()));
        assertEquals(ErrorCode.UNIMPLEMENTED, refused(stale, ensemble(true, false, true), List.of()));
        assertEquals(ErrorCode.RECONFIG_IN_PROGRESS, refused(stale, ensemble(true, true, true), List.of()));
        assertEquals(ErrorCode.BAD_VERSION, refused(stale, ensemble(true, true, false), List.of()));
        // arguments before permission: a client without auth asking for one voter hears BadArguments
        assertEquals(ErrorCode.BAD_ARGUMENTS,
                refused(new ReconfigRequest(null, "2,3", null, -1), ensemble(true, true, false), List.of()));
        assertEquals(ErrorCode.NO_AUTH,
                refused(new ReconfigRequest(null, "3", null, -1), ensemble(true, true, false), List.of()));
    }

    @Test
    void malformedServerLines_areBadArguments() {
        ReconfigOp.Ensemble e = ensemble(true, true, false);
        for (String joining : List.of("server.4=127.0.0.1:2004", "server.4=127.0.0.1:2004:3004:participant",
                "server.4", "server.4=127.0.0.1:2001:3004:participant;127.0.0.1:4004")) {
            assertEquals(ErrorCode.BAD_ARGUMENTS, refused(new ReconfigRequest(joining, null, null, -1), e, SUPER),
                    joining);
        }
        assertEquals(ErrorCode.BAD_ARGUMENTS,
                refused(new ReconfigRequest(null, null, "server.1=127.0.0.1:2001:3001:participant;4001,bogus=1",
                        -1), e, SUPER));
    }

    @Test
    void incrementalAndWholeLists_giveTheNewMembers() throws OpError {
        ReconfigOp.Ensemble e = ensemble(true, true, false);
        List<Peer> next = ReconfigOp.plan(new ReconfigRequest(
                "server.4=127.0.0.1:2004:3004:observer;127.0.0.1:4004", "3", null, VERSION), e, tree, SUPER);
        assertEquals(List.of(1L, 2L, 4L), next.stream().map(Peer::id).toList());
        assertEquals(true, next.get(2).observer());

        List<Peer> whole = ReconfigOp.plan(new ReconfigRequest(null, null,
                "server.1=127.0.0.1:2001:3001:participant;127.0.0.1:4001,"
                        + "server.2=127.0.0.1:2002:3002:participant;127.0.0.1:4002", -1), e, tree, SUPER);
        assertEquals(THREE.subList(0, 2), whole);
    }
}

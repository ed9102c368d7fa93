package dev.keeper.server.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.server.testing.ZooKeeperSessionIds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Session ids and passwords against ZooKeeper 3.9.5's own code ({@link ZooKeeperSessionIds}): the first id a
 * tracker starts from ({@code SessionTrackerImpl.initializeNextSessionId}) and the password of an id
 * ({@code ZooKeeperServer.generatePasswd}), compared exactly, for every server id and many ids.
 */
class SessionIdsTest {
    @Test
    void firstSessionId_isZooKeepersInitializeNextSessionId_forEveryServerId() {
        // Each server id several times over: the calls spread over a few milliseconds, so over several times.
        for (int round = 0; round < 4; round++) {
            for (long serverId = 0; serverId <= 255; serverId++) {
                ZooKeeperSessionIds.FirstId zk = ZooKeeperSessionIds.firstSessionId(serverId);
                assertEquals(Long.toHexString(zk.id()),
                        Long.toHexString(SessionIds.first(zk.elapsedMillis(), serverId)),
                        "server id " + serverId + " at elapsed ms " + zk.elapsedMillis());
            }
        }
    }

    @Test
    void password_isZooKeepersGeneratePasswd_byteForByte() {
        long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0XB3415C00L, ~0XB3415C00L};
        for (long id : edges) {
            assertArrayEquals(ZooKeeperSessionIds.password(id), SessionIds.password(id), "id " + Long.toHexString(id));
        }
        Random random = new Random(20261206);
        for (int i = 0; i < 10_000; i++) {
            long id = random.nextLong();
            assertArrayEquals(ZooKeeperSessionIds.password(id), SessionIds.password(id), "id " + Long.toHexString(id));
        }
    }

    @Test
    void passwordsOfAServersFirstSessions_areZooKeepers() {
        for (long serverId : new long[] {0, 1, 2, 128, 255}) {
            long first = ZooKeeperSessionIds.firstSessionId(serverId).id();
            for (long id = first; id < first + 1_000; id++) {
                assertArrayEquals(ZooKeeperSessionIds.password(id), SessionIds.password(id),
                        "id " + Long.toHexString(id));
            }
        }
    }
}

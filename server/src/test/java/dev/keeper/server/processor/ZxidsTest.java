package dev.keeper.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Zxids}: epochs from Raft terms, counters within them; a function of (term, last zxid) alone. */
class ZxidsTest {
    @Test
    void standalone_countsOnInTheTreesEpoch() {
        assertEquals(1, Zxids.next(Zxids.NO_TERM, 0));
        assertEquals(0x5_0000_0008L, Zxids.next(Zxids.NO_TERM, 0x5_0000_0007L));
    }

    @Test
    void aLaterTerm_startsItsEpochAtCounterOne_andTheSameTermCountsOn() {
        assertEquals(0x1_0000_0001L, Zxids.next(1, 0), "the first transaction of term 1");
        assertEquals(0x1_0000_0002L, Zxids.next(1, 0x1_0000_0001L));
        assertEquals(0x3_0000_0001L, Zxids.next(3, 0x1_0000_0002L), "term 3 follows term 1: epoch 3");
    }

    @Test
    void aTreeWhoseEpochIsAheadOfTheTerm_keepsItsEpoch_soZxidsOnlyRise() {
        // a ZooKeeper data directory imported at epoch 5 into an ensemble whose Raft term is 2
        assertEquals(0x5_0000_000AL, Zxids.next(2, 0x5_0000_0009L));
        assertEquals(0x6_0000_0001L, Zxids.next(6, 0x5_0000_000AL));
    }
}

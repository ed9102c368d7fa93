package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** A partial run's page replaces the sections it re-ran in latest.md and keeps the rest, with its own header. */
class ReportMergeTest {
    private static final String FULL = """
            # Keeper vs ZooKeeper 3.9.5: benchmark

            - Started A.

            ## Load

            load table A

            ## Memory and fan-out

            memory table A

            ## Durable writes (fsync on for both: forceSync=yes)

            durable table A

            ## Problems seen during the run

            - problem A
            """;

    private static final String DURABLE_ONLY = """
            # Keeper vs ZooKeeper 3.9.5: benchmark

            - Started B.

            ## Durable writes (fsync on for both: forceSync=yes)

            durable table B
            """;

    @Test
    void partialRun_replacesItsSections_andCarriesTheOthersWithTheirHeader() {
        String merged = ReportMerge.merge(DURABLE_ONLY, FULL, EnumSet.of(Options.Phase.DURABLE));
        assertTrue(merged.startsWith(DURABLE_ONLY.stripTrailing()), merged);
        assertTrue(merged.contains(ReportMerge.CARRIED + "# Keeper vs ZooKeeper 3.9.5: benchmark\n\n- Started A."));
        assertTrue(merged.contains("load table A") && merged.contains("memory table A"), merged);
        assertTrue(merged.contains("- problem A"), merged);
        assertFalse(merged.contains("durable table A"), merged);
        assertEquals(1, merged.split("## Durable writes", -1).length - 1);
    }

    @Test
    void aSecondPartialRun_dropsBlocksWithNothingLeft() {
        String first = ReportMerge.merge(DURABLE_ONLY, FULL, EnumSet.of(Options.Phase.DURABLE));
        String second = ReportMerge.merge(DURABLE_ONLY.replace("B", "C"), first, EnumSet.of(Options.Phase.DURABLE));
        assertTrue(second.contains("durable table C"));
        assertFalse(second.contains("durable table B"), second);
        assertFalse(second.contains("Started B"), second); // its only section was replaced
        assertTrue(second.contains("load table A"));
        assertEquals(1, second.split("\\*Carried over", -1).length - 1, second);
    }

    @Test
    void noPreviousPage_isJustTheNewOne() {
        assertEquals(DURABLE_ONLY.stripTrailing() + "\n\n", ReportMerge.merge(DURABLE_ONLY, null,
                EnumSet.of(Options.Phase.DURABLE)));
    }
}

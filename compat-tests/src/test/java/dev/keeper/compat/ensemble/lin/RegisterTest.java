package dev.keeper.compat.ensemble.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegisterTest {
    private static final Register AT_3 = new Register("a", 3);

    @Test
    void write_setsTheDataAndAddsOneToTheVersion_whateverTheVersion() {
        assertEquals(new Register("b", 4), AT_3.step(Operation.write(1, "/k", "b", 4, 0, 1)));
        assertEquals(new Register("b", 4), AT_3.step(Operation.write(1, "/k", "b", -1, 0, 1)), "version not known");
    }

    @Test
    void write_toldAnotherVersion_doesNotFit() {
        assertNull(AT_3.step(Operation.write(1, "/k", "b", 7, 0, 1)));
        assertTrue(AT_3.whyNot(Operation.write(1, "/k", "b", 7, 0, 1)).contains("told version 7"));
    }

    @Test
    void cas_succeedsOnlyFromTheVersionItExpects() {
        assertEquals(new Register("b", 4), AT_3.step(Operation.cas(1, "/k", "b", 3, 4, 0, 1)));
        assertNull(AT_3.step(Operation.cas(1, "/k", "b", 2, 3, 0, 1)));
        assertTrue(AT_3.whyNot(Operation.cas(1, "/k", "b", 2, 3, 0, 1)).contains("expecting version 2"));
    }

    @Test
    void badVersion_fitsOnlyWhenTheVersionDiffers_andChangesNothing() {
        assertSame(AT_3, AT_3.step(Operation.badVersion(1, "/k", "b", 2, 0, 1)));
        assertNull(AT_3.step(Operation.badVersion(1, "/k", "b", 3, 0, 1)));
    }

    @Test
    void read_fitsOnlyTheDataAndVersionHeld() {
        assertSame(AT_3, AT_3.step(Operation.read(1, "/k", "a", 3, 0, 1)));
        assertNull(AT_3.step(Operation.read(1, "/k", "a", 2, 0, 1)));
        assertNull(AT_3.step(Operation.read(1, "/k", "x", 3, 0, 1)));
    }

    @Test
    void unknownOutcome_doesWhatItWouldDoHere() {
        assertEquals(new Register("b", 4), AT_3.step(Operation.unknown(1, "/k", "b", -1, 0, 1)));
        assertEquals(new Register("b", 4), AT_3.step(Operation.unknown(1, "/k", "b", 3, 0, 1)));
        assertSame(AT_3, AT_3.step(Operation.unknown(1, "/k", "b", 5, 0, 1)), "a CAS expecting another version");
        assertNull(AT_3.whyNot(Operation.unknown(1, "/k", "b", 5, 0, 1)));
    }
}

package dev.keeper.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionOwnersTest {

    @Test
    void aSessionMovedElsewhere_mayNotWriteFromItsOldMember() {
        SessionOwners owners = new SessionOwners();
        owners.attach(0x100L, 1);
        assertTrue(owners.mayWrite(0x100L, 1));
        owners.attach(0x100L, 2);
        assertFalse(owners.mayWrite(0x100L, 1), "the old member's connection has been left");
        assertTrue(owners.mayWrite(0x100L, 2));
    }

    @Test
    void anUnownedSession_isClaimedByTheFirstMemberThatWrites() {
        SessionOwners owners = new SessionOwners();
        assertTrue(owners.mayWrite(0x200L, 3));
        assertEquals(3, owners.owner(0x200L));
        assertFalse(owners.mayWrite(0x200L, 1));
    }

    @Test
    void theBytes_giveBackTheSameOwners_andOnlyLiveSessionsAreKept() throws IOException {
        SessionOwners owners = new SessionOwners();
        for (long s = 1; s <= 100; s++) {
            owners.attach(s, 1 + s % 3);
        }
        owners.remove(7);
        SessionOwners back = SessionOwners.fromBytes(owners.toBytes());
        assertEquals(99, back.size());
        for (long s = 1; s <= 100; s++) {
            assertEquals(s == 7 ? 0 : 1 + s % 3, back.owner(s), "session " + s);
        }
        back.retainAll(Set.of(1L, 2L, 500L));
        assertEquals(2, back.size());
        assertEquals(99, owners.size(), "what the bytes gave back is a separate set");
    }

    @Test
    void damagedOrForeignBytes_areRefused() {
        SessionOwners owners = new SessionOwners();
        owners.attach(42, 2);
        byte[] b = owners.toBytes();
        b[12] ^= 1;
        assertThrows(IOException.class, () -> SessionOwners.fromBytes(b), "a flipped bit fails the checksum");
        assertThrows(IOException.class, () -> SessionOwners.fromBytes(new byte[] {1, 2, 3}));
        byte[] truncated = Arrays.copyOf(owners.toBytes(), 24);
        assertThrows(IOException.class, () -> SessionOwners.fromBytes(truncated));
    }
}

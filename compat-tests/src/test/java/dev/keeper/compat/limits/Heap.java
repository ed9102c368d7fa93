package dev.keeper.compat.limits;

import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * What the limits tests measure memory by: the heap in use right after a full collection (MemoryMXBean), which is
 * what is still referenced, not what garbage happens to be lying about. The server runs in the test's JVM, and
 * that JVM holds little else (the test's own clients), so a difference between two readings is the server's.
 *
 * <p>Netty's pooled direct memory is read too: the server encodes its output into direct buffers, so a client's
 * unread replies are there rather than on the heap.
 */
final class Heap {
    /** Two readings this close are taken as settled: nothing was still being freed. */
    private static final long SETTLED = 256 << 10;

    private Heap() {
    }

    /** Used heap after {@code System.gc()}, repeated until two readings agree (at most five). */
    static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < SETTLED) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }

    /** Direct memory Netty's default (pooled) allocator holds: the server's I/O buffers, in use or pooled. */
    static long nettyDirect() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}

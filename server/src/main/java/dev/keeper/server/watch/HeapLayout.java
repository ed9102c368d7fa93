package dev.keeper.server.watch;

import java.lang.management.ManagementFactory;

/**
 * How many bytes HotSpot gives an object, an array and a String in this JVM: the figures the console shows for
 * what watches cost are computed from the tables' real shapes with these, not sampled. With compressed oops (heaps
 * under 32 GiB, the default) a reference is 4 bytes and an object header 12; without, 8 and 16. Objects are
 * aligned to {@code ObjectAlignmentInBytes} (8 by default). A heap histogram ({@code jcmd GC.class_histogram})
 * counts the same bytes.
 */
public record HeapLayout(int reference, int header, int arrayHeader, int align) {
    /** Read once from the running JVM's flags; the usual 64-bit defaults when they cannot be read. */
    public static HeapLayout current() {
        boolean compressedOops = flag("UseCompressedOops", "true").equals("true");
        boolean compressedClass = flag("UseCompressedClassPointers", "true").equals("true");
        int align = Integer.parseInt(flag("ObjectAlignmentInBytes", "8"));
        int header = compressedClass ? 12 : 16;
        return new HeapLayout(compressedOops ? 4 : 8, header, header + 4, align);
    }

    private static String flag(String name, String otherwise) {
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return otherwise;
        }
    }

    long aligned(long bytes) {
        return (bytes + align - 1) / align * align;
    }

    /** An object with {@code refs} reference fields and {@code primitiveBytes} bytes of other fields. */
    long object(int refs, int primitiveBytes) {
        return aligned(header + (long) refs * reference + primitiveBytes);
    }

    long referenceArray(int length) {
        return aligned(arrayHeader + (long) length * reference);
    }

    long byteArray(int length) {
        return aligned(arrayHeader + (long) length);
    }

    /** A String of {@code s}'s length: its object (value, hash, coder, hashIsZero) and its byte array. */
    long string(String s) {
        boolean latin1 = true;
        for (int i = 0; i < s.length() && latin1; i++) {
            latin1 = s.charAt(i) < 256;
        }
        return object(1, 4 + 1 + 1) + byteArray(latin1 ? s.length() : s.length() * 2);
    }
}

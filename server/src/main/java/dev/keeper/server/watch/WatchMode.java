package dev.keeper.server.watch;

/**
 * The kinds of watch a watcher can hold on one path, as bits ({@code WatcherMode} and {@code WatchStats}):
 * a path may carry a one-shot watch and a persistent one for the same watcher at once.
 */
public final class WatchMode {
    public static final byte STANDARD = 1;
    public static final byte PERSISTENT = 2;
    public static final byte PERSISTENT_RECURSIVE = 4;

    private WatchMode() {
    }

    /** {@code AddWatchMode}: 0 is PERSISTENT, 1 is PERSISTENT_RECURSIVE. */
    public static byte fromAddWatchMode(int mode) {
        return switch (mode) {
            case 0 -> PERSISTENT;
            case 1 -> PERSISTENT_RECURSIVE;
            default -> throw new IllegalArgumentException("Unsupported mode: " + mode);
        };
    }
}

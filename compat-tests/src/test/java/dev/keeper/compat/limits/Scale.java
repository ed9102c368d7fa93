package dev.keeper.compat.limits;

/**
 * How big the limits tests run: 1 in CI (each test within its stated time on 2 cores), larger for a soak with
 * {@code -Dkeeper.limits.scale=10}, which multiplies the counts each test names as scaled.
 */
final class Scale {
    static final int FACTOR = Math.max(1, Integer.getInteger("keeper.limits.scale", 1));

    private Scale() {
    }

    static int of(int ciCount) {
        return Math.multiplyExact(ciCount, FACTOR);
    }
}

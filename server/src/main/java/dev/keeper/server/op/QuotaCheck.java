package dev.keeper.server.op;

import dev.keeper.server.tree.QuotaUse;
import dev.keeper.wire.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code zookeeper.enforceQuota=true}, as ZooKeeper 3.9.5's {@code ZooKeeperServer.checkQuota} enforces it: a
 * create (one more node, its data's bytes) or a setData (the data's change in bytes) under a path with a quota is
 * checked against the quota's stats. Past a hard limit ({@code countHardLimit}, {@code byteHardLimit}:
 * {@code setquota -N}/{@code -B}) the write is refused, QuotaExceeded; past a soft one ({@code -n}/{@code -b}) it
 * is logged ("Quota exceeded") and goes ahead. A hard limit, when set, is the one compared; the count includes the
 * quota's own node. Without the flag nothing is checked and nothing logged, as in ZooKeeper.
 */
final class QuotaCheck {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaCheck.class);
    /**
     * ZooKeeper's {@code RateLogger}: a warning is logged at once unless it repeats the one before within 100 ms;
     * repeats are counted and logged as "[N times]" when the window has passed or another warning comes. Only
     * the processor thread checks quotas.
     */
    private static final long REPEAT_WINDOW_MS = 100;
    private static String lastWarning;
    private static long lastWarnedAt;
    private static int repeats;

    private QuotaCheck() {
    }

    static void create(Prep p, String path, byte[] data) throws OpError {
        if (p.enforceQuota()) {
            check(p, p.view().quota(path), data == null ? 0 : data.length, 1);
        }
    }

    static void setData(Prep p, String path, byte[] oldData, byte[] data) throws OpError {
        if (p.enforceQuota()) {
            long diff = (data == null ? 0 : data.length) - (oldData == null ? 0 : oldData.length);
            check(p, p.view().quota(path), diff, 0);
        }
    }

    private static void check(Prep p, QuotaUse q, long bytesDiff, long countDiff) throws OpError {
        if (q == null) {
            return;
        }
        try {
            limit(q.root(), "count", "Count", q.count(), countDiff, q.countLimit(), q.countHardLimit());
            limit(q.root(), "bytes", "Byte", q.bytes(), bytesDiff, q.bytesLimit(), q.byteHardLimit());
        } catch (OpError refused) {
            // ZooKeeperServer.updateQuotaExceededMetrics: counted under the quota root's first component
            p.quotaExceeded().accept(q.namespace());
            throw refused;
        }
    }

    /** One limit: the hard one when set (it refuses), else the soft one (it warns); -1 is none. */
    private static void limit(String root, String used, String kind, long now, long diff, long soft, long hard)
            throws OpError {
        if (diff == 0 || (soft <= -1 && hard <= -1)) {
            return;
        }
        boolean isHard = hard > -1;
        long limit = isHard ? hard : soft;
        if (now + diff > limit) {
            exceeded(root + " [current " + used + "=" + (now + diff) + ", " + (isHard ? "hard" : "soft") + kind
                    + "Limit=" + limit + "]", isHard);
        }
    }

    private static void exceeded(String what, boolean hard) throws OpError {
        warn("Quota exceeded: " + what);
        if (hard) {
            throw new OpError(ErrorCode.QUOTA_EXCEEDED);
        }
    }

    private static void warn(String message) {
        long now = System.nanoTime() / 1_000_000;
        if (message.equals(lastWarning)) {
            repeats++;
            if (now - lastWarnedAt >= REPEAT_WINDOW_MS) {
                flushRepeats();
                lastWarning = message;
                lastWarnedAt = now;
            }
            return;
        }
        flushRepeats();
        lastWarning = message;
        lastWarnedAt = now;
        LOG.warn("Message:{} Value:{}", message, null);
    }

    private static void flushRepeats() {
        if (lastWarning != null && repeats > 0) {
            LOG.warn("{}Message: {}", repeats > 1 ? "[" + repeats + " times] " : "", lastWarning);
        }
        lastWarning = null;
        repeats = 0;
    }
}

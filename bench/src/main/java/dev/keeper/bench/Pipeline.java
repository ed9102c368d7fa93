package dev.keeper.bench;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * Untimed bulk work (setting up znodes, deleting them, filling the tree for the memory measurement): a fixed
 * number of async requests per session with a window of them outstanding, waiting until every reply is in.
 * A reply code outside the accepted set fails the whole batch, so a server answering wrongly never passes as
 * merely slow.
 */
final class Pipeline {
    private Pipeline() {
    }

    /** Sends request {@code i} of session {@code session}; must call {@code done.accept(rc)} exactly once. */
    interface Request {
        void send(ZooKeeper zk, int session, long i, Reply done);
    }

    /** The reply code of one request. */
    interface Reply {
        void accept(int rc);
    }

    static void run(String what, List<ZooKeeper> sessions, long perSession, int window, Set<KeeperException.Code> ok,
                    long timeoutMs, Request request) throws InterruptedException {
        if (perSession <= 0) {
            return;
        }
        int slots = (int) Math.min(window, perSession);
        CountDownLatch finished = new CountDownLatch(sessions.size() * slots);
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        for (int s = 0; s < sessions.size(); s++) {
            ZooKeeper zk = sessions.get(s);
            int session = s;
            AtomicLong next = new AtomicLong();
            Reply[] onReply = new Reply[1];
            onReply[0] = rc -> {
                KeeperException.Code code = KeeperException.Code.get(rc);
                if (!ok.contains(code)) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, String.valueOf(code));
                }
                long i = next.getAndIncrement();
                if (i < perSession) {
                    request.send(zk, session, i, onReply[0]);
                } else {
                    finished.countDown();
                }
            };
            for (int k = 0; k < slots; k++) {
                request.send(zk, session, next.getAndIncrement(), onReply[0]);
            }
        }
        if (!finished.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(what + ": replies still missing after " + timeoutMs + " ms ("
                    + finished.getCount() + " request slots open)");
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(what + ": " + failures.get() + " requests failed, first with "
                    + firstFailure.get());
        }
    }
}

package dev.keeper.compat.javaclient;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.data.Stat;

/**
 * A fixed number of asynchronous requests in flight, and the result codes they may end with. Used where a test
 * needs thousands of nodes or watches set up: pipelined, they cost one round trip's latency instead of thousands.
 */
final class Outstanding implements AsyncCallback.StringCallback, AsyncCallback.StatCallback,
        AsyncCallback.DataCallback, AsyncCallback.ChildrenCallback, AsyncCallback.VoidCallback {
    private final CountDownLatch remaining;
    private final Set<Code> allowed;
    private final List<String> failures = new ArrayList<>();

    Outstanding(int count, Code... allowed) {
        this.remaining = new CountDownLatch(count);
        this.allowed = Set.of(allowed);
    }

    private void done(int rc, String path) {
        Code code = Code.get(rc);
        if (!allowed.contains(code)) {
            synchronized (failures) {
                failures.add(path + ": " + code);
            }
        }
        remaining.countDown();
    }

    @Override
    public void processResult(int rc, String path, Object ctx, String name) {
        done(rc, path);
    }

    @Override
    public void processResult(int rc, String path, Object ctx, Stat stat) {
        done(rc, path);
    }

    @Override
    public void processResult(int rc, String path, Object ctx, byte[] data, Stat stat) {
        done(rc, path);
    }

    @Override
    public void processResult(int rc, String path, Object ctx, List<String> children) {
        done(rc, path);
    }

    @Override
    public void processResult(int rc, String path, Object ctx) {
        done(rc, path);
    }

    /** Waits for every reply (bounded), then fails if any ended with a code not allowed. */
    void await() throws InterruptedException {
        if (!remaining.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError(remaining.getCount() + " requests still unanswered after 60 s");
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw new AssertionError(failures.size() + " requests failed, first: " + failures.get(0));
            }
        }
    }
}

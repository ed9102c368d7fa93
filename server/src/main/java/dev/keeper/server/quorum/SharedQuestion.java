package dev.keeper.server.quorum;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An asynchronous question asked at most once at a time: whoever comes while it is out waits for the next asking,
 * which begins when the one out is answered, and shares its answer. For questions whose answer must be later than
 * the asker's arrival (a sync's point: {@link LeadershipCheck}), so a later asker cannot take the answer already
 * on its way. Under load each asking serves every sync that came during the last: eight sessions each sending
 * syncs one at a time cost one leadership round (an AppendEntries to each follower and back) per batch, not per
 * sync, and one Raft client request from a follower per batch.
 */
final class SharedQuestion<T> {
    private final Supplier<CompletableFuture<T>> ask;
    /** Guarded by this: whether one asking is out, and the answer those who came since will share. */
    private boolean out;
    private CompletableFuture<T> next;

    SharedQuestion(Supplier<CompletableFuture<T>> ask) {
        this.ask = ask;
    }

    CompletableFuture<T> ask() {
        synchronized (this) {
            if (out) {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                return next;
            }
            out = true;
        }
        return launch();
    }

    private CompletableFuture<T> launch() {
        CompletableFuture<T> answer;
        try {
            answer = ask.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((v, t) -> answered());
        return answer;
    }

    private void answered() {
        CompletableFuture<T> waiting;
        synchronized (this) {
            waiting = next;
            next = null;
            if (waiting == null) {
                out = false;
                return;
            }
        }
        launch().whenComplete((v, t) -> {
            if (t != null) {
                waiting.completeExceptionally(t);
            } else {
                waiting.complete(v);
            }
        });
    }
}

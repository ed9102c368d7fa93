package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A sync's question to the leader is asked once at a time; whoever comes while it is out gets the answer of the
 * next asking, never of the one already out (whose point may be older than their arrival).
 */
class SharedQuestionTest {
    private final List<CompletableFuture<Long>> asked = new ArrayList<>();
    private final SharedQuestion<Long> question = new SharedQuestion<>(() -> {
        CompletableFuture<Long> f = new CompletableFuture<>();
        asked.add(f);
        return f;
    });

    @Test
    void askersWhileOneIsOut_shareTheNextAsking_notTheOneOut() throws Exception {
        CompletableFuture<Long> first = question.ask();
        CompletableFuture<Long> second = question.ask();
        CompletableFuture<Long> third = question.ask();
        assertEquals(1, asked.size(), "one asking out at a time");
        assertSame(second, third, "those who came while it was out share the next");

        asked.get(0).complete(10L);
        assertEquals(10L, first.get());
        assertFalse(second.isDone(), "the answer already on its way is not theirs");
        assertEquals(2, asked.size(), "the next asking begins once the first is answered");

        asked.get(1).complete(11L);
        assertEquals(11L, second.get());
        assertEquals(11L, third.get());

        question.ask();
        assertEquals(3, asked.size(), "nobody waiting: the next asker asks at once");
    }

    @Test
    void aFailedAsking_failsOnlyItsAskers_andTheNextGoesOn() throws Exception {
        CompletableFuture<Long> first = question.ask();
        CompletableFuture<Long> second = question.ask();
        asked.get(0).completeExceptionally(new IllegalStateException("no majority"));
        assertTrue(first.isCompletedExceptionally());
        assertFalse(second.isDone());
        asked.get(1).complete(5L);
        assertEquals(5L, second.get());
    }

    @Test
    void anAskingThatThrows_isAFailedAnswer() {
        SharedQuestion<Long> throwing = new SharedQuestion<>(() -> {
            throw new IllegalStateException("closed");
        });
        CompletableFuture<Long> answer = throwing.ask();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, answer::get);
        assertTrue(e.getCause() instanceof IllegalStateException);
        CompletableFuture<Long> again = throwing.ask();
        assertTrue(again.isCompletedExceptionally(), "and the next asks again rather than wait for ever");
    }
}

package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Which way a member's log entries go: into its own Raft server while it leads, through its client otherwise, and
 * never one way while entries sent the other way are still in flight (one member's entries must reach the log in
 * the order it sent them).
 */
class ProposalSenderTest {
    /** A Raft server division whose role the test sets, and which keeps the requests submitted to it. */
    private static final class FakeDivision {
        volatile boolean leads;
        final List<RaftClientRequest> submitted = new ArrayList<>();
        final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();

        RaftServer.Division proxy() {
            DivisionInfo info = (DivisionInfo) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DivisionInfo.class}, (p, m, args) -> switch (m.getName()) {
                        case "isLeader", "isLeaderReady" -> leads;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            return (RaftServer.Division) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {RaftServer.Division.class, RaftClientAsynchronousProtocol.class},
                    (p, m, args) -> switch (m.getName()) {
                        case "getInfo" -> info;
                        case "submitClientRequestAsync" -> {
                            CompletableFuture<RaftClientReply> f = new CompletableFuture<>();
                            synchronized (this) {
                                submitted.add((RaftClientRequest) args[0]);
                                replies.add(f);
                                notifyAll();
                            }
                            yield f;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        synchronized void awaitSubmitted(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (submitted.size() < n && System.nanoTime() < deadline) {
                wait(100);
            }
            assertEquals(n, submitted.size(), "entries submitted to the member's own Raft server");
        }
    }

    private final FakeDivision division = new FakeDivision();
    private final RaftServer.Division proxy = division.proxy();
    private final List<Message> throughClient = new ArrayList<>();
    private final List<CompletableFuture<RaftClientReply>> clientReplies = new ArrayList<>();

    private ProposalSender sender() {
        return new ProposalSender(RaftPeerId.valueOf("1"), RaftGroupId.randomId(), () -> proxy, m -> {
            CompletableFuture<RaftClientReply> f = new CompletableFuture<>();
            throughClient.add(m);
            clientReplies.add(f);
            return f;
        });
    }

    private static Message entry(String s) {
        return Message.valueOf(ByteString.copyFromUtf8(s));
    }

    @Test
    void aLeader_submitsToItsOwnServer_inOrder() throws Exception {
        division.leads = true;
        try (ProposalSender sender = sender()) {
            sender.send(entry("a"));
            sender.send(entry("b"));
            division.awaitSubmitted(2);
            assertEquals("a", division.submitted.get(0).getMessage().getContent().toStringUtf8());
            assertEquals("b", division.submitted.get(1).getMessage().getContent().toStringUtf8());
            assertTrue(division.submitted.get(0).getCallId() < division.submitted.get(1).getCallId());
            assertTrue(division.submitted.get(0).is(org.apache.ratis.proto.RaftProtos.RaftClientRequestProto
                    .TypeCase.WRITE));
            assertTrue(throughClient.isEmpty());
        }
    }

    @Test
    void aFollower_sendsThroughItsClient() {
        division.leads = false;
        try (ProposalSender sender = sender()) {
            sender.send(entry("a"));
            assertEquals(1, throughClient.size());
            assertTrue(division.submitted.isEmpty());
        }
    }

    @Test
    void aNewLeader_goesOnThroughItsClient_untilWhatItSentThatWayIsAnswered() throws Exception {
        division.leads = false;
        try (ProposalSender sender = sender()) {
            CompletableFuture<RaftClientReply> first = sender.send(entry("a"));
            division.leads = true;
            sender.send(entry("b"));
            assertEquals(2, throughClient.size(), "b may not overtake a, still on its way through the client");
            clientReplies.get(0).complete(null);
            clientReplies.get(1).complete(null);
            first.get(10, TimeUnit.SECONDS);
            sender.send(entry("c"));
            division.awaitSubmitted(1);
            assertEquals(2, throughClient.size());
        }
    }

    @Test
    void aLeaderThatStoppedLeading_refusesEntries_untilItsOwnAreAnswered() throws Exception {
        division.leads = true;
        try (ProposalSender sender = sender()) {
            CompletableFuture<RaftClientReply> own = sender.send(entry("a"));
            division.awaitSubmitted(1);
            division.leads = false;
            CompletableFuture<RaftClientReply> refused = sender.send(entry("b"));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> refused.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, e.toString());
            assertTrue(throughClient.isEmpty(), "b may not go before a through the client");
            division.replies.get(0).completeExceptionally(new IOException("not the leader any more"));
            org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> own.get(10, TimeUnit.SECONDS));
            sender.send(entry("c"));
            assertEquals(1, throughClient.size());
        }
    }
}

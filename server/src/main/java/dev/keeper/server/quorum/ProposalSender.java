package dev.keeper.server.quorum;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.server.RaftServer;

/**
 * How a member's log entries (each a batch of its proposals) reach the leader's log: straight into its own Raft
 * server while it leads, through its Raft client to the leader otherwise.
 *
 * <p>Through the client, a leader's own entry took a gRPC round trip to itself: serialised, sent over loopback and
 * parsed again, and the reply the same way back. Straight in, it is appended as Ratis appends a request its gRPC
 * service received: 0.3 ms less CPU per write (three members in one JVM, one session on the leader, 2.6 to 2.3 ms
 * of the process's CPU). A ZooKeeper leader's own writes go straight into its pipeline too.
 *
 * <p>One member's entries must reach the log in the order it sent them: they hold its sessions' writes, which
 * every member applies in order (ZooKeeper's per-session order). Each path keeps its own order — the client's
 * sliding window, and here one thread submitting in turn — but the two paths could overtake each other when
 * leadership moves, so an entry takes a path only while the other has nothing in flight:
 * <ul>
 *   <li>a member that has just come to lead goes on through its client (to itself) until that has no entry in
 *       flight;
 *   <li>a member that stopped leading while its own entries were in flight refuses further entries until they
 *       are answered (the leader that went fails them, or has committed them). A refused entry's clients lose
 *       their connection, as a ZooKeeper follower drops its clients when its leader goes.
 * </ul>
 */
final class ProposalSender implements AutoCloseable {
    private final RaftPeerId me;
    private final RaftGroupId groupId;
    private final Supplier<RaftServer.Division> division;
    private final Function<Message, CompletableFuture<RaftClientReply>> remote;
    /** Whose requests the local entries are, for Ratis's retry cache. */
    private final ClientId localClient = ClientId.randomId();
    private final AtomicInteger localInFlight = new AtomicInteger();
    private final AtomicInteger remoteInFlight = new AtomicInteger();
    /**
     * Submits local entries one at a time, in order. Not the processor thread itself: appending takes the Raft
     * server's lock, which an election holds, and can wait for room in the log's queue.
     */
    private final ExecutorService submitter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keeper-raft-submit");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param remote sends an entry through the member's Raft client
     */
    ProposalSender(RaftPeerId me, RaftGroupId groupId, Supplier<RaftServer.Division> division,
            Function<Message, CompletableFuture<RaftClientReply>> remote) {
        this.me = me;
        this.groupId = groupId;
        this.division = division;
        this.remote = remote;
    }

    /**
     * Processor thread: sends {@code entry}. The future fails, or gives a reply that is not a success, when the
     * entry may not have been committed.
     */
    CompletableFuture<RaftClientReply> send(Message entry) {
        RaftServer.Division d = division.get();
        if (d instanceof RaftClientAsynchronousProtocol local && leadsReady(d) && remoteInFlight.get() == 0) {
            localInFlight.incrementAndGet();
            CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
            try {
                submitter.execute(() -> submit(local, entry, reply));
            } catch (RuntimeException rejected) { // closed
                reply.completeExceptionally(rejected);
            }
            return reply.whenComplete((r, t) -> localInFlight.decrementAndGet());
        }
        if (localInFlight.get() > 0) {
            return CompletableFuture.failedFuture(new IOException(
                    "leadership moved while this member's own entries were in its log"));
        }
        remoteInFlight.incrementAndGet();
        return remote.apply(entry).whenComplete((r, t) -> remoteInFlight.decrementAndGet());
    }

    private static boolean leadsReady(RaftServer.Division d) {
        return d.getInfo().isLeader() && d.getInfo().isLeaderReady();
    }

    private void submit(RaftClientAsynchronousProtocol local, Message entry, CompletableFuture<RaftClientReply> reply) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localClient)
                .setServerId(me)
                .setGroupId(groupId)
                .setCallId(CallId.getAndIncrement())
                .setMessage(entry)
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            local.submitClientRequestAsync(request).whenComplete((r, t) -> {
                if (t != null) {
                    reply.completeExceptionally(t);
                } else {
                    reply.complete(r);
                }
            });
        } catch (IOException | RuntimeException e) {
            reply.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        submitter.shutdownNow();
    }
}

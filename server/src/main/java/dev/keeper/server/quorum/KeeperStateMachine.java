package dev.keeper.server.quorum;

import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.Proposal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of a member: hands every committed proposal, in log order, to the member's one
 * processor thread, which applies it as it applies a standalone server's writes. Ratis calls
 * {@link #applyTransaction} in commit order on its own thread; the processor's queue keeps that order, and the
 * future Ratis gets completes once the processor has applied the entry.
 *
 * <p>Queries carry what followers tell the leader: the sessions their clients kept alive ({@link SessionTouches}).
 */
final class KeeperStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(KeeperStateMachine.class);
    private static final Message APPLIED = Message.valueOf("");

    private final ProposalCodec codec;
    private final Consumer<Event> processor;
    private final RaftNode node;

    KeeperStateMachine(ProposalCodec codec, Consumer<Event> processor, RaftNode node) {
        this.codec = codec;
        this.processor = processor;
        this.node = node;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Proposal p;
        try {
            p = codec.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (IOException e) {
            // Every member reads the same bytes: none can apply it, and none may skip it.
            throw new IllegalStateException("undecodable proposal at index " + entry.getIndex(), e);
        }
        CompletableFuture<Message> done = new CompletableFuture<>();
        // Ratis moves the applied index itself for the entries it keeps (configuration, a new leader's first
        // entry), in log order on this thread; ours moves with it, as the entry is handed to the processor,
        // whose queue keeps the order.
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        processor.accept(new Event.Apply(p, entry.getTerm(), () -> done.complete(APPLIED)));
        return done;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteBuffer b = request.getContent().asReadOnlyByteBuffer();
        try {
            SessionTouches.Report report = SessionTouches.decode(b);
            node.touchedElsewhere(report);
            return CompletableFuture.completedFuture(APPLIED);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring a query that is not a session report: {}", e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        node.leaderChanged(newLeaderId);
    }
}

package dev.keeper.server.quorum;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * Ratis's gRPC transport with {@link PromptCommitAppender} as the leader's log appender. Ratis takes a transport by
 * class name ({@code raft.rpc.type}), so this is public and has a public no-argument constructor; everything but
 * the appender is Ratis's {@link GrpcFactory}, TLS parameters included. A server's parameters carry its
 * {@link LeadershipCheck}, which each appender reports its follower's answers to; a client's carry none.
 */
public final class PromptCommitRpcType implements RpcType {
    public PromptCommitRpcType() {
    }

    @Override
    public String name() {
        return PromptCommitRpcType.class.getName();
    }

    /** The {@link Parameters} key of the member's {@link LeadershipCheck}, which sees every appender's answers. */
    static final String LEADERSHIP_CHECK = "keeper.leadership.check";

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        LeadershipCheck check = parameters == null ? null : parameters.get(LEADERSHIP_CHECK, LeadershipCheck.class);
        return new GrpcFactory(parameters) {
            @Override
            public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo f) {
                if (check == null) {
                    return new PromptCommitAppender(server, state, f);
                }
                PromptCommitAppender appender = new PromptCommitAppender(server, check.tap(state), f);
                check.started(appender);
                return appender;
            }
        };
    }
}

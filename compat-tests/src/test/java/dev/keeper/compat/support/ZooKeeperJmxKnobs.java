package dev.keeper.compat.support;

import java.util.Set;

/**
 * ZooKeeper 3.9.5's MBean attributes that tune mechanisms this server does not have: its request pipeline's
 * (throttling, commit batching, response caching, write queues, large-request limits, connection tokens), its
 * learners' sync limits and its observer master's. The JMX differential tests expect every other attribute of
 * ZooKeeper's in ours.
 */
public final class ZooKeeperJmxKnobs {
    public static final Set<String> ATTRIBUTES = Set.of("ThrottledOpWaitTime", "FlushDelay",
            "MaxWriteQueuePollTime", "MaxBatchSize", "LargeRequestMaxBytes", "LargeRequestThreshold",
            "ResponseCachingEnabled", "ConnectionMaxTokens", "ConnectionTokenFillTime", "ConnectionTokenFillCount",
            "ConnectionFreezeTime", "ConnectionDropIncrease", "ConnectionDropDecrease", "ConnectionDecreaseRatio",
            "CommitProcMaxReadBatchSize", "CommitProcMaxCommitBatchSize", "RequestThrottleLimit",
            "RequestThrottleStallTime", "RequestThrottleDropStale", "RequestStaleLatencyCheck",
            "RequestStaleConnectionCheck", "MaxConcurrentSnapSyncs", "MaxConcurrentDiffSyncs",
            "ObserverMasterPacketSizeLimit");

    private ZooKeeperJmxKnobs() {
    }
}

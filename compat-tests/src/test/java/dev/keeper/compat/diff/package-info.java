/**
 * The differential compatibility suite: every scenario is played against the real ZooKeeper 3.9.5 and against
 * our server, and what stock clients saw must be the same.
 *
 * <p>How it fits together:
 * <ul>
 *   <li>{@link dev.keeper.compat.diff.Differential} starts both servers with the same settings and plays a
 *       {@link dev.keeper.compat.diff.Scenario} on each, ZooKeeper first (a scenario that fails there is
 *       broken, not a finding);</li>
 *   <li>the scenario drives {@link dev.keeper.compat.diff.Client}s (stock ZooKeeper clients through their
 *       asynchronous API), {@link dev.keeper.compat.diff.RawChannel}s (Jute over a plain socket), Curator, and a
 *       {@link dev.keeper.compat.support.LoopbackProxy} that decides when a client is cut off;</li>
 *   <li>everything they see goes into a {@link dev.keeper.compat.diff.Recorder}, one channel per client, and
 *       becomes a {@link dev.keeper.compat.diff.Transcript} once the {@link dev.keeper.compat.diff.Normaliser}
 *       has rewritten what may differ: zxids as offsets from the scenario's base, times as "the time of
 *       transaction z+n", session ids as S1, S2... Child lists are sorted, and watchers told by one notification
 *       are listed by name (both orders come from Java hash sets, not from the protocol);</li>
 *   <li>the real session ids and passwords behind S1, S2... are checked on each server against the rules of
 *       ZooKeeper's code ({@link dev.keeper.compat.diff.CreatedSessions}: server id in the top byte, start time
 *       in the next 40 bits, +1 per session, {@code generatePasswd}); a broken rule is a line of the transcript,
 *       and ZooKeeper breaking one fails the scenario as broken;</li>
 *   <li>the two transcripts must be equal; a failure prints the whole transcript with "- " for what only
 *       ZooKeeper showed and "+ " for what only we showed. Each ZooKeeper transcript is also printed to the test
 *       class's {@code -output.txt} in {@code target/surefire-reports}.</li>
 * </ul>
 *
 * <p>A test class shares one pair of servers where its scenarios cannot see each other (each works under
 * "/" + its method name and counts zxids from creating it), and starts fresh ones where they could (the root's
 * Stat, containers reaped in the background).
 *
 * <p>Run: {@code mvn -o -q -B -pl compat-tests -am test -Dtest='dev.keeper.compat.diff.**'
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
package dev.keeper.compat.diff;

package dev.keeper.compat.diff;

/** Code that drives stock clients against one server and records what they see into its {@link Env}. */
@FunctionalInterface
interface Scenario {
    void play(Env env) throws Exception;
}

package dev.keeper.server.watch;

import java.util.List;

/**
 * What the console shows of the watches: how many, on how many paths, held by how many sessions, the heap they
 * take, and the paths and sessions that hold the most, each with the heap charged to it
 * ({@link WatchManager#figures}).
 */
public record WatchFigures(long watches, long paths, long sessions, long heapBytes, List<PathFigure> topPaths,
        List<SessionFigure> topSessions) {

    public record PathFigure(String path, long watches, long heapBytes) {
    }

    public record SessionFigure(long session, long watches, long heapBytes) {
    }
}

package dev.keeper.server.op;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import dev.keeper.server.watch.WatchManager;
import dev.keeper.server.watch.WatchMode;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.EventType;
import dev.keeper.wire.Notification;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;

/**
 * setWatches (101) and setWatches2 (105): a reconnecting client re-registers its watches, in batches of about
 * 128 KB, with the last zxid it saw. For each watch ZooKeeper ({@code DataTree.setWatches}) first asks whether
 * the client missed its event while away — a data watch whose node is gone (NodeDeleted) or changed after that
 * zxid (mzxid, NodeDataChanged), an exist watch whose node now exists (NodeCreated), a child watch whose node is
 * gone or whose children changed after it (pzxid, NodeChildrenChanged) — and then sends that event, with zxid
 * −1, instead of arming the watch. Persistent watches are simply re-armed.
 */
public final class SetWatchesOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        if (request instanceof SetWatches2 r) {
            apply(ctx, caller, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(), r.getChildWatches(),
                    r.getPersistentWatches(), r.getPersistentRecursiveWatches());
        } else {
            SetWatches r = (SetWatches) request;
            apply(ctx, caller, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(), r.getChildWatches(),
                    List.of(), List.of());
        }
        return null;
    }

    /**
     * The lists in ZooKeeper's order. A null list, or a null path in a one-shot list (whose node is looked up),
     * fails there with MarshallingError, as ZooKeeper's NullPointerException does — the lists before it have
     * taken effect by then; a null path in a persistent list is a watch like any other ({@link WatchManager}).
     */
    private static void apply(OpContext ctx, Caller caller, long relativeZxid, List<String> data,
            List<String> exist, List<String> child, List<String> persistent, List<String> recursive)
            throws OpError {
        DataTree tree = ctx.tree();
        WatchManager watches = ctx.watches();
        for (String path : present(data)) {
            Znode z = tree.find(OpError.requirePath(path));
            if (z == null) {
                ctx.notify(caller, catchUp(EventType.NODE_DELETED, path));
            } else if (z.mzxid() > relativeZxid) {
                ctx.notify(caller, catchUp(EventType.NODE_DATA_CHANGED, path));
            } else {
                watches.addDataWatch(path, caller);
            }
        }
        for (String path : present(exist)) {
            if (tree.find(OpError.requirePath(path)) != null) {
                ctx.notify(caller, catchUp(EventType.NODE_CREATED, path));
            } else {
                watches.addDataWatch(path, caller);
            }
        }
        for (String path : present(child)) {
            Znode z = tree.find(OpError.requirePath(path));
            if (z == null) {
                ctx.notify(caller, catchUp(EventType.NODE_DELETED, path));
            } else if (z.pzxid() > relativeZxid) {
                ctx.notify(caller, catchUp(EventType.NODE_CHILDREN_CHANGED, path));
            } else {
                watches.addChildWatch(path, caller);
            }
        }
        for (String path : present(persistent)) {
            watches.addPersistentWatch(path, caller, WatchMode.PERSISTENT);
        }
        for (String path : present(recursive)) {
            watches.addPersistentWatch(path, caller, WatchMode.PERSISTENT_RECURSIVE);
        }
    }

    private static Notification catchUp(int type, String path) {
        return new Notification(type, path, -1);
    }

    private static List<String> present(List<String> l) throws OpError {
        if (l == null) {
            throw new OpError(ErrorCode.MARSHALLING_ERROR);
        }
        return l;
    }
}

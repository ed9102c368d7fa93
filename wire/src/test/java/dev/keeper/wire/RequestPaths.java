package dev.keeper.wire;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;

/**
 * The znode paths a decoded request body names: the {@code path} field of its record (of each op's record, for a
 * multi), and every path in setWatches' lists. A path the decoder lets through as null (a Jute string of length
 * −1) only fails later, in whatever op reads it; the fuzz targets hold the decoder to refusing it. (A null
 * list is a list the client did not send, which the server reads as empty; getEphemerals' prefixPath may be
 * null, meaning every ephemeral, as in ZooKeeper.)
 */
final class RequestPaths {
    private RequestPaths() {
    }

    static List<String> of(Object body) {
        List<String> out = new ArrayList<>();
        add(body, out);
        return out;
    }

    private static void add(Object body, List<String> out) {
        if (body instanceof MultiRecords.Ops ops) {
            ops.ops().forEach(op -> add(op.request(), out));
        } else if (body instanceof SetWatches w) {
            addAll(out, w.getDataWatches(), w.getExistWatches(), w.getChildWatches());
        } else if (body instanceof SetWatches2 w) {
            addAll(out, w.getDataWatches(), w.getExistWatches(), w.getChildWatches(), w.getPersistentWatches(),
                    w.getPersistentRecursiveWatches());
        } else if (body != null) {
            Method getPath = pathGetter(body.getClass());
            if (getPath != null) {
                try {
                    out.add((String) getPath.invoke(body));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @SafeVarargs
    private static void addAll(List<String> out, List<String>... lists) {
        for (List<String> l : lists) {
            if (l != null) {
                out.addAll(l);
            }
        }
    }

    private static Method pathGetter(Class<?> type) {
        try {
            Method m = type.getMethod("getPath");
            return m.getReturnType() == String.class ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}

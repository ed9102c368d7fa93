package dev.keeper.compat.diff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * How client-side values appear in a transcript. Every field a client can see is shown; only zxids, times and
 * session ids go out as {@link Token}s for the normaliser. Child lists are sorted: ZooKeeper returns children in
 * HashSet order, which no client may rely on.
 */
final class Render {
    private Render() {
    }

    static String code(int rc) {
        KeeperException.Code c = KeeperException.Code.get(rc);
        return (c == null ? "UNKNOWN" : c.name()) + "(" + rc + ")";
    }

    static Object[] stat(Stat s) {
        if (s == null) {
            return new Object[] {"stat=null"};
        }
        return new Object[] {"stat(czxid=", new Token.Zxid(s.getCzxid()), " mzxid=", new Token.Zxid(s.getMzxid()),
            " pzxid=", new Token.Zxid(s.getPzxid()), " ctime=", new Token.Time(s.getCtime(), s.getCzxid()),
            " mtime=", new Token.Time(s.getMtime(), s.getMzxid()), " version=", s.getVersion(),
            " cversion=", s.getCversion(), " aversion=", s.getAversion(),
            " owner=", new Token.SessionId(s.getEphemeralOwner()), " dataLength=", s.getDataLength(),
            " numChildren=", s.getNumChildren(), ")"};
    }

    static String data(byte[] d) {
        if (d == null) {
            return "null";
        }
        if (d.length > 64) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(d);
            return "bytes(length=" + d.length + " crc32=" + Long.toHexString(crc.getValue()) + ")";
        }
        for (byte b : d) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + hex(d);
            }
        }
        return "\"" + new String(d, StandardCharsets.US_ASCII) + "\"";
    }

    static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(d.length * 2);
        for (byte b : d) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    static String sorted(List<String> names) {
        if (names == null) {
            return "null";
        }
        List<String> s = new ArrayList<>(names);
        s.sort(null);
        return s.toString();
    }

    /** ACL entries in the order the server returns them: ZooKeeper keeps the order they were set in. */
    static String acl(List<ACL> acl) {
        if (acl == null) {
            return "null";
        }
        List<String> out = new ArrayList<>(acl.size());
        for (ACL a : acl) {
            out.add(perms(a.getPerms()) + " " + a.getId().getScheme() + ":" + a.getId().getId());
        }
        return out.toString();
    }

    private static String perms(int p) {
        StringBuilder sb = new StringBuilder();
        sb.append((p & 1) != 0 ? 'r' : '-').append((p & 2) != 0 ? 'w' : '-').append((p & 4) != 0 ? 'c' : '-')
                .append((p & 8) != 0 ? 'd' : '-').append((p & 16) != 0 ? 'a' : '-');
        if ((p & ~31) != 0) {
            sb.append("+0x").append(Integer.toHexString(p & ~31));
        }
        return sb.toString();
    }

    /** One result of a multi or multiRead, with its type: a failed multi must answer ErrorResults only. */
    static Object[] result(OpResult r) {
        if (r instanceof OpResult.CreateResult c) {
            return c.getStat() == null ? new Object[] {"create(", c.getPath(), ")"}
                    : new Object[] {"create2(", c.getPath(), " ", stat(c.getStat()), ")"};
        }
        if (r instanceof OpResult.DeleteResult) {
            return new Object[] {"delete"};
        }
        if (r instanceof OpResult.SetDataResult s) {
            return new Object[] {"setData(", stat(s.getStat()), ")"};
        }
        if (r instanceof OpResult.CheckResult) {
            return new Object[] {"check"};
        }
        if (r instanceof OpResult.ErrorResult e) {
            return new Object[] {"error(", code(e.getErr()), ")"};
        }
        if (r instanceof OpResult.GetDataResult g) {
            return new Object[] {"getData(", data(g.getData()), " ", stat(g.getStat()), ")"};
        }
        if (r instanceof OpResult.GetChildrenResult g) {
            return new Object[] {"getChildren(", sorted(g.getChildren()), ")"};
        }
        return new Object[] {"type" + r.getType() + "?"};
    }

    static Object[] results(List<OpResult> results) {
        if (results == null) {
            return new Object[] {"results=null"};
        }
        List<Object> out = new ArrayList<>();
        out.add("[");
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                out.add(", ");
            }
            out.add(result(results.get(i)));
        }
        out.add("]");
        return out.toArray();
    }
}

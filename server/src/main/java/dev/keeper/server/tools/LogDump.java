package dev.keeper.server.tools;

import dev.keeper.server.persist.CorruptLogException;
import dev.keeper.server.persist.LogEntry;
import dev.keeper.server.persist.TxnLogReader;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DateFormat;
import java.util.Date;
import java.util.Locale;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * {@code bin/zkTxnLogToolkit.sh}: prints a transaction log file (ours or ZooKeeper's) one transaction per line,
 * as ZooKeeper's TxnLogToolkit does — time, session, cxid, zxid, type, and the transaction's fields — then says
 * how the file ends: cleanly, with a torn last entry, or with corruption at a given offset (exit code 1).
 */
public final class LogDump {
    private LogDump() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: zkTxnLogToolkit.sh <log file>");
            System.exit(2);
        }
        Path file = Path.of(args[args.length - 1]);
        System.exit(dump(file, System.out));
    }

    /** Prints the file; returns the exit code: 0 for a readable log, 1 for corruption. */
    public static int dump(Path file, PrintStream out) throws IOException {
        if (!Files.isRegularFile(file)) {
            out.println("No such file: " + file);
            return 1;
        }
        out.println("ZooKeeper Transactional Log File " + file.getFileName() + " txnlog format version 2");
        long[] count = {0};
        DateFormat time = DateFormat.getDateTimeInstance(DateFormat.SHORT, DateFormat.LONG, Locale.ROOT);
        try {
            boolean torn = TxnLogReader.read(file, (entry, f, offset) -> {
                out.println(line(entry, time));
                count[0]++;
            });
            out.println((torn ? "Torn last entry (a write cut short) after " : "EOF reached after ")
                    + count[0] + " txns.");
            return 0;
        } catch (CorruptLogException e) {
            out.println("CORRUPT after " + count[0] + " txns: " + e.getMessage());
            return 1;
        }
    }

    static String line(LogEntry e, DateFormat time) {
        TxnHeader h = e.header();
        return time.format(new Date(h.getTime())) + " session 0x" + Long.toHexString(h.getClientId()) + " cxid 0x"
                + Long.toHexString(h.getCxid()) + " zxid 0x" + Long.toHexString(h.getZxid()) + " "
                + OpCode.name(h.getType()) + " " + fields(e.txn());
    }

    static String fields(Record txn) {
        // Jute's record text ends each record with a newline; one transaction stays on one line here.
        return describe(txn).replace("\n", "");
    }

    private static String describe(Record txn) {
        if (txn instanceof CreateTxn t) {
            return t.getPath() + "," + text(t.getData()) + "," + t.getAcl() + "," + t.getEphemeral() + ","
                    + t.getParentCVersion();
        } else if (txn instanceof CreateContainerTxn t) {
            return t.getPath() + "," + text(t.getData()) + "," + t.getAcl() + "," + t.getParentCVersion();
        } else if (txn instanceof CreateTTLTxn t) {
            return t.getPath() + "," + text(t.getData()) + "," + t.getAcl() + "," + t.getParentCVersion() + ","
                    + t.getTtl();
        } else if (txn instanceof SetDataTxn t) {
            return t.getPath() + "," + text(t.getData()) + "," + t.getVersion();
        } else if (txn instanceof DeleteTxn t) {
            return t.getPath();
        } else if (txn instanceof SetACLTxn t) {
            return t.getPath() + "," + t.getAcl() + "," + t.getVersion();
        } else if (txn instanceof CreateSessionTxn t) {
            return Integer.toString(t.getTimeOut());
        } else if (txn instanceof CloseSessionTxn t) {
            return String.valueOf(t.getPaths2Delete());
        } else if (txn instanceof ErrorTxn t) {
            return Integer.toString(t.getErr());
        } else if (txn instanceof MultiTxn t) {
            StringBuilder sb = new StringBuilder();
            for (org.apache.zookeeper.txn.Txn sub : t.getTxns()) {
                sb.append("\n    ").append(OpCode.name(sub.getType()));
            }
            return sb.toString();
        }
        return txn == null ? "" : txn.toString();
    }

    private static String text(byte[] data) {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }
}

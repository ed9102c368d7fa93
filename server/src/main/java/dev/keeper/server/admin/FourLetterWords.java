package dev.keeper.server.admin;

import dev.keeper.wire.FourLetterWord;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Answers a four-letter word, under ZooKeeper's whitelist rule ({@code 4lw.commands.whitelist}, where srvr is
 * always allowed): a word off the list gets "&lt;word&gt; is not executed because it is not in the whitelist.".
 * Runs on the processor thread, so every report is a consistent view.
 */
public final class FourLetterWords {
    private FourLetterWords() {
    }

    public static String answer(FourLetterWord word, ServerView v) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        if (!v.config().fourLetterWordEnabled(word.word())) {
            out.println(word.word() + " is not executed because it is not in the whitelist.");
        } else {
            Word w = wordFor(word);
            if (w != null) {
                w.run(v, out);
            }
        }
        out.flush();
        return text.toString();
    }

    private static Word wordFor(FourLetterWord word) {
        return switch (word) {
            case RUOK -> new Ruok();
            case SRVR -> new Srvr(false);
            case STAT -> new Srvr(true);
            case ENVI -> new Envi();
            case CONF -> new Conf();
            case CONS -> new Cons();
            case CRST -> new Crst();
            case SRST -> new Srst();
            case DUMP -> new Dump();
            case ISRO -> new Isro();
            case DIRS -> new Dirs();
            case WCHS -> new Watches(Watches.Kind.SUMMARY);
            case WCHC -> new Watches(Watches.Kind.BY_SESSION);
            case WCHP -> new Watches(Watches.Kind.BY_PATH);
            case MNTR -> new Mntr();
            case GTMK, STMK, HASH -> null;
        };
    }
}

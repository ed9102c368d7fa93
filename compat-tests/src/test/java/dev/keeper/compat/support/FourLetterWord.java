package dev.keeper.compat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A four-letter word ({@code srvr}, {@code wchp}, ...) sent as a connection's first four bytes, and the server's
 * whole answer: both servers write it and close the connection.
 */
public final class FourLetterWord {
    private static final int READ_TIMEOUT_MS = 10_000;

    private FourLetterWord() {
    }

    /** Sends {@code word} to the server on 127.0.0.1:{@code port} and returns everything it answers. */
    public static String ask(int port, String word) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

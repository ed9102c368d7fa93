package dev.keeper.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 GET on 127.0.0.1, one connection per request ({@code Connection: close}), the body read as
 * the server frames it (Content-Length, chunked, or up to the close). The observability part uses it for the
 * Prometheus scrape, the console's JSON and its server-sent event stream: a socket of its own, so that a stream
 * held open is closed at once from another thread ({@link Response#close()}).
 */
final class MiniHttp {
    private static final int CONNECT_TIMEOUT_MS = 2000;

    private MiniHttp() {
    }

    /** A whole response: status, body, and the time from connecting to the body's last byte. */
    record Fetched(int status, byte[] body, double millis) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A response whose body is still to be read; closing it closes the connection. */
    static final class Response implements Closeable {
        private final Socket socket;
        private final int status;
        private final Map<String, String> headers;
        private final InputStream body;

        private Response(Socket socket, int status, Map<String, String> headers, InputStream body) {
            this.socket = socket;
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        int status() {
            return status;
        }

        /** A header's value by its lower-case name, or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        InputStream body() {
            return body;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    /** GETs {@code path} from 127.0.0.1:{@code port} and reads the whole body. */
    static Fetched get(int port, String path, int timeoutMs) throws IOException {
        long t0 = System.nanoTime();
        try (Response r = open(port, path, "*/*", timeoutMs)) {
            byte[] body = r.body().readAllBytes();
            return new Fetched(r.status(), body, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** Sends a GET and reads the status line and headers; the body is left to the caller. */
    static Response open(int port, String path, String accept, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(readTimeoutMs);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: " + accept
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            String statusLine = line(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("GET " + path + " on port " + port + ": no HTTP status line: " + statusLine);
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1].trim());
            Map<String, String> headers = new TreeMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
            }
            InputStream body;
            String te = headers.get("transfer-encoding");
            String cl = headers.get("content-length");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new Chunked(in);
            } else if (cl != null) {
                body = new Bounded(in, Long.parseLong(cl));
            } else {
                body = in;
            }
            return new Response(s, status, headers, body);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, without its terminator; null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A chunked body, decoded (RFC 9112 section 7.1): chunk sizes in hex, extensions and trailers skipped. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        private boolean next() throws IOException {
            if (done) {
                return false;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk's data
                }
                if (size == null) {
                    throw new EOFException("chunked body cut short");
                }
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (left == 0) {
                    for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                        // trailers
                    }
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!next()) {
                return -1;
            }
            int c = in.read();
            if (c < 0) {
                throw new EOFException("chunked body cut short");
            }
            left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("chunked body cut short");
            }
            left -= n;
            return n;
        }
    }

    /** The first {@code length} bytes of a stream. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                left--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}

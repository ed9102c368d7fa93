package dev.keeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The TLS part's certificates, made at run time with the JDK's own {@code keytool} (no BouncyCastle in the
 * benchmark): a CA, a server certificate for 127.0.0.1 and localhost (subject alternative names, so the stock
 * client's hostname verification passes), and a client certificate, both signed by the CA. RSA 2048 keys, the
 * shape ZooKeeper's TLS guide uses; PKCS12 stores by default (keytool's default format), JKS on request.
 *
 * <p>Both servers read {@link Stores#serverKeyStore} and {@link Stores#trustStore}; every client (the stock client
 * and the handshake driver) reads {@link Stores#clientKeyStore} and the same trust store.
 *
 * @see #generate(Path, String)
 */
final class TlsCerts {
    /** The password of every store: the benchmark's own throw-away certificates. */
    static final String PASSWORD = "keeper-bench";
    static final String KEY_ALG = "RSA";
    static final int KEY_SIZE = 2048;
    private static final int VALIDITY_DAYS = 7;
    private static final long KEYTOOL_TIMEOUT_S = 120;

    /**
     * The stores one run uses.
     *
     * @param serverKeyStore the server's key and its chain (server certificate, CA)
     * @param clientKeyStore the client's key and its chain
     * @param trustStore     the CA certificate alone
     * @param password       every store's password
     * @param type           PKCS12 or JKS
     * @param keys           what the keys are ("RSA 2048")
     */
    record Stores(Path serverKeyStore, Path clientKeyStore, Path trustStore, String password, String type,
                  String keys) {
    }

    private TlsCerts() {
    }

    /** Makes the CA and both certificates under {@code dir} (created if missing); {@code type} PKCS12 or JKS. */
    static Stores generate(Path dir, String type) throws IOException, InterruptedException {
        String t = type.toUpperCase(Locale.ROOT);
        if (!t.equals("PKCS12") && !t.equals("JKS")) {
            throw new IllegalArgumentException("store type must be PKCS12 or JKS, got " + type);
        }
        String ext = t.equals("JKS") ? ".jks" : ".p12";
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca" + ext);
        Path caPem = dir.resolve("ca.pem");
        Path trust = dir.resolve("trust" + ext);
        Path server = dir.resolve("server" + ext);
        Path client = dir.resolve("client" + ext);
        for (Path p : List.of(ca, caPem, trust, server, client)) {
            Files.deleteIfExists(p);
        }
        keytool("-genkeypair", "-alias", "ca", "-keyalg", KEY_ALG, "-keysize", Integer.toString(KEY_SIZE),
                "-dname", "CN=keeper-bench-ca,O=Keeper benchmark", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                "-validity", Integer.toString(VALIDITY_DAYS), "-keystore", ca.toString(), "-storetype", t,
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storetype", t, "-storepass",
                PASSWORD, "-file", caPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", trust.toString(),
                "-storetype", t, "-storepass", PASSWORD);
        signed(dir, server, "server", "CN=localhost,O=Keeper benchmark", "serverAuth,clientAuth", ca, caPem, t);
        signed(dir, client, "client", "CN=keeper-bench-client,O=Keeper benchmark", "clientAuth,serverAuth", ca,
                caPem, t);
        return new Stores(server, client, trust, PASSWORD, t, KEY_ALG + " " + KEY_SIZE);
    }

    /**
     * A key pair in {@code store} whose certificate the CA signed: generated, a request made, signed with the SAN
     * 127.0.0.1 and localhost (both certificates carry it: a server may check a client's name too), and the reply
     * imported over the self-signed one (with the CA briefly in the store so keytool can build the chain).
     */
    private static void signed(Path dir, Path store, String alias, String dname, String eku, Path ca, Path caPem,
                               String type) throws IOException, InterruptedException {
        Path csr = dir.resolve(alias + ".csr");
        Path pem = dir.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-keyalg", KEY_ALG, "-keysize", Integer.toString(KEY_SIZE),
                "-dname", dname, "-validity", Integer.toString(VALIDITY_DAYS), "-keystore", store.toString(),
                "-storetype", type, "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-storetype", type, "-storepass", PASSWORD,
                "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storetype", type, "-storepass",
                PASSWORD, "-infile", csr.toString(), "-outfile", pem.toString(), "-validity",
                Integer.toString(VALIDITY_DAYS), "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext",
                "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=" + eku);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store.toString(),
                "-storetype", type, "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-keystore", store.toString(),
                "-storetype", type, "-storepass", PASSWORD, "-keypass", PASSWORD);
        // The key entry keeps its chain; the store then holds the one key entry alone, as an operator's would.
        keytool("-delete", "-alias", "ca", "-keystore", store.toString(), "-storetype", type, "-storepass", PASSWORD);
        Files.deleteIfExists(csr);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(keytool.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args).replace(PASSWORD, "***") + " exited "
                    + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8));
        }
    }
}

package dev.keeper.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The "digest" scheme ({@code DigestAuthenticationProvider}): a client authenticates with "user:password",
 * and its id becomes "user:" + base64(sha1("user:password")); ACL ids are compared with that as text.
 */
public final class DigestAuth {
    public static final String SCHEME = "digest";

    private DigestAuth() {
    }

    public static String digest(String userPassword) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(userPassword.getBytes(StandardCharsets.UTF_8));
            String user = userPassword.split(":", 2)[0];
            return user + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA1", e);
        }
    }

    /** A digest ACL id must be "user:hash". */
    public static boolean isValid(String id) {
        return id.split(":").length == 2;
    }

    public static String userOf(String id) {
        return id.split(":")[0];
    }
}

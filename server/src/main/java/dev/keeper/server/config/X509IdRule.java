package dev.keeper.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which part of a client certificate becomes its x509 id. By default the subject DN, as ZooKeeper 3.9.5's
 * {@code X509AuthenticationProvider} takes it. With {@code zookeeper.ssl.x509.clientCertIdType=SAN} a subject
 * alternative name is taken instead — the first one of type {@code ...clientCertIdSanMatchType} (RFC 5280's
 * GeneralName tag: 1 email, 2 DNS, 6 URI, 7 IP; any type when unset) whose value matches
 * {@code ...clientCertIdSanMatchRegex} as a whole (any when unset), cut down to group
 * {@code ...clientCertIdSanExtractMatcherGroupIndex} of {@code ...clientCertIdSanExtractRegex} when that is set.
 * ZooKeeper 3.9.5 has no such setting, so there is no oracle for it: the names follow the issue that asked for it,
 * and a certificate with no matching name is refused as an untrusted one is.
 *
 * @param san          take a subject alternative name, not the subject DN
 * @param sanType      the GeneralName tag to take, or -1 for any
 * @param matchRegex   what the name must match as a whole, or null
 * @param extractRegex what to cut out of it, or null for all of it
 * @param extractGroup the group of {@code extractRegex} that is the id
 */
public record X509IdRule(boolean san, int sanType, Pattern matchRegex, Pattern extractRegex, int extractGroup) {
    public static final X509IdRule SUBJECT_DN = new X509IdRule(false, -1, null, null, 0);
    private static final String PREFIX = "zookeeper.ssl.x509.clientCertId";

    static X509IdRule read(Map<String, String> settings) {
        String type = settings.get(PREFIX + "Type");
        if (type == null || type.isEmpty() || type.toUpperCase(Locale.ROOT).equals("SUBJECT_DN")) {
            return SUBJECT_DN;
        }
        if (!type.toUpperCase(Locale.ROOT).equals("SAN")) {
            throw new IllegalArgumentException(PREFIX + "Type must be SUBJECT_DN or SAN, got '" + type + "'");
        }
        return new X509IdRule(true, number(settings, "SanMatchType", -1), pattern(settings, "SanMatchRegex"),
                pattern(settings, "SanExtractRegex"), number(settings, "SanExtractMatcherGroupIndex", 0));
    }

    private static int number(Map<String, String> settings, String key, int dflt) {
        String v = settings.get(PREFIX + key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be a number, got '" + v + "'");
        }
    }

    private static Pattern pattern(Map<String, String> settings, String key) {
        String v = settings.get(PREFIX + key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(v);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(PREFIX + key + " is not a regular expression: " + e.getMessage());
        }
    }
}

package dev.keeper.server.config;

import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * ZooKeeper 3.9.5's TLS defaults ({@code X509Util}): the protocol is TLSv1.3 where the JDK has it, else TLSv1.2;
 * with the JDK engine the cipher suites are ECDHE with AES-GCM first, then AES-CBC, then TLSv1.3's, less those this
 * JDK lacks. A client configured for ZooKeeper's defaults therefore meets the same choices here.
 */
final class TlsDefaults {
    private static final List<String> GCM = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    private static final List<String> CBC = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    private static final List<String> TLS13 = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256");

    private TlsDefaults() {
    }

    static String protocol() {
        try {
            List<String> supported = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
            return supported.contains("TLSv1.3") ? "TLSv1.3" : "TLSv1.2";
        } catch (NoSuchAlgorithmException e) {
            return "TLSv1.2";
        }
    }

    static List<String> ciphers() {
        try {
            Set<String> supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
            return Stream.of(GCM, CBC, TLS13).flatMap(List::stream).filter(supported::contains).toList();
        } catch (NoSuchAlgorithmException e) {
            return List.of();
        }
    }
}

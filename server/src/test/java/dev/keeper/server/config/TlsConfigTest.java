package dev.keeper.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The TLS settings read as ZooKeeper 3.9.5 reads them: zoo.cfg's {@code ssl.*} keys and the {@code zookeeper.ssl.*}
 * system properties they become there, ZooKeeper's defaults, and the combinations it refuses.
 */
class TlsConfigTest {
    private static final Path BASE = Path.of("/base");

    private static ServerConfig parse(Map<String, String> cfg, Properties sys) {
        return ZooCfg.parse(cfg, sys, BASE);
    }

    @Test
    void withoutASecurePortOrPortUnification_thereIsNoTls_andNoX509Scheme() {
        ServerConfig c = parse(Map.of("ssl.keyStore.location", "k.jks"), new Properties());
        assertNull(c.security().tls());
        assertEquals(Set.of(), c.security().schemes());
        assertEquals(2181, c.clientPort());
    }

    @Test
    void aSecurePort_takesZooKeepersDefaults_andRegistersX509() {
        ServerConfig c = parse(Map.of("clientPort", "2181", "secureClientPort", "2281",
                "ssl.keyStore.location", "conf/server.p12", "ssl.keyStore.password", "pw"), new Properties());
        TlsConfig t = c.security().tls();
        assertEquals(2281, t.securePort());
        assertNull(t.secureAddress());
        assertEquals(TlsConfig.ClientAuth.NEED, t.clientAuth());
        assertEquals(List.of(TlsDefaults.protocol()), t.protocols());
        assertNull(t.provider(), "not named: OpenSSL where netty-tcnative is present, else the JDK's");
        assertNull(t.ciphers(), "not named: ZooKeeper's list with the JDK engine");
        assertTrue(TlsConfig.jdkDefaultCiphers().contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertEquals(new TlsConfig.Store(BASE.resolve("conf/server.p12"), "pw", "PKCS12"), t.keyStore());
        assertNull(t.trustStore());
        assertFalse(t.portUnification());
        assertFalse(t.clientHostnameVerification());
        assertTrue(c.security().x509());
        assertEquals(2181, c.clientPort());
    }

    @Test
    void onlyASecurePort_meansNoPlainPort() {
        ServerConfig c = parse(Map.of("secureClientPort", "2281", "ssl.keyStore.location", "k.jks"),
                new Properties());
        assertEquals(-1, c.clientPort());
    }

    @Test
    void systemPropertySpellings_areRead_andZooCfgWins() {
        Properties sys = new Properties();
        sys.setProperty("zookeeper.ssl.keyStore.location", "/sys/k.pem");
        sys.setProperty("zookeeper.ssl.trustStore.location", "/sys/t.jks");
        sys.setProperty("zookeeper.ssl.clientAuth", "want");
        sys.setProperty("zookeeper.ssl.enabledProtocols", "TLSv1.2,TLSv1.3");
        sys.setProperty("zookeeper.client.portUnification", "true");
        sys.setProperty("zookeeper.X509AuthenticationProvider.superUser", "CN=admin");
        TlsConfig t = parse(Map.of("ssl.clientAuth", "none", "ssl.ciphersuites", "TLS_AES_128_GCM_SHA256"), sys)
                .security().tls();
        assertTrue(t.portUnification());
        assertEquals(-1, t.securePort());
        assertEquals("PEM", t.keyStore().type());
        assertEquals("JKS", t.trustStore().type());
        assertEquals(TlsConfig.ClientAuth.NONE, t.clientAuth());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), t.protocols());
        assertEquals(List.of("TLS_AES_128_GCM_SHA256"), t.ciphers());
        assertEquals("CN=admin", parse(Map.of(), sys).security().x509SuperUser());
    }

    @Test
    void whatZooKeeperRefuses_isRefused() {
        Properties none = new Properties();
        assertEquals("secureClientPortAddress is set but secureClientPort is not set",
                assertThrows(IllegalArgumentException.class,
                        () -> parse(Map.of("secureClientPortAddress", "127.0.0.1"), none)).getMessage());
        assertEquals("Keystore is required for SSL server: zookeeper.ssl.keyStore.location",
                assertThrows(IllegalArgumentException.class,
                        () -> parse(Map.of("secureClientPort", "2281"), none)).getMessage());
        assertEquals("Unable to auto-detect store file type from file name: k.store",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of("secureClientPort", "2281",
                        "ssl.keyStore.location", "k.store"), none)).getMessage());
        assertEquals("No auth provider configured for the SSL authentication scheme 'sasl'.",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of("secureClientPort", "2281",
                        "ssl.keyStore.location", "k.jks", "ssl.authProvider", "sasl"), none)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("secureClientPort", "2281",
                "ssl.keyStore.location", "k.jks", "ssl.clientAuth", "sometimes"), none));
    }

    @Test
    void clientCertIdTypeSan_isRead_andBadValuesAreRefused() {
        X509IdRule rule = parse(Map.of("ssl.x509.clientCertIdType", "SAN", "ssl.x509.clientCertIdSanMatchType", "6",
                "ssl.x509.clientCertIdSanExtractRegex", "/sa/([^/]+)$",
                "ssl.x509.clientCertIdSanExtractMatcherGroupIndex", "1"), new Properties()).security().x509Id();
        assertTrue(rule.san());
        assertEquals(6, rule.sanType());
        assertNull(rule.matchRegex());
        assertEquals(1, rule.extractGroup());
        assertEquals(X509IdRule.SUBJECT_DN, parse(Map.of(), new Properties()).security().x509Id());
        assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("ssl.x509.clientCertIdType", "CN"), new Properties()));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("ssl.x509.clientCertIdType", "SAN",
                "ssl.x509.clientCertIdSanMatchRegex", "(unclosed"), new Properties()));
    }

    @Test
    void anAuthProviderLine_registersX509WithoutTls() {
        ServerConfig c = parse(Map.of("authProvider.1", "org.apache.zookeeper.server.auth.X509AuthenticationProvider",
                "authProvider.2", "com.example.Unknown"), new Properties());
        assertNull(c.security().tls());
        assertEquals(Set.of("x509"), c.security().schemes());
    }
}

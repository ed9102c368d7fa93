package dev.keeper.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keeper.server.config.X509IdRule;
import dev.keeper.server.testing.Keytool;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate's x509 ids: the subject DN in RFC 2253 as ZooKeeper takes it, the super user, and, with
 * {@code ssl.x509.clientCertIdType=SAN}, the subject alternative name the rule picks. The certificate is made by
 * keytool for this run, self-signed, and trusted by a trust store holding it.
 */
class X509AuthTest {
    private static final String PASSWORD = "secret";
    @TempDir
    static Path tmp;
    private static X509Certificate[] chain;
    private static X509TrustManager trust;

    @BeforeAll
    static void certificate() throws Exception {
        Path keys = tmp.resolve("client.p12");
        Keytool.run("-genkeypair", "-alias", "c", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=alice, OU=clients, O=Keeper Test", "-ext",
                "SAN=dns:alice.example.com,uri:spiffe://example.com/ns/prod/sa/alice,email:alice@example.com",
                "-validity", "2", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        chain = new X509Certificate[] {(X509Certificate) ks.getCertificate("c")};
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("c", chain[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        trust = (X509TrustManager) tmf.getTrustManagers()[0];
    }

    @Test
    void byDefault_theIdIsTheSubjectDnInRfc2253_andTheSuperUserIsAlsoSuper() throws Exception {
        String dn = "CN=alice,OU=clients,O=Keeper Test";
        assertEquals(List.of(new Id("x509", dn)), X509Auth.identify(chain, trust, null, X509IdRule.SUBJECT_DN));
        assertEquals(List.of(new Id("super", dn), new Id("x509", dn)),
                X509Auth.identify(chain, trust, dn, X509IdRule.SUBJECT_DN));
    }

    @Test
    void withSan_theFirstNameOfTheTypeThatMatches_isTheId_cutByTheExtractRule() throws Exception {
        assertEquals("alice.example.com", id(new X509IdRule(true, -1, null, null, 0)));
        assertEquals("spiffe://example.com/ns/prod/sa/alice", id(new X509IdRule(true, 6, null, null, 0)));
        assertEquals("alice@example.com", id(new X509IdRule(true, -1, Pattern.compile(".*@.*"), null, 0)));
        assertEquals("alice", id(new X509IdRule(true, 6, Pattern.compile("spiffe://example\\.com/.*"),
                Pattern.compile("/sa/([^/]+)$"), 1)));
        CertificateException none = assertThrows(CertificateException.class,
                () -> id(new X509IdRule(true, 7, null, null, 0)));
        assertEquals("no subject alternative name of the client certificate matches ssl.x509.clientCertIdType=SAN's"
                + " rule", none.getMessage());
    }

    private static String id(X509IdRule rule) throws CertificateException {
        return X509Auth.identify(chain, trust, null, rule).get(0).getId();
    }

}

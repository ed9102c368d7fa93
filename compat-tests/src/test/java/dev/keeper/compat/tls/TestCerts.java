package dev.keeper.compat.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, so that nothing secret (or about to expire) is committed: certificate authorities,
 * a server certificate for 127.0.0.1 and localhost, client certificates with a chosen subject DN, an expired one,
 * and the key stores and trust stores ZooKeeper 3.9.5 reads ({@code X509Util.createKeyManager} and
 * {@code createTrustManager}): JKS, PKCS12 and PEM — a PEM key store being the PKCS#8 private key (encrypted when
 * there is a password, as {@code PemReader.loadPrivateKey} expects) followed by the certificate chain in one file,
 * a PEM trust store the CA certificates. Kazoo (Python's ssl) reads the separate PEM files that
 * {@link #writeCertificatePem} and {@link #writeKeyPem} write.
 *
 * <p>RSA 2048 and SHA-256 throughout; leaf certificates carry the key usages and extended key usages a strict TLS
 * stack checks (serverAuth, clientAuth). BouncyCastle is used through its provider object, never registered in the
 * JVM, so that the servers under test and the stock client see only the JDK's providers.
 */
final class TestCerts {
    /** The password of every key store and trust store that has one. */
    static final String PASSWORD = "keeper-test";

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final Duration LEEWAY = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(2);

    private TestCerts() {
    }

    /** The file formats of a store, with the file name extension ZooKeeper guesses each type from. */
    enum StoreType {
        JKS(".jks"),
        PKCS12(".p12"),
        PEM(".pem");

        final String extension;

        StoreType(String extension) {
            this.extension = extension;
        }
    }

    /** A store on disk: what ZooKeeper's {@code ssl.keyStore.*} (or {@code ssl.trustStore.*}) settings name. */
    record Store(Path path, String password, StoreType type) {
    }

    /** A certificate, its private key, and its chain from it up to its CA's certificate (the leaf first). */
    record Identity(PrivateKey key, List<X509Certificate> chain) {
        X509Certificate certificate() {
            return chain.get(0);
        }

        /** The subject DN as ZooKeeper's X509AuthenticationProvider names the client: RFC 2253, as Java prints it. */
        String subject() {
            return certificate().getSubjectX500Principal().getName();
        }
    }

    /** A certificate authority: a self-signed CA certificate and the key it signs with. */
    static final class Authority {
        private final KeyPair keys;
        private final X509Certificate certificate;

        private Authority(KeyPair keys, X509Certificate certificate) {
            this.keys = keys;
            this.certificate = certificate;
        }

        static Authority create(String dn) throws GeneralSecurityException, IOException {
            KeyPair keys = rsa();
            X500Name name = name(dn);
            Instant now = Instant.now();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(LEEWAY)), Date.from(now.plus(LIFETIME)), name, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Authority(keys, sign(b, keys.getPrivate()));
        }

        X509Certificate certificate() {
            return certificate;
        }

        /** A server certificate valid now, for DNS:localhost and IP:127.0.0.1 (what the clients dial). */
        Identity server(String dn) throws GeneralSecurityException, IOException {
            GeneralNames san = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
            Instant now = Instant.now();
            return issue(dn, now.minus(LEEWAY), now.plus(LIFETIME), KeyPurposeId.id_kp_serverAuth, san);
        }

        /** A client certificate valid now, with {@code dn} as its subject and no subject alternative name. */
        Identity client(String dn) throws GeneralSecurityException, IOException {
            Instant now = Instant.now();
            return issue(dn, now.minus(LEEWAY), now.plus(LIFETIME), KeyPurposeId.id_kp_clientAuth, null);
        }

        /** A client certificate whose validity ended a day ago. */
        Identity expiredClient(String dn) throws GeneralSecurityException, IOException {
            Instant now = Instant.now();
            return issue(dn, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)),
                    KeyPurposeId.id_kp_clientAuth, null);
        }

        private Identity issue(String dn, Instant from, Instant to, KeyPurposeId purpose, GeneralNames san)
                throws GeneralSecurityException, IOException {
            KeyPair keys = rsa();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from),
                    Date.from(to), name(dn), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(certificate));
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            return new Identity(keys.getPrivate(), List.of(sign(b, this.keys.getPrivate()), certificate));
        }
    }

    // ---------------------------------------------------------------- key stores

    /** Writes {@code id}'s key and chain as a key store of {@code type}; a PEM key is encrypted with the password. */
    static Store writeKeyStore(Identity id, StoreType type, Path file, String password)
            throws GeneralSecurityException, IOException {
        switch (type) {
            case JKS, PKCS12 -> {
                KeyStore ks = KeyStore.getInstance(type.name());
                ks.load(null, null);
                ks.setKeyEntry("key", id.key(), password.toCharArray(),
                        id.chain().toArray(new X509Certificate[0]));
                store(ks, file, password);
            }
            case PEM -> Files.writeString(file, pemKey(id.key(), password) + pemCertificates(id.chain()),
                    StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException(type.name());
        }
        return new Store(file, password, type);
    }

    /** Writes a trust store of {@code type} holding {@code cas}; a PEM trust store has no password. */
    static Store writeTrustStore(StoreType type, Path file, String password, X509Certificate... cas)
            throws GeneralSecurityException, IOException {
        switch (type) {
            case JKS, PKCS12 -> {
                KeyStore ks = KeyStore.getInstance(type.name());
                ks.load(null, null);
                for (int i = 0; i < cas.length; i++) {
                    ks.setCertificateEntry("ca-" + i, cas[i]);
                }
                store(ks, file, password);
                return new Store(file, password, type);
            }
            case PEM -> {
                Files.writeString(file, pemCertificates(List.of(cas)), StandardCharsets.US_ASCII);
                return new Store(file, null, type);
            }
            default -> throw new IllegalArgumentException(type.name());
        }
    }

    /** The certificate chain alone, PEM (Python's {@code load_cert_chain(certfile=...)}). */
    static Path writeCertificatePem(Identity id, Path file) throws IOException {
        Files.writeString(file, pemCertificates(id.chain()), StandardCharsets.US_ASCII);
        return file;
    }

    /** The private key alone, unencrypted PKCS#8 PEM (Python's {@code load_cert_chain(keyfile=...)}). */
    static Path writeKeyPem(Identity id, Path file) throws IOException {
        Files.writeString(file, pemKey(id.key(), null), StandardCharsets.US_ASCII);
        return file;
    }

    /** CA certificates, PEM (Python's {@code load_verify_locations}). */
    static Path writeCaPem(Path file, X509Certificate... cas) throws IOException {
        Files.writeString(file, pemCertificates(List.of(cas)), StandardCharsets.US_ASCII);
        return file;
    }

    // ---------------------------------------------------------------- plumbing

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    /**
     * {@code dn} parsed as Java parses it ({@link X500Principal}: the rightmost RDN first in the encoding), so that
     * the certificate's subject prints back as written; BouncyCastle's own parser keeps the written order.
     */
    private static X500Name name(String dn) {
        return X500Name.getInstance(new X500Principal(dn).getEncoded());
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static void store(KeyStore ks, Path file, String password) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }

    /**
     * PKCS#8, as "PRIVATE KEY", or encrypted as "ENCRYPTED PRIVATE KEY" with pbeWithSHAAnd3-KeyTripleDES-CBC, as
     * ZooKeeper's own tests write it (X509TestHelpers.pemEncodePrivateKey). Not PBES2 (what {@code openssl pkcs8
     * -topk8} writes by default): ZooKeeper 3.9.5's PemReader asks the JDK for a SecretKeyFactory named after
     * EncryptedPrivateKeyInfo.getAlgName(), "PBES2" on Java 17, which there is none of, and no connection succeeds.
     */
    private static String pemKey(PrivateKey key, String password) throws IOException {
        OutputEncryptor encryptor = null;
        if (password != null && !password.isEmpty()) {
            try {
                encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.PBE_SHA1_3DES).setProvider(BC)
                        .setRandom(RANDOM).setPassword(password.toCharArray()).build();
            } catch (OperatorCreationException e) {
                throw new IOException(e);
            }
        }
        return pem(new JcaPKCS8Generator(key, encryptor));
    }

    private static String pemCertificates(List<X509Certificate> certificates) throws IOException {
        List<String> parts = new ArrayList<>();
        for (X509Certificate c : certificates) {
            parts.add(pem(c));
        }
        return String.join("", parts);
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}

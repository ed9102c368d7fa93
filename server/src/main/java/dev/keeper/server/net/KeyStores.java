package dev.keeper.server.net;

import dev.keeper.server.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Loads the key and trust stores ZooKeeper's {@code FileKeyStoreLoader}s load: JKS and PKCS12 through the JDK,
 * and PEM files as {@code PEMFileLoader} reads them — a key store is one PKCS#8 private key (encrypted when a
 * password is set) with its certificate chain, a trust store is certificates. PEM is parsed with the JDK's own
 * certificate and key factories; only the armour is taken off here.
 */
final class KeyStores {
    private static final Pattern BLOCK = Pattern.compile(
            "-+BEGIN\\s+([A-Z0-9 ]+)-+([a-zA-Z0-9+/=\\r\\n\\s]+)-+END\\s+\\1-+");
    private static final String ALIAS = "key";

    private KeyStores() {
    }

    static KeyStore load(TlsConfig.Store store, boolean trust) throws IOException, GeneralSecurityException {
        char[] password = store.password().toCharArray();
        if (!store.type().equals("PEM")) {
            KeyStore ks = KeyStore.getInstance(store.type());
            try (InputStream in = Files.newInputStream(store.location())) {
                ks.load(in, password);
            }
            return ks;
        }
        String text = Files.readString(store.location(), StandardCharsets.US_ASCII);
        List<Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            String label = m.group(1).trim();
            if (label.equals("CERTIFICATE")) {
                certs.add(cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
            } else if (label.equals("PRIVATE KEY") && !trust) {
                key = privateKey(new PKCS8EncodedKeySpec(der));
            } else if (label.equals("ENCRYPTED PRIVATE KEY") && !trust) {
                key = privateKey(decrypt(der, password));
            }
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, password);
        if (trust) {
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("cert" + i, certs.get(i));
            }
        } else {
            if (key == null || certs.isEmpty()) {
                throw new GeneralSecurityException(store.location() + ": a PEM key store needs a private key and its"
                        + " certificate chain");
            }
            ks.setKeyEntry(ALIAS, key, password, certs.toArray(new Certificate[0]));
        }
        return ks;
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, char[] password) throws GeneralSecurityException,
            IOException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory f = SecretKeyFactory.getInstance(info.getAlgName());
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
        return info.getKeySpec(cipher);
    }

    /** The key, whichever of the JDK's algorithms it is for. */
    private static PrivateKey privateKey(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (InvalidKeySpecException notThisOne) {
                // try the next
            }
        }
        throw new InvalidKeySpecException("the PEM private key is of no algorithm this JDK knows");
    }
}

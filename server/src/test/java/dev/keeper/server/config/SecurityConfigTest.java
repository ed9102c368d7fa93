package dev.keeper.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL and enforced authentication read as ZooKeeper 3.9.5 reads them: the JAAS file's Server section
 * ({@code configureSaslLogin}), the SASL provider line, the super user properties, and
 * {@code AuthenticationHelper}'s settings with its refusals, word for word.
 */
class SecurityConfigTest {
    @TempDir
    Path tmp;

    private static ServerConfig parse(Map<String, String> cfg, Properties sys) {
        return ZooCfg.parse(cfg, sys, Path.of("/base"));
    }

    private Properties jaas(String text) throws IOException {
        Path file = tmp.resolve("jaas.conf");
        Files.writeString(file, text);
        Properties sys = new Properties();
        sys.setProperty("java.security.auth.login.config", file.toString());
        return sys;
    }

    @Test
    void aServerSection_givesDigestUsers_andSuperUsersComeFromEveryZookeeperSuperUserProperty() throws IOException {
        Properties sys = jaas("Server {\n org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                + " user_super=\"adminsecret\"\n user_bob=\"bobsecret\";\n};\n");
        sys.setProperty("zookeeper.superUser", "super");
        sys.setProperty("zookeeper.superUser.2", "carol");
        ServerConfig c = parse(Map.of("authProvider.1",
                "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"), sys);
        SaslConfig s = c.security().sasl();
        assertEquals(Map.of("super", "adminsecret", "bob", "bobsecret"), s.digestUsers());
        assertFalse(s.kerberos());
        assertEquals(Set.of("super", "carol"), s.superUsers());
        assertEquals(Set.of("sasl"), c.security().schemes());
    }

    @Test
    void withoutAJaasFile_orWithoutItsSection_thereIsNoSasl() throws IOException {
        assertNull(parse(Map.of(), new Properties()).security().sasl());
        assertNull(parse(Map.of(), jaas("Client {\n com.sun.security.auth.module.Krb5LoginModule required;\n};\n"))
                .security().sasl());
        Properties other = jaas("Other {\n com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;\n};\n");
        other.setProperty("zookeeper.sasl.serverconfig", "Other");
        assertTrue(parse(Map.of(), other).security().sasl().kerberos());
    }

    @Test
    void aJaasFileThatCannotBeRead_stopsTheStart() {
        Properties sys = new Properties();
        sys.setProperty("java.security.auth.login.config", tmp.resolve("missing.conf").toString());
        String message = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), sys)).getMessage();
        assertTrue(message.startsWith("No JAAS configuration section named 'Server' was found in '"), message);
    }

    @Test
    void enforcement_isReadAsAuthenticationHelperReadsIt() {
        Properties sys = new Properties();
        sys.setProperty("zookeeper.sessionRequireClientSASLAuth", "true");
        Map<String, String> provider = Map.of("authProvider.sasl",
                "org.apache.zookeeper.server.auth.SASLAuthenticationProvider");
        assertEquals(List.of("sasl"), parse(provider, sys).security().enforceSchemes());
        assertTrue(parse(provider, sys).security().saslRequired());
        // the SASL requirement too needs the sasl provider registered
        assertEquals("Authentication scheme sasl is not available.",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), sys)).getMessage());
        assertEquals(List.of("digest"), parse(Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", "digest"),
                new Properties()).security().enforceSchemes());
        assertEquals(List.of(), parse(Map.of("enforce.auth.schemes", "digest"), new Properties()).security()
                .enforceSchemes());
        assertEquals("zookeeper.enforce.auth.enabled is true zookeeper.enforce.auth.schemes must be  configured.",
                assertThrows(IllegalArgumentException.class,
                        () -> parse(Map.of("enforce.auth.enabled", "true"), new Properties())).getMessage());
        assertEquals("Authentication scheme sasl is not available.", assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", "sasl"),
                        new Properties())).getMessage());
    }
}

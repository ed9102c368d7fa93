package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;

import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * ACLs and authentication: digest auth with addAuthInfo, getACL/setACL and aversion, InvalidACL, NoAuth for each
 * permission, getACL's masking of digests for callers without ADMIN, whoAmI, and watch events withheld from a
 * watcher that may not READ the changed node (CVE-2024-23944).
 */
class AclDiffTest {
    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.start();
    }

    @AfterAll
    static void stop() {
        diff.close();
    }

    private static Id digest(String userPassword) throws Exception {
        return new Id("digest", DigestAuthenticationProvider.generateDigest(userPassword));
    }

    @Test
    void acl_digestAuth_creatorAll_grantsOwnerAndDeniesOthers(TestInfo info) {
        diff.check(info, env -> {
            Client owner = env.client("owner");
            Client stranger = env.client("stranger");
            Client twin = env.client("twin");
            String p = env.prefix(owner);
            owner.addAuth("digest", "alice:secret");
            owner.create2(p + "/secret", Client.bytes("s"), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            owner.getACL(p + "/secret");
            owner.create2(p + "/secret/child", Client.bytes("c"), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            owner.whoAmI();
            for (Client c : List.of(stranger, twin)) {
                c.getData(p + "/secret", null);
                c.exists(p + "/secret", null);
                c.getChildren(p + "/secret", null);
                c.getChildren2(p + "/secret", null);
                c.getACL(p + "/secret");
                c.setData(p + "/secret", "x", -1);
                c.setACL(p + "/secret", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
                c.create2(p + "/secret/new", "", PERSISTENT);
                c.delete(p + "/secret/child", -1);
                c.getAllChildrenNumber(p + "/secret");
                c.sync(p + "/secret");
                c.whoAmI();
                twin.addAuth("digest", "alice:secret");
            }
            owner.delete(p + "/secret/child", -1);
            owner.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void acl_eachPermission_isCheckedOnItsOwn(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            int[] perms = {Perms.READ, Perms.WRITE, Perms.CREATE, Perms.DELETE, Perms.ADMIN};
            for (int perm : perms) {
                String n = p + "/perm" + perm;
                c.create2(n, Client.bytes("d"), List.of(new ACL(perm, ZooDefs.Ids.ANYONE_ID_UNSAFE)), PERSISTENT);
            }
            for (int perm : perms) {
                String n = p + "/perm" + perm;
                c.getData(n, null);
                c.setData(n, "w", -1);
                c.create2(n + "/child", "", PERSISTENT);
                c.getACL(n);
            }
            // delete needs DELETE on the parent: make children under a CREATE|DELETE node
            c.create2(p + "/cd", Client.bytes(""), List.of(new ACL(Perms.CREATE | Perms.DELETE,
                    ZooDefs.Ids.ANYONE_ID_UNSAFE)), PERSISTENT);
            c.create2(p + "/cd/x", "", PERSISTENT);
            c.delete(p + "/cd/x", -1);
            c.setACL(p + "/perm16", ZooDefs.Ids.READ_ACL_UNSAFE, 0);
            c.setACL(p + "/perm16", ZooDefs.Ids.OPEN_ACL_UNSAFE, 1);
            c.delete(p + "/perm4/child", -1);
            c.setACL(p + "/perm4", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
        });
    }

    @Test
    void acl_setACL_versionsAndErrors(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.addAuth("digest", "bob:pw");
            c.create2(p + "/n", "", PERSISTENT);
            c.setACL(p + "/n", ZooDefs.Ids.READ_ACL_UNSAFE, -1);
            c.getACL(p + "/n");
            c.setACL(p + "/n", ZooDefs.Ids.OPEN_ACL_UNSAFE, 0);
            c.setACL(p + "/n", ZooDefs.Ids.OPEN_ACL_UNSAFE, 1);
            c.setACL(p + "/n", ZooDefs.Ids.CREATOR_ALL_ACL, 2);
            c.getACL(p + "/n");
            c.setACL(p + "/missing", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            c.setACL(p + "/n", List.of(), -1);
            c.setACL(p + "/n", List.of(new ACL(Perms.ALL, new Id("nope", "x"))), -1);
            c.setACL(p + "/n", List.of(new ACL(Perms.ALL, new Id("ip", "10.0.0.0/8")),
                    new ACL(Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
                    new ACL(Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)), -1);
            c.getACL(p + "/n");
            // the data stat is untouched by ACL changes; only aversion moves
            c.exists(p + "/n", null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void acl_ipScheme_matchesTheClientAddress(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/local", Client.bytes("l"), List.of(new ACL(Perms.ALL, new Id("ip", "127.0.0.1"))),
                    PERSISTENT);
            c.create2(p + "/subnet", Client.bytes("s"), List.of(new ACL(Perms.ALL, new Id("ip", "127.0.0.0/8"))),
                    PERSISTENT);
            c.create2(p + "/elsewhere", Client.bytes("e"), List.of(new ACL(Perms.ALL, new Id("ip", "10.1.2.3"))),
                    PERSISTENT);
            c.getData(p + "/local", null);
            c.getData(p + "/subnet", null);
            c.getData(p + "/elsewhere", null);
            c.getACL(p + "/elsewhere");
            c.whoAmI();
        });
    }

    @Test
    void acl_getACL_masksDigestsForCallersWithoutAdmin(TestInfo info) {
        diff.check(info, env -> {
            Client owner = env.client("owner");
            Client reader = env.client("reader");
            String p = env.prefix(owner);
            List<ACL> acl = List.of(new ACL(Perms.ALL, digest("carol:pw")), new ACL(Perms.READ,
                    ZooDefs.Ids.ANYONE_ID_UNSAFE));
            owner.create2(p + "/n", Client.bytes(""), acl, PERSISTENT);
            owner.getACL(p + "/n");
            reader.getACL(p + "/n");
            reader.addAuth("digest", "carol:pw");
            reader.getACL(p + "/n");
        });
    }

    @Test
    void acl_authScheme_withoutDigestAuth_isInvalidAcl(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", Client.bytes(""), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            c.create2(p + "/b", "", PERSISTENT);
            c.setACL(p + "/b", ZooDefs.Ids.CREATOR_ALL_ACL, -1);
            c.addAuth("digest", "dave:pw");
            c.addAuth("digest", "erin:pw");
            c.addAuth("digest", "dave:pw");
            c.create2(p + "/c", Client.bytes(""), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            c.getACL(p + "/c");
            c.whoAmI();
        });
    }

    @Test
    void watch_eventsWithheldFromWatcherWithoutRead(TestInfo info) {
        diff.check(info, env -> {
            Client owner = env.client("owner");
            Client watcher = env.client("watcher");
            String p = env.prefix(owner);
            owner.addAuth("digest", "frank:pw");
            owner.create2(p + "/open", "", PERSISTENT);
            owner.create2(p + "/closed", Client.bytes(""), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            watcher.addWatch(p, watcher.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            watcher.getData(p + "/open", watcher.w("data"));
            watcher.exists(p + "/open/secret", watcher.w("exists"));
            watcher.getChildren(p + "/open", watcher.w("children"));
            // a node nobody else may read: no NodeCreated for it, but its open parent's child watch fires
            owner.create2(p + "/open/secret", Client.bytes(""), ZooDefs.Ids.CREATOR_ALL_ACL, PERSISTENT);
            owner.setData(p + "/open/secret", "x", -1);
            owner.create2(p + "/closed/child", "", PERSISTENT);
            owner.setData(p + "/closed", "x", -1);
            // the data watch on /open is spent even though READ is then taken away before it fires
            owner.setACL(p + "/open", ZooDefs.Ids.CREATOR_ALL_ACL, -1);
            owner.setData(p + "/open", "hidden", -1);
            owner.setACL(p + "/open", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            owner.setData(p + "/open", "visible", -1);
            owner.delete(p + "/open/secret", -1);
            owner.create2(p + "/visible", "", EPHEMERAL);
        });
    }
}

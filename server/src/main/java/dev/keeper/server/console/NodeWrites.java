package dev.keeper.server.console;

import dev.keeper.server.admin.AdminAuth;
import dev.keeper.server.admin.ServerView;
import dev.keeper.server.auth.DigestAuth;
import dev.keeper.server.tree.AclCache;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's writes: create (with its parent's ACL), setData and delete of one node. Only a caller who authenticates with a digest
 * credential ({@code Authorization: digest user:password}) whose ids hold ADMIN on the node (on its parent for a
 * create) may write; the page is read-only for everyone else. The write itself is an ordinary client request on a
 * session of its own that carries the same credential ({@link LocalClient}), so the node's ACL, quotas and versions
 * are checked as for any client, it is logged and replicated as any write is, and watches fire.
 *
 * <p>Refusals answer as the AdminServer's guarded commands do: 401 "Auth info is missing for the command" without
 * the header, 401 "Not authenticated" for a credential that proves nothing, 403 "Not authorized" without ADMIN.
 */
final class NodeWrites {
    private static final Logger LOG = LoggerFactory.getLogger(NodeWrites.class);
    enum Kind { CREATE, SET, DELETE }

    private final ServerView view;
    private final Executor onProcessor;
    private final ExecutorService io;

    NodeWrites(ServerView view, Executor onProcessor, ExecutorService io) {
        this.view = view;
        this.onProcessor = onProcessor;
        this.io = io;
    }

    /** HTTP thread: checks the caller, then writes on the console's own thread. */
    CompletableFuture<ApiResponse> write(Kind kind, String path, int version, byte[] data, String authorization,
            String remoteIp) {
        if (authorization == null || authorization.isBlank()) {
            return done(ApiResponse.error(401, "Auth info is missing for the command"));
        }
        String[] parts = authorization.trim().split(" ", 2);
        if (!parts[0].equals(DigestAuth.SCHEME) || parts.length < 2) {
            return done(ApiResponse.error(401, "Not authenticated"));
        }
        List<Id> ids;
        try {
            ids = AdminAuth.authenticate(authorization.trim(), remoteIp, null, null, view.config());
        } catch (AdminAuth.NotAuthenticated e) {
            return done(ApiResponse.error(401, "Not authenticated"));
        }
        String guarded = kind == Kind.CREATE ? parent(path) : path;
        if (guarded == null) {
            return done(ApiResponse.error(400, "Bad path: " + path));
        }
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        onProcessor.execute(() -> {
            if (view.tree().get(guarded) == null) {
                answer.complete(ApiResponse.error(404, "NoNode", ErrorCode.NO_NODE));
            } else if (!AdminAuth.authorized(view.tree(), guarded, AclCache.Perms.ADMIN, ids)) {
                LOG.warn("Console: {} of {} refused: the ids {} lack ADMIN on {}", kind, path, ids, guarded);
                answer.complete(ApiResponse.error(403, "Not authorized"));
            } else {
                // a created node takes its parent's ACL: under a guarded parent, guarded alike
                List<ACL> acl = kind == Kind.CREATE ? parentAcl(guarded) : null;
                io.execute(() -> answer.complete(run(kind, path, version, data, parts[1], acl)));
            }
        });
        return answer;
    }

    private ApiResponse run(Kind kind, String path, int version, byte[] data, String credential, List<ACL> acl) {
        InetSocketAddress port = view.clientAddress();
        if (port == null) {
            return ApiResponse.error(503, "The console writes through the plain client port, and there is none");
        }
        try (LocalClient c = LocalClient.open(port)) {
            LocalClient.Result auth = c.addAuth(DigestAuth.SCHEME, credential);
            if (auth.err() != 0) {
                return ApiResponse.error(401, "Not authenticated");
            }
            Record response = switch (kind) {
                case CREATE -> new CreateResponse();
                case SET -> new SetDataResponse();
                case DELETE -> null;
            };
            LocalClient.Result r = switch (kind) {
                case CREATE -> c.call(OpCode.CREATE, new CreateRequest(path, data, acl, 0), response);
                case SET -> c.call(OpCode.SET_DATA, new SetDataRequest(path, data, version), response);
                case DELETE -> c.call(OpCode.DELETE, new DeleteRequest(path, version), null);
            };
            if (r.err() != 0) {
                return ApiResponse.error(status(r.err()), name(r.err()), r.err());
            }
            LOG.info("Console: {} of {} done (zxid 0x{})", kind, path, Long.toHexString(r.zxid()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", true);
            m.put("path", response instanceof CreateResponse cr ? cr.getPath() : path);
            m.put("zxid", "0x" + Long.toHexString(r.zxid()));
            if (response instanceof SetDataResponse sr) {
                m.put("stat", ConsoleApi.stat(sr.getStat()));
            }
            return new ApiResponse(200, m);
        } catch (IOException e) {
            LOG.warn("Console: {} of {} failed: {}", kind, path, e.toString());
            return ApiResponse.error(503, "The write did not complete: " + e.getMessage());
        }
    }

    /** Processor thread: the parent's ACL, or ZooKeeper's open ACL where a node has none recorded. */
    private List<ACL> parentAcl(String parent) {
        List<ACL> acl = view.tree().acl(view.tree().get(parent));
        return acl == null || acl.isEmpty()
                ? List.of(new ACL(AclCache.Perms.ALL, new Id("world", "anyone"))) : List.copyOf(acl);
    }

    private static String parent(String path) {
        if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static int status(int err) {
        return switch (err) {
            case ErrorCode.NO_NODE -> 404;
            case ErrorCode.NO_AUTH -> 403;
            case ErrorCode.NODE_EXISTS, ErrorCode.BAD_VERSION, ErrorCode.NOT_EMPTY -> 409;
            default -> 400;
        };
    }

    /** {@code KeeperException.Code}'s names for what a console write can meet. */
    static String name(int err) {
        return switch (err) {
            case ErrorCode.NO_NODE -> "NoNode";
            case ErrorCode.NO_AUTH -> "NoAuth";
            case ErrorCode.BAD_VERSION -> "BadVersion";
            case ErrorCode.NODE_EXISTS -> "NodeExists";
            case ErrorCode.NOT_EMPTY -> "NotEmpty";
            case ErrorCode.NO_CHILDREN_FOR_EPHEMERALS -> "NoChildrenForEphemerals";
            case ErrorCode.BAD_ARGUMENTS -> "BadArguments";
            case ErrorCode.INVALID_ACL -> "InvalidACL";
            case ErrorCode.QUOTA_EXCEEDED -> "QuotaExceeded";
            case ErrorCode.NOT_READ_ONLY -> "NotReadOnly";
            case ErrorCode.AUTH_FAILED -> "AuthFailed";
            case ErrorCode.MARSHALLING_ERROR -> "MarshallingError";
            default -> "error " + err;
        };
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}

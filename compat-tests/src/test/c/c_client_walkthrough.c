/*
 * The ZooKeeper C client (libzookeeper_mt, Debian's 3.8.0) walked through the calls an application makes:
 * sessions, the create modes, data, child and exists watches, multi, ACLs, versioned delete, and the removal of
 * a closed session's ephemerals. Two handles, A and B, so that one changes what the other watches.
 *
 * Usage: c_client_walkthrough HOST:PORT
 *
 * Prints one line per step, deterministic for a server holding no /cclient node: no session ids, times or
 * absolute zxids (a zxid is printed relative to the czxid of /cclient, which both ZooKeeper and a faithful
 * reimplementation advance step for step). Exits 0 when every step gave the result ZooKeeper documents, 1
 * otherwise. Every wait is bounded: events by WAIT_SECONDS, the whole run by alarm(RUN_SECONDS).
 *
 * CClientTest (dev.keeper.compat.cclient) compiles it with gcc and compares its output with the transcript it
 * expects, against the real ZooKeeper and against Keeper.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#define WAIT_SECONDS 10
#define RUN_SECONDS 120
#define SESSION_TIMEOUT_MS 10000
#define MAX_EVENTS 32

/* ---- events: every watcher callback lands here, per handle, in arrival order ---- */

typedef struct {
    int type;
    int state;
    char path[256];
    const char *watch; /* which watch fired: "session" for the global watcher */
} event_t;

typedef struct {
    const char *name; /* "A" or "B": the context given to zookeeper_init */
    event_t queue[MAX_EVENTS];
    int head;
    int count;
} handle_events_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int failures;

static void record(zhandle_t *zh, int type, int state, const char *path, const char *watch) {
    handle_events_t *h = (handle_events_t *) zoo_get_context(zh);
    pthread_mutex_lock(&lock);
    if (h->count < MAX_EVENTS) {
        event_t *e = &h->queue[(h->head + h->count) % MAX_EVENTS];
        e->type = type;
        e->state = state;
        snprintf(e->path, sizeof e->path, "%s", path ? path : "");
        e->watch = watch;
        h->count++;
    }
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static void session_watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void) ctx;
    record(zh, type, state, path, "session");
}

static void data_watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    record(zh, type, state, path, (const char *) ctx);
}

/* Takes the oldest event of a handle, waiting at most WAIT_SECONDS. Returns 0 when none came. */
static int next_event(handle_events_t *h, event_t *out) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS;
    int got = 0;
    pthread_mutex_lock(&lock);
    while (h->count == 0) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    if (h->count > 0) {
        *out = h->queue[h->head];
        h->head = (h->head + 1) % MAX_EVENTS;
        h->count--;
        got = 1;
    }
    pthread_mutex_unlock(&lock);
    return got;
}

static int pending_events(handle_events_t *h) {
    pthread_mutex_lock(&lock);
    int n = h->count;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- names for what the library returns ---- */

static const char *rc_name(int rc) {
    switch (rc) {
    case ZOK: return "ZOK";
    case ZRUNTIMEINCONSISTENCY: return "ZRUNTIMEINCONSISTENCY";
    case ZCONNECTIONLOSS: return "ZCONNECTIONLOSS";
    case ZMARSHALLINGERROR: return "ZMARSHALLINGERROR";
    case ZUNIMPLEMENTED: return "ZUNIMPLEMENTED";
    case ZOPERATIONTIMEOUT: return "ZOPERATIONTIMEOUT";
    case ZBADARGUMENTS: return "ZBADARGUMENTS";
    case ZINVALIDSTATE: return "ZINVALIDSTATE";
    case ZNONODE: return "ZNONODE";
    case ZNOAUTH: return "ZNOAUTH";
    case ZBADVERSION: return "ZBADVERSION";
    case ZNOCHILDRENFOREPHEMERALS: return "ZNOCHILDRENFOREPHEMERALS";
    case ZNODEEXISTS: return "ZNODEEXISTS";
    case ZNOTEMPTY: return "ZNOTEMPTY";
    case ZSESSIONEXPIRED: return "ZSESSIONEXPIRED";
    case ZINVALIDACL: return "ZINVALIDACL";
    case ZAUTHFAILED: return "ZAUTHFAILED";
    case ZCLOSING: return "ZCLOSING";
    default: {
        static char other[32];
        snprintf(other, sizeof other, "error %d", rc);
        return other;
    }
    }
}

static const char *event_name(int type) {
    if (type == ZOO_CREATED_EVENT) return "CREATED";
    if (type == ZOO_DELETED_EVENT) return "DELETED";
    if (type == ZOO_CHANGED_EVENT) return "CHANGED";
    if (type == ZOO_CHILD_EVENT) return "CHILD";
    if (type == ZOO_SESSION_EVENT) return "SESSION";
    if (type == ZOO_NOTWATCHING_EVENT) return "NOTWATCHING";
    return "UNKNOWN";
}

static const char *state_name(int state) {
    if (state == ZOO_CONNECTED_STATE) return "CONNECTED";
    if (state == ZOO_CONNECTING_STATE) return "CONNECTING";
    if (state == ZOO_ASSOCIATING_STATE) return "ASSOCIATING";
    if (state == ZOO_EXPIRED_SESSION_STATE) return "EXPIRED";
    if (state == ZOO_AUTH_FAILED_STATE) return "AUTH_FAILED";
    if (state == 0) return "CLOSED";
    return "UNKNOWN";
}

/* ---- the two handles, and how a Stat is printed without anything that varies from run to run ---- */

static handle_events_t events_a = {"A", {{0}}, 0, 0};
static handle_events_t events_b = {"B", {{0}}, 0, 0};
static zhandle_t *zh_a;
static zhandle_t *zh_b;
static int64_t session_a;
static int64_t session_b;
static int64_t zxid_base; /* czxid of /cclient */

static const char *owner_name(int64_t owner) {
    if (owner == 0) return "none";
    if (owner == session_a) return "A";
    if (owner == session_b) return "B";
    return "another session";
}

static const char *stat_text(const struct Stat *s) {
    static char text[256];
    snprintf(text, sizeof text,
             "version=%d cversion=%d aversion=%d dataLength=%d numChildren=%d ephemeralOwner=%s"
             " czxid=+%lld mzxid=+%lld pzxid=+%lld",
             s->version, s->cversion, s->aversion, s->dataLength, s->numChildren, owner_name(s->ephemeralOwner),
             (long long) (s->czxid - zxid_base), (long long) (s->mzxid - zxid_base),
             (long long) (s->pzxid - zxid_base));
    return text;
}

/* Prints "<step>: <rc name>[ <detail>]" and counts a failure when rc is not the one ZooKeeper gives. */
static void step(const char *what, int rc, int expected, const char *detail_fmt, ...) {
    char detail[512] = "";
    if (detail_fmt != NULL && rc == ZOK) {
        va_list args;
        va_start(args, detail_fmt);
        detail[0] = ' ';
        vsnprintf(detail + 1, sizeof detail - 1, detail_fmt, args);
        va_end(args);
    }
    printf("%s: %s%s", what, rc_name(rc), detail);
    if (rc != expected) {
        printf("   <-- expected %s", rc_name(expected));
        failures++;
    }
    printf("\n");
    fflush(stdout);
}

/* Waits for the next event of a handle and checks it is the one expected. */
static void expect_event(handle_events_t *h, int type, const char *path, const char *watch) {
    event_t e;
    if (!next_event(h, &e)) {
        printf("%s event: none within %d s   <-- expected %s %s (%s)\n", h->name, WAIT_SECONDS, event_name(type),
               path, watch);
        failures++;
        fflush(stdout);
        return;
    }
    printf("%s event: %s %s (%s)", h->name, event_name(e.type), e.path, e.watch);
    if (e.type != type || strcmp(e.path, path) != 0 || strcmp(e.watch, watch) != 0) {
        printf("   <-- expected %s %s (%s)", event_name(type), path, watch);
        failures++;
    }
    printf("\n");
    fflush(stdout);
}

static zhandle_t *connect_handle(const char *hosts, handle_events_t *h) {
    zhandle_t *zh = zookeeper_init(hosts, session_watcher, SESSION_TIMEOUT_MS, 0, h, 0);
    if (zh == NULL) {
        printf("session %s: zookeeper_init failed (errno %d)\n", h->name, errno);
        exit(1);
    }
    event_t e;
    if (!next_event(h, &e)) {
        printf("session %s: not connected within %d s\n", h->name, WAIT_SECONDS);
        exit(1);
    }
    printf("session %s: %s %s, timeout %d ms\n", h->name, event_name(e.type), state_name(e.state),
           zoo_recv_timeout(zh));
    if (e.type != ZOO_SESSION_EVENT || e.state != ZOO_CONNECTED_STATE) {
        printf("session %s: expected SESSION CONNECTED\n", h->name);
        exit(1);
    }
    fflush(stdout);
    return zh;
}

/* ---- zoo_add_auth completes asynchronously ---- */

typedef struct {
    int done;
    int rc;
} completion_t;

static void auth_done(int rc, const void *data) {
    completion_t *c = (completion_t *) data;
    pthread_mutex_lock(&lock);
    c->rc = rc;
    c->done = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static int add_digest_auth(zhandle_t *zh, const char *user_password) {
    completion_t c = {0, 0};
    int rc = zoo_add_auth(zh, "digest", user_password, (int) strlen(user_password), auth_done, &c);
    if (rc != ZOK) {
        return rc;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS;
    pthread_mutex_lock(&lock);
    while (!c.done) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    rc = c.done ? c.rc : ZOPERATIONTIMEOUT;
    pthread_mutex_unlock(&lock);
    return rc;
}

/* ---- helpers over the synchronous API ---- */

static int get_text(zhandle_t *zh, const char *path, char *value, struct Stat *stat) {
    char buffer[128];
    int len = sizeof buffer - 1;
    int rc = zoo_get(zh, path, 0, buffer, &len, stat);
    buffer[rc == ZOK && len > 0 ? len : 0] = '\0';
    strcpy(value, buffer);
    return rc;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static const char *children_text(struct String_vector *children) {
    static char text[512];
    qsort(children->data, (size_t) children->count, sizeof(char *), compare_strings);
    strcpy(text, "[");
    for (int i = 0; i < children->count; i++) {
        strcat(text, i ? ", " : "");
        strcat(text, children->data[i]);
    }
    strcat(text, "]");
    return text;
}

static const char *acl_text(const struct ACL_vector *acl) {
    static char text[512];
    text[0] = '\0';
    for (int i = 0; i < acl->count; i++) {
        char one[200];
        snprintf(one, sizeof one, "%s%s:%s perms=%d", i ? ", " : "", acl->data[i].id.scheme, acl->data[i].id.id,
                 acl->data[i].perms);
        strcat(text, one);
    }
    return text;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    alarm(RUN_SECONDS);
    zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
    const char *hosts = argv[1];
    char path[256];
    char value[128];
    struct Stat stat;
    int rc;

    /* Sessions: the global watcher sees CONNECTED; the requested timeout is within [2, 20] ticks of 2000 ms. */
    zh_a = connect_handle(hosts, &events_a);
    zh_b = connect_handle(hosts, &events_b);
    session_a = zoo_client_id(zh_a)->client_id;
    session_b = zoo_client_id(zh_b)->client_id;
    printf("sessions A and B differ: %s\n", session_a != session_b && session_a != 0 ? "yes" : "no");

    /* Creates, and the error codes of the ones that cannot succeed. */
    rc = zoo_create(zh_a, "/cclient", "root", 4, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("create /cclient (persistent)", rc, ZOK, "%s", path);
    rc = zoo_exists(zh_a, "/cclient", 0, &stat);
    zxid_base = stat.czxid;
    step("exists /cclient", rc, ZOK, "%s", stat_text(&stat));
    rc = zoo_create(zh_a, "/cclient", "again", 5, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("create /cclient again", rc, ZNODEEXISTS, NULL);
    rc = zoo_create(zh_a, "/cclient/no/child", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("create /cclient/no/child (no parent)", rc, ZNONODE, NULL);
    rc = get_text(zh_a, "/cclient/none", value, &stat);
    step("get /cclient/none", rc, ZNONODE, NULL);
    rc = zoo_create2(zh_a, "/cclient/data", "v0", 2, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path,
                     &stat);
    step("create2 /cclient/data \"v0\"", rc, ZOK, "%s %s", path, stat_text(&stat));
    rc = zoo_create(zh_a, "/cclient/seq-", "s", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, path,
                    sizeof path);
    step("create /cclient/seq- (persistent sequential)", rc, ZOK, "%s", path);
    rc = zoo_create(zh_a, "/cclient/seq-", "s", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, path,
                    sizeof path);
    step("create /cclient/seq- (persistent sequential)", rc, ZOK, "%s", path);
    rc = zoo_create(zh_b, "/cclient/eph", "b", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, path, sizeof path);
    step("B create /cclient/eph (ephemeral)", rc, ZOK, "%s", path);
    rc = zoo_create(zh_b, "/cclient/eseq-", "b", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL, path,
                    sizeof path);
    step("B create /cclient/eseq- (ephemeral sequential)", rc, ZOK, "%s", path);
    char eseq[256];
    strcpy(eseq, rc == ZOK ? path : "/cclient/eseq-missing");
    rc = zoo_exists(zh_a, "/cclient/eph", 0, &stat);
    step("exists /cclient/eph", rc, ZOK, "%s", stat_text(&stat));
    rc = zoo_create(zh_a, "/cclient/eph/child", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("create /cclient/eph/child (under an ephemeral)", rc, ZNOCHILDRENFOREPHEMERALS, NULL);

    /* A data watch set by A fires when B changes the node. */
    char buffer[128];
    int len = sizeof buffer - 1;
    rc = zoo_wget(zh_a, "/cclient/data", data_watcher, "data watch", buffer, &len, &stat);
    buffer[rc == ZOK ? len : 0] = '\0';
    step("A wget /cclient/data", rc, ZOK, "\"%s\" %s", buffer, stat_text(&stat));
    rc = zoo_set(zh_b, "/cclient/data", "v1", 2, 0);
    step("B set /cclient/data \"v1\" version 0", rc, ZOK, NULL);
    expect_event(&events_a, ZOO_CHANGED_EVENT, "/cclient/data", "data watch");
    rc = get_text(zh_a, "/cclient/data", value, &stat);
    step("A get /cclient/data", rc, ZOK, "\"%s\" %s", value, stat_text(&stat));

    /* A child watch fires when B adds a child. */
    struct String_vector children;
    rc = zoo_wget_children(zh_a, "/cclient", data_watcher, "child watch", &children);
    step("A wget_children /cclient", rc, ZOK, "%s", rc == ZOK ? children_text(&children) : "");
    if (rc == ZOK) {
        deallocate_String_vector(&children);
    }
    rc = zoo_create(zh_b, "/cclient/kid", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("B create /cclient/kid", rc, ZOK, "%s", path);
    expect_event(&events_a, ZOO_CHILD_EVENT, "/cclient", "child watch");

    /* An exists watch on a missing node fires when B creates it. */
    rc = zoo_wexists(zh_a, "/cclient/later", data_watcher, "exists watch", &stat);
    step("A wexists /cclient/later", rc, ZNONODE, NULL);
    rc = zoo_create(zh_b, "/cclient/later", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("B create /cclient/later", rc, ZOK, "%s", path);
    expect_event(&events_a, ZOO_CREATED_EVENT, "/cclient/later", "exists watch");

    /* multi: all of it, or none of it with a result per op. */
    {
        zoo_op_t ops[2];
        zoo_op_result_t results[2];
        char created[256];
        struct Stat set_stat;
        zoo_create_op_init(&ops[0], "/cclient/m1", "m", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, created,
                           sizeof created);
        zoo_set_op_init(&ops[1], "/cclient/data", "v2", 2, 1, &set_stat);
        rc = zoo_multi(zh_a, 2, ops, results);
        step("multi [create /cclient/m1, set /cclient/data version 1]", rc, ZOK, NULL);
        step("  op 1 create", results[0].err, ZOK, "%s", created);
        step("  op 2 set", results[1].err, ZOK, "%s", stat_text(&set_stat));
    }
    {
        zoo_op_t ops[3];
        zoo_op_result_t results[3];
        char created[256];
        struct Stat set_stat;
        zoo_create_op_init(&ops[0], "/cclient/m2", "m", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, created,
                           sizeof created);
        zoo_check_op_init(&ops[1], "/cclient/data", 7);
        zoo_set_op_init(&ops[2], "/cclient/data", "v3", 2, -1, &set_stat);
        rc = zoo_multi(zh_a, 3, ops, results);
        step("multi [create /cclient/m2, check /cclient/data version 7, set /cclient/data]", rc, ZBADVERSION,
             NULL);
        step("  op 1 create", results[0].err, ZOK, NULL);
        step("  op 2 check", results[1].err, ZBADVERSION, NULL);
        step("  op 3 set", results[2].err, ZRUNTIMEINCONSISTENCY, NULL);
    }
    rc = zoo_exists(zh_a, "/cclient/m2", 0, &stat);
    step("exists /cclient/m2 (rolled back)", rc, ZNONODE, NULL);
    rc = get_text(zh_a, "/cclient/data", value, &stat);
    step("get /cclient/data", rc, ZOK, "\"%s\" %s", value, stat_text(&stat));

    /* ACLs: world, read-only, and a digest identity added with zoo_add_auth. */
    struct ACL_vector acl;
    rc = zoo_get_acl(zh_a, "/cclient", &acl, &stat);
    step("get_acl /cclient", rc, ZOK, "[%s] aversion=%d", rc == ZOK ? acl_text(&acl) : "", stat.aversion);
    if (rc == ZOK) {
        deallocate_ACL_vector(&acl);
    }
    rc = zoo_create(zh_a, "/cclient/ro", "r", 1, &ZOO_READ_ACL_UNSAFE, ZOO_PERSISTENT, path, sizeof path);
    step("create /cclient/ro (read-only ACL)", rc, ZOK, "%s", path);
    rc = zoo_get_acl(zh_a, "/cclient/ro", &acl, &stat);
    step("get_acl /cclient/ro", rc, ZOK, "[%s]", rc == ZOK ? acl_text(&acl) : "");
    if (rc == ZOK) {
        deallocate_ACL_vector(&acl);
    }
    rc = zoo_set(zh_a, "/cclient/ro", "w", 1, -1);
    step("set /cclient/ro", rc, ZNOAUTH, NULL);
    rc = add_digest_auth(zh_a, "keeper:secret");
    step("A add_auth digest keeper:secret", rc, ZOK, NULL);
    rc = zoo_create(zh_a, "/cclient/private", "p", 1, &ZOO_CREATOR_ALL_ACL, ZOO_PERSISTENT, path, sizeof path);
    step("A create /cclient/private (creator-all ACL)", rc, ZOK, "%s", path);
    rc = zoo_get_acl(zh_a, "/cclient/private", &acl, &stat);
    step("get_acl /cclient/private", rc, ZOK, "[%s]", rc == ZOK ? acl_text(&acl) : "");
    if (rc == ZOK) {
        deallocate_ACL_vector(&acl);
    }
    rc = get_text(zh_a, "/cclient/private", value, &stat);
    step("A get /cclient/private", rc, ZOK, "\"%s\"", value);
    rc = get_text(zh_b, "/cclient/private", value, &stat);
    step("B get /cclient/private", rc, ZNOAUTH, NULL);

    /* Versioned and refused deletes. */
    rc = zoo_delete(zh_a, "/cclient/data", 7);
    step("delete /cclient/data version 7", rc, ZBADVERSION, NULL);
    rc = zoo_delete(zh_a, "/cclient", -1);
    step("delete /cclient (has children)", rc, ZNOTEMPTY, NULL);
    rc = zoo_delete(zh_a, "/cclient/data", 2);
    step("delete /cclient/data version 2", rc, ZOK, NULL);
    rc = zoo_delete(zh_a, "/cclient/data", -1);
    step("delete /cclient/data again", rc, ZNONODE, NULL);

    /* Closing B ends its session: its ephemerals go, and A's exists watch on one of them fires. */
    rc = zoo_wexists(zh_a, "/cclient/eph", data_watcher, "exists watch", &stat);
    step("A wexists /cclient/eph", rc, ZOK, "ephemeralOwner=%s", owner_name(stat.ephemeralOwner));
    printf("B events not consumed: %d\n", pending_events(&events_b));
    rc = zookeeper_close(zh_b);
    step("close B", rc, ZOK, NULL);
    expect_event(&events_a, ZOO_DELETED_EVENT, "/cclient/eph", "exists watch");
    rc = zoo_exists(zh_a, "/cclient/eph", 0, &stat);
    step("exists /cclient/eph", rc, ZNONODE, NULL);
    rc = zoo_exists(zh_a, eseq, 0, &stat);
    step("exists the ephemeral sequential node", rc, ZNONODE, NULL);
    rc = zoo_exists(zh_a, "/cclient", 0, &stat);
    step("exists /cclient", rc, ZOK, "%s", stat_text(&stat));

    /* Leave the server as it was found. */
    rc = zoo_get_children(zh_a, "/cclient", 0, &children);
    step("get_children /cclient", rc, ZOK, "%s", rc == ZOK ? children_text(&children) : "");
    int cleanup = rc;
    if (rc == ZOK) {
        for (int i = 0; i < children.count && cleanup == ZOK; i++) {
            snprintf(path, sizeof path, "/cclient/%s", children.data[i]);
            cleanup = zoo_delete(zh_a, path, -1);
        }
        deallocate_String_vector(&children);
    }
    if (cleanup == ZOK) {
        cleanup = zoo_delete(zh_a, "/cclient", -1);
    }
    step("delete /cclient and its children", cleanup, ZOK, NULL);
    printf("A events not consumed: %d\n", pending_events(&events_a));
    rc = zookeeper_close(zh_a);
    step("close A", rc, ZOK, NULL);
    if (pending_events(&events_a) != 0 || pending_events(&events_b) != 0) {
        failures++;
    }
    printf("%s\n", failures == 0 ? "done" : "FAILED");
    return failures == 0 ? 0 : 1;
}

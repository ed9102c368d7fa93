/*
 * The ZooKeeper C client (libzookeeper_mt, Debian's 3.8.0) through the crash of the member it is connected to, in
 * a three-member ensemble: it connects with every member in its host list, writes, leaves an ephemeral and a data
 * watch, kills (SIGKILL) the member it is connected to, reconnects to another member in the same session (the
 * library re-registers its watches there with SetWatches), sees its write and its ephemeral, and gets the watch's
 * event when another handle changes the node.
 *
 * Usage: c_client_failover HOSTS PORT=PID[,PORT=PID...]
 *
 * HOSTS is the ensemble's connect string, PORT=PID the process id of the member serving each client port. Prints
 * one line per step, the same on every run against a server that behaves as ZooKeeper does; exits 0 when every
 * step went as ZooKeeper's clients expect, 1 otherwise. Every wait is bounded: events by WAIT_SECONDS, the whole
 * run by alarm(RUN_SECONDS).
 *
 * EnsembleClientFailoverTest (dev.keeper.compat.ensemble) compiles it with gcc and compares its output with the
 * transcript it expects, against our ensemble and against ZooKeeper 3.9.5's.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#define WAIT_SECONDS 20
#define RUN_SECONDS 120
#define SESSION_TIMEOUT_MS 10000
#define MAX_EVENTS 32
#define MAX_MEMBERS 9
#define QUIET_MS 1500
#define ROOT "/c-failover"

/* ---- events: session events and watch events of one handle, in arrival order ---- */

typedef struct {
    int type;
    int state;
    char path[256];
} event_t;

typedef struct {
    event_t queue[MAX_EVENTS];
    int head;
    int count;
} events_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int failures;

static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void) zh;
    events_t *e = (events_t *) ctx;
    pthread_mutex_lock(&lock);
    if (e->count < MAX_EVENTS) {
        event_t *slot = &e->queue[(e->head + e->count) % MAX_EVENTS];
        slot->type = type;
        slot->state = state;
        snprintf(slot->path, sizeof slot->path, "%s", path ? path : "");
        e->count++;
    }
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

/* Takes the oldest event, waiting at most ms milliseconds. Returns 0 when none came. */
static int next_event_within(events_t *e, event_t *out, long ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    int got = 0;
    pthread_mutex_lock(&lock);
    while (e->count == 0) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    if (e->count > 0) {
        *out = e->queue[e->head];
        e->head = (e->head + 1) % MAX_EVENTS;
        e->count--;
        got = 1;
    }
    pthread_mutex_unlock(&lock);
    return got;
}

static int next_event(events_t *e, event_t *out) {
    return next_event_within(e, out, WAIT_SECONDS * 1000L);
}

static const char *state_name(int state) {
    if (state == ZOO_CONNECTED_STATE) return "CONNECTED";
    if (state == ZOO_CONNECTING_STATE) return "CONNECTING";
    if (state == ZOO_ASSOCIATING_STATE) return "ASSOCIATING";
    if (state == ZOO_EXPIRED_SESSION_STATE) return "EXPIRED";
    if (state == ZOO_AUTH_FAILED_STATE) return "AUTH_FAILED";
    return "UNKNOWN";
}

static const char *event_name(int type) {
    if (type == ZOO_CREATED_EVENT) return "CREATED";
    if (type == ZOO_DELETED_EVENT) return "DELETED";
    if (type == ZOO_CHANGED_EVENT) return "CHANGED";
    if (type == ZOO_CHILD_EVENT) return "CHILD";
    if (type == ZOO_SESSION_EVENT) return "SESSION";
    return "UNKNOWN";
}

/* Prints a step; one that is not what ZooKeeper's clients expect is marked and counted. */
static void step(int ok, const char *fmt, const char *arg) {
    printf(fmt, arg);
    if (!ok) {
        printf("   <-- not what ZooKeeper's clients expect");
        failures++;
    }
    printf("\n");
    fflush(stdout);
}

static void check_rc(const char *what, int rc) {
    char text[300];
    snprintf(text, sizeof text, "%s: %s", what, rc == ZOK ? "ok" : zerror(rc));
    step(rc == ZOK, "%s", text);
}

/*
 * Runs a call again while it fails ZCONNECTIONLOSS (or times out), for at most WAIT_SECONDS, leaving its result in
 * rc_var: on a loaded machine a member may lose its leader for a moment, drop its clients and fail what they had in
 * flight; the application retries. On a retry, the result "landed" (ZNODEEXISTS for a create, ZNONODE for a delete)
 * means an earlier attempt took effect: ZOK.
 */
#define RETRIED(rc_var, landed, call)                                                                          \
    do {                                                                                                       \
        time_t until_ = time(NULL) + WAIT_SECONDS;                                                             \
        for (int retry_ = 0;; retry_ = 1) {                                                                    \
            (rc_var) = (call);                                                                                 \
            if ((rc_var) == (landed) && retry_) {                                                              \
                (rc_var) = ZOK;                                                                                \
            }                                                                                                  \
            if (((rc_var) != ZCONNECTIONLOSS && (rc_var) != ZOPERATIONTIMEOUT) || time(NULL) > until_) {       \
                break;                                                                                         \
            }                                                                                                  \
            nanosleep(&(struct timespec) {0, 100000000L}, NULL);                                               \
        }                                                                                                      \
    } while (0)

/* ---- members: the port a handle is connected to, and the process behind it ---- */

static int member_ports[MAX_MEMBERS];
static pid_t member_pids[MAX_MEMBERS];
static int members;

static void parse_members(char *list) {
    for (char *item = strtok(list, ","); item != NULL && members < MAX_MEMBERS; item = strtok(NULL, ",")) {
        char *eq = strchr(item, '=');
        if (eq == NULL) {
            fprintf(stderr, "not PORT=PID: %s\n", item);
            exit(2);
        }
        *eq = '\0';
        member_ports[members] = atoi(item);
        member_pids[members] = (pid_t) atol(eq + 1);
        members++;
    }
}

static int connected_port(zhandle_t *zh) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    if (zookeeper_get_connected_host(zh, (struct sockaddr *) &addr, &len) == NULL) {
        return -1;
    }
    if (addr.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *) &addr)->sin_port);
    }
    return ntohs(((struct sockaddr_in6 *) &addr)->sin6_port);
}

static pid_t pid_on(int port) {
    for (int i = 0; i < members; i++) {
        if (member_ports[i] == port) {
            return member_pids[i];
        }
    }
    return -1;
}

/* Waits for the session event CONNECTED; lists the states seen on the way (EXPIRED ends the wait). */
static int await_connected(events_t *e, char *seen, size_t size) {
    event_t ev;
    while (next_event(e, &ev)) {
        if (ev.type != ZOO_SESSION_EVENT) {
            continue;
        }
        size_t used = strlen(seen);
        snprintf(seen + used, size - used, "%s%s", used ? " " : "", state_name(ev.state));
        if (ev.state == ZOO_CONNECTED_STATE) {
            return 1;
        }
        if (ev.state == ZOO_EXPIRED_SESSION_STATE) {
            return 0;
        }
    }
    return 0;
}

/*
 * After the kill: waits until the handle is connected again and stays so for QUIET_MS. A member that had not yet
 * noticed its leader gone may take the client and drop it a moment later (ours notices within two ticks), so the
 * states on the way are not always the same two: what must hold is that the session comes back, never expired.
 */
static int await_reconnected(events_t *e, char *seen, size_t size) {
    seen[0] = '\0';
    if (!await_connected(e, seen, size)) {
        return 0;
    }
    event_t ev;
    while (next_event_within(e, &ev, QUIET_MS)) {
        if (ev.type != ZOO_SESSION_EVENT) {
            continue;
        }
        size_t used = strlen(seen);
        snprintf(seen + used, size - used, " %s", state_name(ev.state));
        if (ev.state != ZOO_CONNECTING_STATE || !await_connected(e, seen, size)) {
            return 0;
        }
    }
    return 1;
}

static int sync_finished;
static int sync_rc;

static void sync_done(int rc, const char *value, const void *data) {
    (void) value;
    (void) data;
    pthread_mutex_lock(&lock);
    sync_rc = rc;
    sync_finished = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

/* zoo_async, waited for: the handle's member has applied everything committed before it. */
static int sync_path(zhandle_t *zh, const char *path) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS;
    pthread_mutex_lock(&lock);
    sync_finished = 0;
    pthread_mutex_unlock(&lock);
    int rc = zoo_async(zh, path, sync_done, NULL);
    if (rc != ZOK) {
        return rc;
    }
    pthread_mutex_lock(&lock);
    while (!sync_finished) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    rc = sync_finished ? sync_rc : ZOPERATIONTIMEOUT;
    pthread_mutex_unlock(&lock);
    return rc;
}

static zhandle_t *connect_to(const char *hosts, events_t *events) {
    char seen[256] = "";
    zhandle_t *zh = zookeeper_init(hosts, watcher, SESSION_TIMEOUT_MS, NULL, events, 0);
    if (zh == NULL || !await_connected(events, seen, sizeof seen)) {
        printf("could not connect to %s (states: %s)\n", hosts, zh == NULL ? "no handle" : seen);
        exit(1);
    }
    return zh;
}

static events_t events_a;
static events_t events_b;

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOSTS PORT=PID[,PORT=PID...]\n", argv[0]);
        return 2;
    }
    alarm(RUN_SECONDS);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    parse_members(argv[2]);
    const char *hosts = argv[1];

    zhandle_t *zh = connect_to(hosts, &events_a);
    int64_t session = zoo_client_id(zh)->client_id;
    step(1, "connected: %s", "yes");

    int rc;
    RETRIED(rc, ZNODEEXISTS, zoo_create(zh, ROOT, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0));
    check_rc("create " ROOT, rc);
    RETRIED(rc, ZNODEEXISTS, zoo_create(zh, ROOT "/data", "v1", 2, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0));
    check_rc("create " ROOT "/data \"v1\"", rc);
    RETRIED(rc, ZNODEEXISTS, zoo_create(zh, ROOT "/eph", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, NULL, 0));
    check_rc("create " ROOT "/eph (ephemeral)", rc);
    RETRIED(rc, ZNODEEXISTS, zoo_create(zh, ROOT "/watched", "v1", 2, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0));
    check_rc("create " ROOT "/watched \"v1\"", rc);
    char buf[64];
    int len;
    RETRIED(rc, ZOK, (len = sizeof buf, zoo_get(zh, ROOT "/watched", 1, buf, &len, NULL)));
    check_rc("get " ROOT "/watched with a data watch", rc);

    int before = connected_port(zh);
    pid_t victim = pid_on(before);
    step(victim > 0 && kill(victim, SIGKILL) == 0, "killed the member it was connected to%s", "");

    char seen[256];
    int back = await_reconnected(&events_a, seen, sizeof seen);
    step(back && strncmp(seen, "CONNECTING ", 11) == 0, "after the kill: %s",
         back ? "disconnected, then connected again" : seen);
    int after = connected_port(zh);
    step(after != before && pid_on(after) > 0, "connected to another member: %s",
         after != before && pid_on(after) > 0 ? "yes" : "no");
    step(zoo_client_id(zh)->client_id == session, "same session: %s",
         zoo_client_id(zh)->client_id == session ? "yes" : "no");

    RETRIED(rc, ZOK, (len = sizeof buf - 1, zoo_get(zh, ROOT "/data", 0, buf, &len, NULL)));
    buf[rc == ZOK && len >= 0 ? len : 0] = '\0';
    step(rc == ZOK && strcmp(buf, "v1") == 0, "get " ROOT "/data: \"%s\"", buf);
    struct Stat st;
    RETRIED(rc, ZOK, zoo_exists(zh, ROOT "/eph", 0, &st));
    step(rc == ZOK && st.ephemeralOwner == session, "exists " ROOT "/eph: %s",
         rc != ZOK ? zerror(rc) : st.ephemeralOwner == session ? "owned by this session" : "another owner");

    zhandle_t *other = connect_to(hosts, &events_b);
    RETRIED(rc, ZOK, zoo_set(other, ROOT "/watched", "v2", 2, -1));
    check_rc("another client sets " ROOT "/watched \"v2\"", rc);
    event_t ev;
    int fired = 0;
    while (next_event(&events_a, &ev)) {
        if (ev.type != ZOO_SESSION_EVENT) {
            fired = 1;
            break;
        }
    }
    char what[300];
    snprintf(what, sizeof what, "%s %s", fired ? event_name(ev.type) : "nothing", fired ? ev.path : "");
    step(fired && ev.type == ZOO_CHANGED_EVENT && strcmp(ev.path, ROOT "/watched") == 0,
         "the watch set before the kill: %s", what);

    check_rc("close", zookeeper_close(zh));
    RETRIED(rc, ZOK, sync_path(other, ROOT));
    check_rc("another client syncs " ROOT, rc);
    /*
     * zookeeper_close sends closeSession only while connected, and waits at most 1.5 s for it: if the member it was
     * connected to had just lost its leader, the ephemeral goes when the session expires instead.
     */
    time_t until = time(NULL) + SESSION_TIMEOUT_MS / 1000 + WAIT_SECONDS;
    for (;;) {
        RETRIED(rc, ZOK, zoo_exists(other, ROOT "/eph", 0, NULL));
        if (rc != ZOK || time(NULL) > until) {
            break;
        }
        nanosleep(&(struct timespec) {0, 100000000L}, NULL);
    }
    step(rc == ZNONODE, "the closed session's ephemeral: %s", rc == ZNONODE ? "gone" : zerror(rc));
    RETRIED(rc, ZNONODE, zoo_delete(other, ROOT "/data", -1));
    RETRIED(rc, ZNONODE, zoo_delete(other, ROOT "/watched", -1));
    RETRIED(rc, ZNONODE, zoo_delete(other, ROOT, -1));
    check_rc("delete " ROOT, rc);
    zookeeper_close(other);
    printf("done\n");
    return failures ? 1 : 0;
}

"""Kazoo's recipes, each built from sequential and ephemeral nodes, watches and versioned writes: Lock,
Election, Barrier, DoubleBarrier, Counter, and Semaphore, Queue and Party."""

import threading

from kazoo.protocol.states import KazooState

from support import WAIT_SECONDS, Recorder, drop_connection, wait_until


def in_thread(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def joined(thread):
    thread.join(WAIT_SECONDS)
    return not thread.is_alive()


def test_lock_excludes_a_second_holder_until_released(zk, zk2, root):
    first = zk.Lock(root + "/lock", "first")
    second = zk2.Lock(root + "/lock", "second")
    assert first.acquire(timeout=WAIT_SECONDS)
    assert not second.acquire(blocking=False)

    got_it = threading.Event()
    waiter = in_thread(lambda: second.acquire(timeout=WAIT_SECONDS) and got_it.set())
    wait_until(lambda: first.contenders() == ["first", "second"], what="both contenders to be listed")
    assert not got_it.is_set()
    first.release()
    assert joined(waiter) and got_it.is_set()
    assert second.contenders() == ["second"]
    second.release()
    assert zk.get_children(root + "/lock") == []


def test_lock_passes_on_when_the_holders_session_ends(make_client, zk2, root):
    holder = make_client()
    assert holder.Lock(root + "/lock", "holder").acquire(timeout=WAIT_SECONDS)
    waiting = zk2.Lock(root + "/lock", "waiting")
    got_it = threading.Event()
    waiter = in_thread(lambda: waiting.acquire(timeout=WAIT_SECONDS) and got_it.set())
    wait_until(lambda: len(waiting.contenders()) == 2, what="the waiter to queue")
    holder.stop()
    assert joined(waiter) and got_it.is_set()
    waiting.release()


def test_lock_as_a_context_manager_serialises_critical_sections(make_client, root):
    clients = [make_client() for _ in range(3)]
    inside = []
    overlaps = []

    def work(client, name):
        for _ in range(3):
            with client.Lock(root + "/lock", name):
                inside.append(name)
                if len(inside) > 1:
                    overlaps.append(list(inside))
                threading.Event().wait(0.01)
                inside.remove(name)

    threads = [in_thread(work, c, f"c{i}") for i, c in enumerate(clients)]
    assert all(joined(t) for t in threads)
    assert overlaps == []


def test_read_locks_share_and_a_write_lock_excludes(zk, zk2, root):
    reader1 = zk.ReadLock(root + "/rw", "r1")
    reader2 = zk2.ReadLock(root + "/rw", "r2")
    writer = zk2.WriteLock(root + "/rw", "w")
    assert reader1.acquire(timeout=WAIT_SECONDS)
    assert reader2.acquire(timeout=WAIT_SECONDS)
    assert not writer.acquire(blocking=False)
    reader1.release()
    reader2.release()
    assert writer.acquire(timeout=WAIT_SECONDS)
    writer.release()


def test_election_runs_one_leader_at_a_time_in_order(zk, zk2, root):
    leaders = Recorder()
    release = {"a": threading.Event(), "b": threading.Event()}

    def lead(name):
        leaders(name)
        release[name].wait(WAIT_SECONDS)

    election_a = zk.Election(root + "/election", "a")
    election_b = zk2.Election(root + "/election", "b")
    thread_a = in_thread(election_a.run, lead, "a")
    leaders.wait_for(count=1)
    thread_b = in_thread(election_b.run, lead, "b")
    wait_until(lambda: election_a.contenders() == ["a", "b"], what="both contenders")
    assert leaders.items == ["a"]

    release["a"].set()
    assert leaders.wait_for(count=2) == ["a", "b"]
    release["b"].set()
    assert joined(thread_a) and joined(thread_b)


def test_election_can_be_cancelled_while_waiting(zk, zk2, root):
    release = threading.Event()
    leader = zk.Election(root + "/election", "leader")
    follower = zk2.Election(root + "/election", "follower")
    ran = Recorder()
    thread_a = in_thread(leader.run, lambda: (ran("leader"), release.wait(WAIT_SECONDS)))
    ran.wait_for(count=1)
    thread_b = in_thread(follower.run, lambda: ran("follower"))
    wait_until(lambda: len(leader.contenders()) == 2, what="the follower to queue")
    follower.cancel()
    assert joined(thread_b)
    release.set()
    assert joined(thread_a)
    assert ran.items == ["leader"]


def test_barrier_holds_waiters_until_removed(zk, zk2, root):
    barrier = zk.Barrier(root + "/barrier")
    barrier.create()
    waiting = zk2.Barrier(root + "/barrier")
    assert waiting.wait(timeout=0.2) is False

    passed = threading.Event()
    waiter = in_thread(lambda: waiting.wait(timeout=WAIT_SECONDS) and passed.set())
    assert not passed.wait(0.2)
    assert barrier.remove() is True
    assert joined(waiter) and passed.is_set()
    assert waiting.wait(timeout=0.1) is True
    assert barrier.remove() is False


def test_double_barrier_lets_everyone_in_together_and_out_together(zk, zk2, root):
    entered = Recorder()
    left = Recorder()

    def member(client, name):
        barrier = client.DoubleBarrier(root + "/double", 2, name)
        barrier.enter()
        entered(name)
        barrier.leave()
        left(name)

    first = in_thread(member, zk, "one")
    assert not threading.Event().wait(0.3)
    assert entered.items == []  # alone, the first member waits at the door
    second = in_thread(member, zk2, "two")
    assert sorted(entered.wait_for(count=2)) == ["one", "two"]
    assert sorted(left.wait_for(count=2)) == ["one", "two"]
    assert joined(first) and joined(second)


def test_counter_counts_up_and_down(zk, root):
    counter = zk.Counter(root + "/count")
    assert counter.value == 0
    counter += 5
    counter -= 2
    assert counter.value == 3
    assert (counter.pre_value, counter.post_value) == (5, 3)
    assert zk.get(root + "/count")[0] == b"3"


def test_float_counter(zk, root):
    counter = zk.Counter(root + "/float", default=1.5)
    counter += 2.25
    assert counter.value == 3.75


def test_counter_stays_exact_under_contention(make_client, root):
    # Each increment is read, then set with the version read; a conflicting write makes the set fail with
    # BadVersion and the recipe retries. No increment may be lost.
    retry = {"max_tries": -1, "delay": 0.01, "max_delay": 0.2}
    clients = [make_client(command_retry=retry) for _ in range(3)]

    def bump(client):
        counter = client.Counter(root + "/count")
        for _ in range(10):
            counter += 1

    threads = [in_thread(bump, c) for c in clients]
    assert all(joined(t) for t in threads)
    assert clients[0].Counter(root + "/count").value == 30
    assert clients[0].exists(root + "/count").version == 30


def test_semaphore_grants_at_most_max_leases(zk, zk2, make_client, root):
    zk3 = make_client()
    first = zk.Semaphore(root + "/sem", "a", max_leases=2)
    second = zk2.Semaphore(root + "/sem", "b", max_leases=2)
    third = zk3.Semaphore(root + "/sem", "c", max_leases=2)
    assert first.acquire(timeout=WAIT_SECONDS)
    assert second.acquire(timeout=WAIT_SECONDS)
    assert not third.acquire(blocking=False)
    assert sorted(third.lease_holders()) == ["a", "b"]
    first.release()
    assert third.acquire(timeout=WAIT_SECONDS)
    assert sorted(zk.Semaphore(root + "/sem", max_leases=2).lease_holders()) == ["b", "c"]
    second.release()
    third.release()


def test_queue_is_fifo_within_a_priority(zk, zk2, root):
    producer = zk.Queue(root + "/queue")
    consumer = zk2.Queue(root + "/queue")
    for item in [b"one", b"two", b"three"]:
        producer.put(item)
    producer.put(b"urgent", priority=10)
    assert len(consumer) == 4
    assert [consumer.get() for _ in range(4)] == [b"urgent", b"one", b"two", b"three"]
    assert consumer.get() is None


def test_locking_queue_hands_each_item_to_one_consumer(zk, zk2, root):
    zk.LockingQueue(root + "/lq").put_all([b"a", b"b"])
    first = zk.LockingQueue(root + "/lq")
    second = zk2.LockingQueue(root + "/lq")
    assert first.get(timeout=WAIT_SECONDS) == b"a"
    assert second.get(timeout=WAIT_SECONDS) == b"b"
    assert first.consume() and second.consume()
    assert len(first) == 0


def test_party_membership_follows_joins_leaves_and_sessions(zk, make_client, root):
    guest_client = make_client()
    host = zk.Party(root + "/party", "host")
    guest = guest_client.Party(root + "/party", "guest")
    host.join()
    guest.join()
    assert sorted(host) == ["guest", "host"]
    assert len(host) == 2
    guest_client.stop()  # ephemeral membership ends with the session
    wait_until(lambda: list(host) == ["host"], what="the guest to leave")
    host.leave()
    assert len(host) == 0


def test_recipes_watch_session_state(zk, root):
    # A lock held across a dropped connection is still held: its node is ephemeral and the session lives.
    states = Recorder()
    zk.add_listener(states)
    lock = zk.Lock(root + "/lock", "me")
    assert lock.acquire(timeout=WAIT_SECONDS)
    drop_connection(zk)
    assert KazooState.SUSPENDED in states.items
    assert lock.is_acquired
    assert lock.contenders() == ["me"]
    lock.release()

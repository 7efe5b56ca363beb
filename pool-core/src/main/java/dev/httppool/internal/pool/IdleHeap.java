package dev.httppool.internal.pool;

import java.util.Arrays;

/**
 * One of {@link IdleLru}'s orders: a binary min-heap of connections by a {@code long} time (compared as
 * {@code a - b}, as nanoTime values must be), each connection knowing its index in it (the field {@link #kind}
 * names): add, remove and moving one up or down cost O(log n) and allocate nothing (but for growing the arrays).
 * The times sit in their own array, so comparisons touch no connection. Guarded by the pool's lock.
 */
final class IdleHeap {
    /** The kinds, each with its index field: {@link PooledConnection#lruIndex}. */
    static final int LRU = 0;
    /** {@link PooledConnection#probeIndex}. */
    static final int PROBE = 1;
    /** {@link PooledConnection#deadlineIndex}. */
    static final int DEADLINE = 2;
    private final int kind;
    PooledConnection[] conns = new PooledConnection[16];
    long[] keys = new long[16];
    int size;

    IdleHeap(int kind) {
        this.kind = kind;
    }

    private int index(PooledConnection pc) {
        return kind == LRU ? pc.lruIndex : kind == PROBE ? pc.probeIndex : pc.deadlineIndex;
    }

    private void setIndex(PooledConnection pc, int i) {
        if (kind == LRU) {
            pc.lruIndex = i;
        } else if (kind == PROBE) {
            pc.probeIndex = i;
        } else {
            pc.deadlineIndex = i;
        }
    }

    private void place(int i, PooledConnection pc, long key) {
        conns[i] = pc;
        keys[i] = key;
        setIndex(pc, i);
    }

    PooledConnection peek() {
        return size == 0 ? null : conns[0];
    }

    long peekKey() {
        return keys[0];
    }

    void add(PooledConnection pc, long key) {
        if (size == conns.length) {
            conns = Arrays.copyOf(conns, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        siftUp(size++, pc, key);
    }

    void remove(PooledConnection pc) {
        int i = index(pc);
        if (i < 0) {
            return;
        }
        setIndex(pc, -1);
        int last = --size;
        PooledConnection moved = conns[last];
        long key = keys[last];
        conns[last] = null;
        if (i == last) {
            return;
        }
        if (i > 0 && key - keys[(i - 1) >>> 1] < 0) {
            siftUp(i, moved, key);
        } else {
            siftDown(i, moved, key);
        }
    }

    /** Gives {@code pc} the later {@code key}. */
    void moveDown(PooledConnection pc, long key) {
        siftDown(index(pc), pc, key);
    }

    /** Gives {@code pc} the earlier {@code key}. */
    void moveUp(PooledConnection pc, long key) {
        siftUp(index(pc), pc, key);
    }

    private void siftUp(int i, PooledConnection pc, long key) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] - key <= 0) {
                break;
            }
            place(i, conns[parent], keys[parent]);
            i = parent;
        }
        place(i, pc, key);
    }

    private void siftDown(int i, PooledConnection pc, long key) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && keys[right] - keys[child] < 0) {
                child = right;
            }
            if (key - keys[child] <= 0) {
                break;
            }
            place(i, conns[child], keys[child]);
            i = child;
        }
        place(i, pc, key);
    }

    String check() {
        String name = kind == LRU ? "LRU" : kind == PROBE ? "probe order" : "deadline order";
        for (int i = 0; i < size; i++) {
            PooledConnection pc = conns[i];
            if (pc == null || index(pc) != i) {
                return name + ": place " + i + " holds " + pc + " whose index is " + (pc == null ? -1 : index(pc));
            }
            if (pc.state == PooledConnection.State.CLOSED) {
                return name + " holds closed " + pc;
            }
            if (i > 0 && keys[i] - keys[(i - 1) >>> 1] < 0) {
                return name + " out of order at " + pc;
            }
        }
        return null;
    }
}

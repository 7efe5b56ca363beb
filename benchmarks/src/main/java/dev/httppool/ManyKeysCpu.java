package dev.httppool;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link ManyKeysBench} measured in thread CPU time instead of wall time: on a machine shared with other builds a
 * descheduled benchmark thread inflates JMH's wall-clock figures several times over, while its CPU time per
 * operation moves far less. Runs one benchmark method of one configuration in this JVM: a warm-up of three rounds,
 * then {@code rounds} rounds of {@code ops} operations, and prints the best, median and worst CPU ns per operation.
 *
 * <pre>java -cp ... dev.httppool.ManyKeysCpu KEYS none|lifetime-keepalive|auto-cap acquireRelease|maintenancePassNothingDue ROUNDS OPS [sequential|shuffled]</pre>
 */
public final class ManyKeysCpu {

    private static long sink;

    private ManyKeysCpu() {
    }

    public static void main(String[] args) throws Exception {
        ManyKeysBench b = new ManyKeysBench();
        b.keys = Integer.parseInt(args[0]);
        b.deadlines = args[1];
        if (args.length > 5) {
            b.order = args[5];
        }
        boolean acquireRelease = args[2].equals("acquireRelease");
        if (!acquireRelease && !args[2].equals("maintenancePassNothingDue")) {
            throw new IllegalArgumentException("acquireRelease or maintenancePassNothingDue, was " + args[2]);
        }
        int rounds = Integer.parseInt(args[3]);
        long ops = Long.parseLong(args[4]);
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] nanosPerOp = new double[rounds];
        for (int k = -3; k < rounds; k++) {
            long start = mx.getCurrentThreadCpuTime();
            for (long i = 0; i < ops; i++) {
                sink += acquireRelease ? b.acquireRelease().id : b.maintenancePassNothingDue();
            }
            if (k >= 0) {
                nanosPerOp[k] = (mx.getCurrentThreadCpuTime() - start) / (double) ops;
            }
        }
        Arrays.sort(nanosPerOp);
        System.out.printf("%s keys=%d deadlines=%s order=%s cpu-ns/op best %.1f median %.1f worst %.1f%n", args[2],
                b.keys, b.deadlines, b.order, nanosPerOp[0], nanosPerOp[rounds / 2], nanosPerOp[rounds - 1]);
        b.tearDown();
        System.exit(sink == 42 ? 1 : 0);
    }
}

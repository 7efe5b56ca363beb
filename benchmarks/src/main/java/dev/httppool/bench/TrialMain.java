package dev.httppool.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM running one trial: prints {@code READY} after the warm-up, waits for a line on stdin (the runner
 * reads the server's counters meanwhile), runs the measured requests, prints the {@code RESULT} line and waits
 * for another line (the counters again) before closing the client and exiting.
 *
 * <p>Arguments: {@code client url concurrency requests warmupRoundMillis minRounds maxRounds maxIdlePerHost
 * maxConnsPerHost}.
 */
public final class TrialMain {

    private TrialMain() {
    }

    public static void main(String[] args) throws Exception {
        Params p = new Params(args[0], URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Long.parseLong(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                Integer.parseInt(args[7]), Integer.parseInt(args[8]));
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Trial.run(p, new Trial.Gate() {
            @Override
            public void awaitGo() throws Exception {
                System.out.println("READY");
                System.out.flush();
                if (stdin.readLine() == null) {
                    throw new IllegalStateException("runner went away");
                }
            }

            @Override
            public void measured(Result r) throws Exception {
                System.out.println(r.toLine()); // the runner reads its counters, then lets us close
                System.out.flush();
                stdin.readLine();
            }
        });
        System.exit(0); // some clients leave non-daemon threads behind
    }
}

package dev.httppool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the churn-and-spread benchmark from rotting: its quick mode (about 8 seconds for the four scenarios) on
 * loopback, checking the outcome's bookkeeping and the one effect no loaded machine can hide: with a lifetime,
 * the upstream added during the run gets requests.
 */
class SpreadSmokeTest {

    @Test
    void quickRunSpreadsOntoTheAddedUpstreamOnlyWhenConnectionsHaveALifetimeAndWritesTheReport() throws Exception {
        Spread.Options o = new Spread.Options().quick();
        o.outDir = Paths.get("target", "smoke-results");
        o.date = "smoke";

        List<Spread.Outcome> outcomes = Spread.run(o);
        Path md = Spread.write(o, outcomes);

        assertEquals(4, outcomes.size());
        for (Spread.Outcome r : outcomes) {
            assertEquals(0, r.errors(), r.scenario());
            long served = 0;
            for (long[] perUpstream : r.served()) {
                served += java.util.Arrays.stream(perUpstream).sum();
            }
            assertTrue(served > 0, r.scenario());
        }
        Spread.Outcome withLifetime = outcomes.get(1);
        assertTrue(withLifetime.dials()[2] > 0, "a lifetime makes the pool dial the added upstream");
        assertTrue(withLifetime.share(2, 0) > 0, "and send it requests");
        String text = Files.readString(md);
        assertTrue(text.contains("| default (lifo, no lifetime) |"), text);
        assertTrue(text.contains("## lease-strategy fifo"), text);
    }
}

package dev.httppool.bench;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When does a pool dial? {@code callers} platform threads loop on GET /small against nginx through one
 * {@code Transport} with {@code max-conns-per-host} = {@code cap} (idle caps the same, as in
 * {@link VirtualThreadsBench}); the dials a {@link TransportListener} saw are printed over time: every 50 ms for
 * the first 200 ms, then every 500 ms. It tells dials of the cold start (callers served by each other's dials come
 * back and dial again while the cap allows, as in Go) from dials in steady state.
 *
 * <p>Usage: {@code DialTimeline [cap 256] [callers 64] [seconds 6]}
 */
public final class DialTimeline {

    private DialTimeline() {
    }

    public static void main(String[] args) throws Exception {
        int cap = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 6;
        AtomicLong dials = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        try (Nginx nginx = Nginx.start(List.of(), "nginx")) {
            Request request = Request.get("http://127.0.0.1:" + nginx.port + "/small");
            Transport t = Transport.builder()
                    .config(TransportConfig.builder().maxConnsPerHost(cap).maxIdleConnsPerHost(cap).maxIdleConns(cap)
                            .build())
                    .listener(new TransportListener() {
                        @Override
                        public void dialed(ConnectMethodKey key, boolean success, long nanos) {
                            dials.incrementAndGet();
                        }
                    })
                    .build();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                Thread thread = new Thread(() -> {
                    byte[] scratch = new byte[8192];
                    while (System.nanoTime() < end) {
                        try (Response r = t.roundTrip(request); InputStream in = r.body()) {
                            while (in.read(scratch) >= 0) {
                                // drain
                            }
                            requests.incrementAndGet();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                });
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            System.out.println("cap " + cap + ", " + callers + " platform callers");
            for (long at = 50; System.nanoTime() < end; at += at < 200 ? 50 : 500) {
                TimeUnit.NANOSECONDS.sleep(start + TimeUnit.MILLISECONDS.toNanos(at) - System.nanoTime());
                System.out.printf("t=%5d ms  dials %4d  requests %8d  errors %d%n", at, dials.get(), requests.get(),
                        errors.get());
            }
            for (Thread thread : threads) {
                thread.join();
            }
            t.close();
        }
    }
}

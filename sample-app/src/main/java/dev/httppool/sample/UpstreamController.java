package dev.httppool.sample;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The demo upstream, served by this application on its own port so the demo works offline: responses that
 * exercise the pool in different ways.
 */
@RestController
@RequestMapping("/upstream")
class UpstreamController {

    private static final int MAX_DELAY_MILLIS = 10_000;
    private static final int MAX_KILOBYTES = 64 * 1024;

    /** A small response with a Content-Length: the connection goes back to the pool at once. */
    @GetMapping("/fast")
    void fast(HttpServletResponse response) throws IOException {
        write(response, "fast\n".getBytes(StandardCharsets.UTF_8));
    }

    /** The same after {@code millis} (at most 10 s): connections stay busy, so concurrency needs more of them. */
    @GetMapping("/slow")
    void slow(@RequestParam(defaultValue = "200") int millis, HttpServletResponse response)
            throws IOException, InterruptedException {
        if (millis < 0 || millis > MAX_DELAY_MILLIS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "millis must be 0.." + MAX_DELAY_MILLIS);
        }
        Thread.sleep(millis); // simulates a slow upstream
        write(response, ("slow " + millis + "ms\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A body without Content-Length, sent in {@code chunks} flushed pieces (Transfer-Encoding: chunked). */
    @GetMapping("/chunked")
    void chunked(@RequestParam(defaultValue = "16") int chunks, HttpServletResponse response) throws IOException {
        if (chunks < 1 || chunks > 1024) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "chunks must be 1..1024");
        }
        response.setContentType("text/plain");
        byte[] line = ("x".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream out = response.getOutputStream();
        for (int i = 0; i < chunks; i++) {
            out.write(line);
            out.flush();
        }
    }

    /** A response with {@code Connection: close}: the server closes the connection, so it is never reused. */
    @GetMapping("/close")
    void close(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        write(response, "closing\n".getBytes(StandardCharsets.UTF_8));
    }

    /** A large body of {@code kb} KiB (at most 64 MiB) with a Content-Length. */
    @GetMapping("/large")
    void large(@RequestParam(defaultValue = "1024") int kb, HttpServletResponse response) throws IOException {
        if (kb < 1 || kb > MAX_KILOBYTES) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "kb must be 1.." + MAX_KILOBYTES);
        }
        response.setContentType("application/octet-stream");
        response.setContentLengthLong(kb * 1024L);
        byte[] block = new byte[1024];
        Arrays.fill(block, (byte) 'L');
        OutputStream out = response.getOutputStream();
        for (int i = 0; i < kb; i++) {
            out.write(block);
        }
    }

    private static void write(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

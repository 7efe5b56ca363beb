package dev.httppool.sample;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /demo/load?path=/upstream/fast&requests=200&concurrency=8}: fires requests through the injected
 * {@code RestClient} and answers with timings and how many connections were opened and reused.
 */
@RestController
class LoadController {

    static final int MAX_REQUESTS = 100_000;
    static final int MAX_CONCURRENCY = 256;

    private final LoadRunner runner;
    private final String target;

    LoadController(LoadRunner runner, @Value("${demo.target:}") String target) {
        this.runner = runner;
        this.target = target;
    }

    @GetMapping("/demo/load")
    Map<String, Object> load(@RequestParam(defaultValue = "/upstream/fast") String path,
            @RequestParam(defaultValue = "100") int requests, @RequestParam(defaultValue = "4") int concurrency,
            HttpServletRequest request) throws InterruptedException {
        if (!path.startsWith("/")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "path must start with /");
        }
        if (requests < 1 || requests > MAX_REQUESTS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "requests must be 1.." + MAX_REQUESTS);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "concurrency must be 1.." + MAX_CONCURRENCY);
        }
        // By default the upstream is this application itself, on the port this request came in on.
        String base = target.isBlank() ? "http://127.0.0.1:" + request.getLocalPort() : target.replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException ex) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "invalid path: " + ex.getMessage());
        }
        return runner.run(uri, requests, Math.min(concurrency, requests));
    }
}

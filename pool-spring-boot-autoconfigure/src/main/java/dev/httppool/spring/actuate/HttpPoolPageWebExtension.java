package dev.httppool.spring.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;

/**
 * The live page of the {@code httppool} endpoint: {@code GET /actuator/httppool} with {@code Accept: text/html} (a
 * browser) answers one self-contained HTML page that polls the JSON form of the same URL and draws it.
 * <p>
 * The page is an operation of its own next to the endpoint's JSON read, told apart by what it produces, so the JSON
 * form and its content negotiation stay as they are: a client that asks for JSON, for anything ({@code *}{@code /*})
 * or for nothing in particular still gets JSON. The page carries no pool data; everything it shows comes from the
 * JSON form, which already redacts secrets, and it puts every value into the page as text, never as markup.
 * <p>
 * The "close idle connections" button is offered only when the endpoint's DELETE operation is mapped, decided here
 * from the endpoint's effective access ({@code management.endpoint.httppool.access}, capped by
 * {@code management.endpoints.access.max-permitted}): with {@code read-only} the page has no button.
 */
@EndpointWebExtension(endpoint = HttpPoolEndpoint.class)
public class HttpPoolPageWebExtension {

    private static final String TEMPLATE = "httppool-page.html";
    private static final String CLOSE_IDLE_MARKER = "data-close-idle=\"false\"";
    private static final MimeType TEXT_HTML = new MimeType("text", "html", StandardCharsets.UTF_8);

    private final String page;

    /**
     * @param accessResolver decides the endpoint's access as the actuator does when it maps the operations
     */
    public HttpPoolPageWebExtension(EndpointAccessResolver accessResolver) {
        Objects.requireNonNull(accessResolver, "accessResolver");
        Access access = accessResolver.accessFor(EndpointId.of("httppool"), Access.UNRESTRICTED);
        this.page = render(access == Access.UNRESTRICTED);
    }

    /** The live page; its data comes from the endpoint's JSON form. */
    @ReadOperation(produces = "text/html")
    public WebEndpointResponse<String> page() {
        return new WebEndpointResponse<>(page, TEXT_HTML);
    }

    static String render(boolean closeIdleAllowed) {
        String template = template();
        if (!template.contains(CLOSE_IDLE_MARKER)) {
            throw new IllegalStateException(TEMPLATE + " lacks " + CLOSE_IDLE_MARKER);
        }
        return closeIdleAllowed ? template.replace(CLOSE_IDLE_MARKER, "data-close-idle=\"true\"") : template;
    }

    private static String template() {
        try (InputStream in = HttpPoolPageWebExtension.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

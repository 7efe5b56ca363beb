package dev.httppool.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.PropertiesEndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.mock.env.MockEnvironment;

class HttpPoolPageWebExtensionTests {

    @Test
    void offersCloseIdleConnectionsWhenAccessIsUnrestricted() {
        assertThat(page(new MockEnvironment())).contains("<body data-close-idle=\"true\">");
    }

    @Test
    void doesNotOfferCloseIdleConnectionsWhenTheEndpointIsReadOnly() {
        assertThat(page(new MockEnvironment().withProperty("management.endpoint.httppool.access", "read-only")))
                .contains("<body data-close-idle=\"false\">").doesNotContain("data-close-idle=\"true\"");
    }

    @Test
    void doesNotOfferCloseIdleConnectionsWhenEveryEndpointIsCappedAtReadOnly() {
        assertThat(page(new MockEnvironment().withProperty("management.endpoints.access.max-permitted", "read-only")))
                .contains("<body data-close-idle=\"false\">");
    }

    @Test
    void answersHtmlInUtf8() {
        WebEndpointResponse<String> response = new HttpPoolPageWebExtension((id, defaultAccess) -> Access.UNRESTRICTED)
                .page();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).hasToString("text/html;charset=UTF-8");
    }

    @Test
    void isSelfContainedAndWritesDataOnlyAsText() {
        String page = HttpPoolPageWebExtension.render(true);
        // Nothing loaded from elsewhere: no script or style files, no fonts, no images, no other origin.
        assertThat(page).doesNotContain("<script src", "<link", "@import", "url(", "@font-face", "<img", "//cdn")
                .doesNotContainPattern("(src|href)=\"https?:");
        assertThat(page).contains("default-src 'none'; connect-src 'self'");
        // Values from the JSON reach the page only through textContent and setAttribute.
        assertThat(page).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        // It reads the JSON form of its own URL.
        assertThat(page).contains("window.location.pathname", "Accept: 'application/json'");
    }

    private static String page(MockEnvironment environment) {
        // As in an application, where "read-only" binds to Access.READ_ONLY.
        environment.setConversionService(new ApplicationConversionService());
        return new HttpPoolPageWebExtension(new PropertiesEndpointAccessResolver(environment)).page().getBody();
    }
}

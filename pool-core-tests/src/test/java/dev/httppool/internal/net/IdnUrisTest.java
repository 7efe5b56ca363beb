package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class IdnUrisTest {

    @Test
    void anInternationalHostBecomesPunycodeAndTheRestStaysAsWritten() {
        URI uri = IdnUris.parse("http://гофер.го:8080/a?b=c#d");

        assertThat(uri.toString()).isEqualTo("http://xn--c1ae0ajs.xn--c1aw:8080/a?b=c#d");
        assertThat(uri.getHost()).isEqualTo("xn--c1ae0ajs.xn--c1aw");
        assertThat(uri.getPort()).isEqualTo(8080);
    }

    @Test
    void userinfoAndAHostWithoutPortOrPathAreHandled() {
        assertThat(IdnUris.parse("https://user:pw@гофер.го").toString())
                .isEqualTo("https://user:pw@xn--c1ae0ajs.xn--c1aw");
    }

    @Test
    void toAsciiMakesTheHostPunycodeAndPercentEncodesTheRestAsUtf8() {
        assertThat(IdnUris.toAscii(IdnUris.parse("http://üser:pä@гофер.го/путь?q=ü&r=%41#ф")).toString())
                .isEqualTo("http://%C3%BCser:p%C3%A4@xn--c1ae0ajs.xn--c1aw/%D0%BF%D1%83%D1%82%D1%8C?q=%C3%BC&r=%41#%D1%84");
        URI ascii = URI.create("http://example.com/a%2Fb");
        assertThat(IdnUris.toAscii(ascii)).isSameAs(ascii);
    }

    @Test
    void aMessageAboutTextThatIsNoUriMasksThePasswordAndCarriesNoCause() {
        assertThatThrownBy(() -> IdnUris.parse("http://user:se cret@host/"))
                .isInstanceOf(IllegalArgumentException.class)
                // the index differs between JDKs (7 on 17, 14 on 25); what matters is the masked text
                .hasMessageStartingWith("Illegal character in authority at index ")
                .hasMessageEndingWith(": http://user:***@host/")
                .hasMessageNotContaining("cret")
                .hasNoCause();
    }

    @Test
    void asciiUrlsAndIpv6LiteralsAreUntouched() {
        assertThat(IdnUris.parse("http://example.com:80/путь").toString()).isEqualTo("http://example.com:80/путь");
        assertThat(IdnUris.parse("http://[::1]:80/").getHost()).isEqualTo("[::1]");
    }

    @Test
    void aUriWhoseInternationalHostTheJdkCouldNotReadGetsItInPunycode() {
        URI unread = URI.create("http://гофер.го:8080/x");
        assertThat(unread.getHost()).isNull();

        assertThat(IdnUris.withAsciiHost(unread).getHost()).isEqualTo("xn--c1ae0ajs.xn--c1aw");
        URI ascii = URI.create("http://example.com/");
        assertThat(IdnUris.withAsciiHost(ascii)).isSameAs(ascii);
    }

    @Test
    void aHostIdnaRefusesIsAnErrorNamingTheHost() {
        String tooLong = "д".repeat(70) + ".го";
        assertThatThrownBy(() -> IdnUris.parse("http://" + tooLong + "/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid host '" + tooLong + "'");
    }
}

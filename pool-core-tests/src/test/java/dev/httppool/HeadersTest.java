package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The value semantics of {@link Headers}: immutable once built, whatever happens to the builder afterwards. */
class HeadersTest {

    @Test
    void namesCompareCaseInsensitivelyAndKeepTheirOrderSpellingAndEveryValue() {
        Headers h = Headers.of("Accept", "a", "X-Multi", "1", "accept", "b", "x-multi", "2");

        assertThat(h.first("ACCEPT")).isEqualTo("a");
        assertThat(h.all("x-MULTI")).containsExactly("1", "2");
        assertThat(h.names()).containsExactly("Accept", "X-Multi");
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.name(2)).isEqualTo("accept");
        assertThat(h.first("Missing")).isNull();
    }

    @Test
    void aBuilderChangedAfterBuildingLeavesWhatItBuiltAsItWas() {
        Headers.Builder b = Headers.builder().add("A", "1").add("B", "2");
        Headers built = b.build();

        b.add("C", "3");
        Headers afterAdd = b.build();
        b.set("A", "changed").remove("B");
        Headers afterSet = b.build();

        assertThat(built.toString()).isEqualTo("[A: 1, B: 2]");
        assertThat(afterAdd.toString()).isEqualTo("[A: 1, B: 2, C: 3]");
        assertThat(afterSet.toString()).isEqualTo("[C: 3, A: changed]");
    }

    @Test
    void aBuilderFromHeadersChangesACopyNeverTheOriginal() {
        Headers original = Headers.of("A", "1", "B", "2", "a", "3");

        Headers removed = original.toBuilder().remove("a").build();
        Headers added = original.toBuilder().add("D", "4").build();
        Headers same = original.toBuilder().remove("Missing").build();

        assertThat(original.toString()).isEqualTo("[A: 1, B: 2, a: 3]");
        assertThat(removed.toString()).isEqualTo("[B: 2]");
        assertThat(added.toString()).isEqualTo("[A: 1, B: 2, a: 3, D: 4]");
        assertThat(same.toString()).isEqualTo("[A: 1, B: 2, a: 3]");
    }

    @Test
    void aBuilderGrowsPastAnyNumberOfFields() {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < 300; i++) {
            b.add("X-" + i, Integer.toString(i));
        }

        Headers h = b.build();

        assertThat(h.size()).isEqualTo(300);
        assertThat(h.first("x-299")).isEqualTo("299");
        assertThat(h.name(0)).isEqualTo("X-0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "Close", " close ", "keep-alive, close", "a,\tCLOSE\t,b", "x, , close"})
    void aTokenIsFoundAmongCommaSeparatedElementsInAnyCaseAndSpacing(String value) {
        assertThat(Headers.of("Connection", value).hasToken("connection", "close")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "closed", "clos", "close-x", "keep-alive", "\"close\"", "c lose"})
    void onlyAWholeElementCountsAsTheToken(String value) {
        assertThat(Headers.of("Connection", value).hasToken("Connection", "close")).isFalse();
    }

    @Test
    void aTokenInAnotherFieldOfTheSameNameCounts() {
        Headers h = Headers.of("Connection", "keep-alive", "X-Other", "close", "connection", "Upgrade, close");

        assertThat(h.hasToken("Connection", "close")).isTrue();
        assertThat(h.hasToken("X-Missing", "close")).isFalse();
    }
}

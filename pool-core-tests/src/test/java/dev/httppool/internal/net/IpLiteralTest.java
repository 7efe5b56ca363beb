package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @Test
    void readsIpv4AsFourBytes() {
        assertThat(IpLiteral.parse("192.168.1.5")).containsExactly(192, 168, 1, 5);
        assertThat(IpLiteral.parse("0.0.0.0")).containsExactly(0, 0, 0, 0);
    }

    @Test
    void readsIpv6AsSixteenBytesWithEllipsisAndIpv4Tail() {
        assertThat(IpLiteral.parse("::1")).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(IpLiteral.parse("fd00::")).startsWith(0xfd, 0).hasSize(16);
        assertThat(IpLiteral.parse("2001:DB8:0:0:0:0:0:1")).isEqualTo(IpLiteral.parse("2001:db8::1"));
        assertThat(IpLiteral.parse("::ffff:10.0.0.1")).endsWith(0xff, 0xff, 10, 0, 0, 1).hasSize(16);
        assertThat(IpLiteral.parse("::")).hasSize(16).containsOnly(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.0.0.1", "010.0.0.1", "10.1",
        "1.2.3.-4", "1.2.3.4 ", "[::1]", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "12345::",
        "1:2:3:4:5:6:7:8::", "::g", "1:2:3:4:5:6:7:1.2.3.4", "١.٢.٣.٤"})
    void refusesEverythingThatIsNotALiteral(String text) {
        assertThat(IpLiteral.parse(text)).isNull();
    }

    @Test
    void hostsInBracketsOrWithAZoneAreLiteralsButNamesAreNot() {
        assertThat(IpLiteral.isLiteral("127.0.0.1")).isTrue();
        assertThat(IpLiteral.isLiteral("[::1]")).isTrue();
        assertThat(IpLiteral.isLiteral("fe80::1%eth0")).isTrue();
        assertThat(IpLiteral.isLiteral("localhost")).isFalse();
        assertThat(IpLiteral.isLiteral("1.2.3.4.example")).isFalse();
        assertThat(IpLiteral.isLiteral("xn--c1ae0ajs.xn--c1aw")).isFalse();
    }

    @Test
    void loopbackIsAll127AndOnlyColonColonOne() {
        assertThat(IpLiteral.isLoopback(IpLiteral.parse("127.9.9.9"))).isTrue();
        assertThat(IpLiteral.isLoopback(IpLiteral.parse("::1"))).isTrue();
        assertThat(IpLiteral.isLoopback(IpLiteral.parse("10.0.0.1"))).isFalse();
        assertThat(IpLiteral.isLoopback(IpLiteral.parse("::2"))).isFalse();
    }
}

package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FrameWriter's frames read back by FrameReader, and FrameReader's refusals of malformed frames. */
class FrameCodecTest {

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final FrameWriter writer = new FrameWriter(wire);

    private List<String> readAll(byte[] bytes) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
        RecordingHandler h = new RecordingHandler();
        while (reader.nextFrame(h)) {
            // next
        }
        return h.frames;
    }

    private List<String> readBack() throws IOException {
        return readAll(wire.toByteArray());
    }

    private static Http2Exception refusal(String hex) {
        try {
            byte[] bytes = Hex.bytes(hex);
            FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), DEFAULT_MAX_FRAME_SIZE, 100);
            RecordingHandler h = new RecordingHandler();
            while (reader.nextFrame(h)) {
                // next
            }
        } catch (Http2Exception e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("frames " + hex + " were accepted");
    }

    private static void assertConnectionError(String hex, int code, String message) {
        Http2Exception e = refusal(hex);
        assertThat(e.isConnectionError()).as(e.getMessage()).isTrue();
        assertThat(errorName(e.errorCode())).isEqualTo(errorName(code));
        assertThat(e).hasMessageContaining(message);
    }

    @Test
    void everyFrameTypeTheClientSendsReadsBackUnchanged() throws IOException {
        writer.writeSettings(List.of(new Setting(SETTINGS_ENABLE_PUSH, 0), new Setting(SETTINGS_INITIAL_WINDOW_SIZE,
                MAX_WINDOW_SIZE), new Setting(SETTINGS_HEADER_TABLE_SIZE, 0xffff_ffffL)));
        writer.writeSettingsAck();
        writer.writeHeaders(1, false, Hex.bytes("8286"), 0, 2);
        writer.writeData(1, true, Hex.bytes("68656c6c6f"), 0, 5);
        writer.writePing(false, 0x0102030405060708L);
        writer.writePing(true, -1L);
        writer.writeWindowUpdate(0, MAX_WINDOW_SIZE);
        writer.writeRstStream(1, CANCEL);
        writer.writeGoAway(7, ENHANCE_YOUR_CALM, Hex.bytes("6f6f7073"));
        writer.flush();

        assertThat(readBack()).containsExactly("SETTINGS 2=0 4=2147483647 1=4294967295", "SETTINGS ACK",
                "HEADERS 1 END_HEADERS 8286", "DATA 1 END_STREAM 68656c6c6f", "PING 102030405060708",
                "PING ACK ffffffffffffffff", "WINDOW_UPDATE 0 2147483647", "RST_STREAM 1 CANCEL",
                "GOAWAY 7 ENHANCE_YOUR_CALM 6f6f7073");
    }

    @Test
    void thePrefaceIsTheRfcsTwentyFourOctets() throws IOException {
        writer.writePreface();
        assertThat(wire.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    }

    @Test
    void aHeaderBlockLargerThanThePeersFrameSizeIsSplitIntoContinuations() throws IOException {
        byte[] block = new byte[DEFAULT_MAX_FRAME_SIZE * 2 + 10];
        writer.writeHeaders(3, true, block, 0, block.length);
        List<String> frames = readBack();
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0)).startsWith("HEADERS 3 END_STREAM 0000");
        assertThat(frames.get(1)).startsWith("CONTINUATION 3 0000");
        assertThat(frames.get(2)).isEqualTo("CONTINUATION 3 END_HEADERS " + "00".repeat(10));
        assertThat(wire.size()).isEqualTo(block.length + 3 * FRAME_HEADER_LENGTH);
    }

    @Test
    void dataLargerThanThePeersFrameSizeIsSplitWithEndStreamOnTheLastFrame() throws IOException {
        writer.peerMaxFrameSize(20_000);
        byte[] body = new byte[45_000];
        writer.writeData(5, true, body, 0, body.length);
        writer.writeData(5, false, body, 0, 0);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), 20_000, 1024);
        RecordingHandler h = new RecordingHandler();
        while (reader.nextFrame(h)) {
            // next
        }
        assertThat(h.frames).extracting(f -> f.substring(0, Math.min(f.length(), 17)))
                .containsExactly("DATA 5 0000000000", "DATA 5 0000000000", "DATA 5 END_STREAM", "DATA 5 ");
    }

    @Test
    void paddingIsStrippedFromDataAndHeadersAndPriorityFieldsAreSkipped() throws IOException {
        assertThat(readAll(Hex.bytes("000006 00 09 00000001 03 6869 616263"
                + "00000a 01 2d 00000003 02 80000001 10 8286 0000"))).containsExactly("DATA 1 END_STREAM 6869",
                "HEADERS 3 END_STREAM END_HEADERS 8286");
    }

    @Test
    void priorityAndUnknownFramesAreSkippedAndUnknownSettingsIgnored() throws IOException {
        assertThat(readAll(Hex.bytes("000005 02 00 00000001 0000000010 000003 fa ff 00000000 616263"
                + "00000c 04 00 00000000 0099 00000001 0003 00000064"))).containsExactly("SETTINGS 3=100");
    }

    @Test
    void aCleanEndBetweenFramesEndsReadingButAnEndInsideAFrameIsAnEofException() throws IOException {
        assertThat(readAll(new byte[0])).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> readAll(Hex.bytes("000008 06 00 00000000 0102")))
                .isInstanceOf(EOFException.class).hasMessageContaining("inside a frame");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> readAll(Hex.bytes("000002 01 00 00000001 8286")))
                .isInstanceOf(EOFException.class).hasMessageContaining("inside a header block of stream 1");
    }

    @Test
    void framesLargerThanOurMaxFrameSizeAreRefusedBeforeTheirPayloadIsRead() {
        assertConnectionError("004001 00 00 00000001", FRAME_SIZE_ERROR,
                "DATA frame of 16385 bytes exceeds SETTINGS_MAX_FRAME_SIZE 16384");
        assertConnectionError("ffffff fa 00 00000000", FRAME_SIZE_ERROR, "0xfa frame of 16777215 bytes");
    }

    @Test
    void streamFramesOnStreamZeroAndConnectionFramesOnAStreamAreProtocolErrors() {
        assertConnectionError("000000 00 00 00000000", PROTOCOL_ERROR, "DATA frame on stream 0");
        assertConnectionError("000000 01 04 00000000", PROTOCOL_ERROR, "HEADERS frame on stream 0");
        assertConnectionError("000004 03 00 00000000 00000000", PROTOCOL_ERROR, "RST_STREAM frame on stream 0");
        assertConnectionError("000000 04 00 00000001", PROTOCOL_ERROR, "SETTINGS frame on stream 1");
        assertConnectionError("000008 06 00 00000001 0000000000000000", PROTOCOL_ERROR, "PING frame on stream 1");
        assertConnectionError("000008 07 00 00000003 0000000000000000", PROTOCOL_ERROR, "GOAWAY frame on stream 3");
        assertConnectionError("000000 09 04 00000001", PROTOCOL_ERROR, "without a header block to continue");
    }

    @Test
    void wrongFixedLengthsAreFrameSizeErrors() {
        assertConnectionError("000003 03 00 00000001 000000", FRAME_SIZE_ERROR, "RST_STREAM frame of 3 bytes");
        assertConnectionError("000007 06 00 00000000 00000000000000", FRAME_SIZE_ERROR, "PING frame of 7 bytes");
        assertConnectionError("000007 07 00 00000000 00000000000000", FRAME_SIZE_ERROR, "GOAWAY frame of 7 bytes");
        assertConnectionError("000005 08 00 00000000 0000000001", FRAME_SIZE_ERROR, "WINDOW_UPDATE frame of 5");
        assertConnectionError("000005 04 00 00000000 0000000001", FRAME_SIZE_ERROR, "multiple of 6");
        assertConnectionError("000006 04 01 00000000 000300000001", FRAME_SIZE_ERROR, "SETTINGS frame ack of 6");
        Http2Exception priority = refusal("000004 02 00 00000005 00000000");
        assertThat(priority.streamId()).isEqualTo(5);
        assertThat(priority.errorCode()).isEqualTo(FRAME_SIZE_ERROR);
    }

    @Test
    void paddingAsLongAsThePayloadIsAProtocolError() {
        assertConnectionError("000003 00 08 00000001 03 6869", PROTOCOL_ERROR, "DATA frame of 3 bytes with 3 bytes of padding");
        assertConnectionError("000000 00 08 00000001", FRAME_SIZE_ERROR, "padded DATA frame without its pad length");
        assertConnectionError("000004 01 24 00000001 00000000", FRAME_SIZE_ERROR, "too short for its priority fields");
    }

    @Test
    void settingsOutsideTheirRangesAreRefused() {
        assertConnectionError("000006 04 00 00000000 000200000001", PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH=1");
        assertConnectionError("000006 04 00 00000000 000480000000", FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE");
        assertConnectionError("000006 04 00 00000000 000500003fff", PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE=16383");
        assertConnectionError("000006 04 00 00000000 000501000000", PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE=16777216");
    }

    @Test
    void aZeroWindowIncrementIsAStreamErrorOnAStreamAndAConnectionErrorOnTheConnection() {
        Http2Exception stream = refusal("000004 08 00 00000003 00000000");
        assertThat(stream.streamId()).isEqualTo(3);
        assertThat(stream.errorCode()).isEqualTo(PROTOCOL_ERROR);
        assertConnectionError("000004 08 00 00000000 80000000", PROTOCOL_ERROR, "increment of 0");
    }

    @Test
    void pushPromiseIsRefusedBecauseWeDisablePush() {
        assertConnectionError("000004 05 04 00000001 00000002", PROTOCOL_ERROR, "PUSH_PROMISE received");
    }

    @Test
    void anyOtherFrameInsideAHeaderBlockIsAProtocolError() {
        assertConnectionError("000001 01 00 00000001 82 000008 06 00 00000000 0000000000000000", PROTOCOL_ERROR,
                "PING frame on stream 0 inside the header block of stream 1");
        assertConnectionError("000001 01 00 00000001 82 000001 09 04 00000003 82", PROTOCOL_ERROR,
                "CONTINUATION frame on stream 3 inside the header block of stream 1");
    }

    @Test
    void aContinuationFloodIsCutOffByBytesAndByFrameCount() {
        // the refusal() reader allows 100 header block bytes and 100 / 1024 + 16 = 16 CONTINUATION frames
        assertConnectionError("000032 01 00 00000001" + "00".repeat(50) + "000033 09 00 00000001" + "00".repeat(51),
                ENHANCE_YOUR_CALM, "header block of stream 1 exceeds 100 bytes");
        assertConnectionError("000000 01 00 00000001" + "000000 09 00 00000001".repeat(17), ENHANCE_YOUR_CALM,
                "sent in more than 16 CONTINUATION frames");
    }

    @Test
    void headersAndItsContinuationsArriveInOrder() throws IOException {
        assertThat(readAll(Hex.bytes("000001 01 01 00000001 82 000001 09 00 00000001 86 000001 09 04 00000001 84"
                + "000000 00 01 00000001"))).containsExactly("HEADERS 1 END_STREAM 82", "CONTINUATION 1 86",
                "CONTINUATION 1 END_HEADERS 84", "DATA 1 END_STREAM ");
    }

    @Test
    void expectingThePrefaceOnlyASettingsFrameMayComeFirstAndAnythingMayFollowIt() throws IOException {
        writer.writePing(false, 7);
        FrameReader pingFirst = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        pingFirst.expectPreface();
        Http2Exception e = org.junit.jupiter.api.Assertions.assertThrows(Http2Exception.class,
                () -> pingFirst.nextFrame(new RecordingHandler()));
        assertThat(e.isConnectionError()).isTrue();
        assertThat(errorName(e.errorCode())).isEqualTo(errorName(PROTOCOL_ERROR));
        assertThat(e).hasMessageContaining("the server's first frame was PING, not SETTINGS");

        wire.reset();
        writer.writeSettingsAck();
        FrameReader ackFirst = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        ackFirst.expectPreface();
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(Http2Exception.class,
                () -> ackFirst.nextFrame(new RecordingHandler()))).hasMessageContaining("was SETTINGS ack, not");

        wire.reset();
        writer.writeSettings(List.of(new Setting(SETTINGS_ENABLE_PUSH, 0)));
        writer.writePing(false, 7);
        FrameReader settingsFirst = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        settingsFirst.expectPreface();
        RecordingHandler h = new RecordingHandler();
        while (settingsFirst.nextFrame(h)) {
            // next
        }
        assertThat(h.frames).hasSize(2).last().isEqualTo("PING 7");
    }
}

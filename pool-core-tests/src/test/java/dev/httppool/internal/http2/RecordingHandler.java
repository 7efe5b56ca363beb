package dev.httppool.internal.http2;

import java.util.ArrayList;
import java.util.List;

/** Records each frame a {@link FrameReader} passes on, as one line of text. */
final class RecordingHandler implements FrameReader.Handler {

    final List<String> frames = new ArrayList<>();

    @Override
    public void data(int streamId, boolean endStream, byte[] buf, int off, int len, int flowControlled) {
        frames.add("DATA " + streamId + (endStream ? " END_STREAM " : " ") + Hex.of(buf, off, len));
    }

    @Override
    public void headers(int streamId, boolean endStream, byte[] buf, int off, int len, boolean endHeaders) {
        frames.add("HEADERS " + streamId + (endStream ? " END_STREAM" : "") + (endHeaders ? " END_HEADERS " : " ")
                + Hex.of(buf, off, len));
    }

    @Override
    public void continuation(int streamId, byte[] buf, int off, int len, boolean endHeaders) {
        frames.add("CONTINUATION " + streamId + (endHeaders ? " END_HEADERS " : " ") + Hex.of(buf, off, len));
    }

    @Override
    public void settings(boolean ack, List<Http2Frames.Setting> settings) {
        StringBuilder b = new StringBuilder(ack ? "SETTINGS ACK" : "SETTINGS");
        for (Http2Frames.Setting s : settings) {
            b.append(' ').append(s.id()).append('=').append(s.value());
        }
        frames.add(b.toString());
    }

    @Override
    public void ping(boolean ack, long payload) {
        frames.add("PING" + (ack ? " ACK " : " ") + Long.toHexString(payload));
    }

    @Override
    public void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        frames.add("GOAWAY " + lastStreamId + " " + Http2Frames.errorName(errorCode) + " "
                + Hex.of(debugData, 0, debugData.length));
    }

    @Override
    public void rstStream(int streamId, long errorCode) {
        frames.add("RST_STREAM " + streamId + " " + Http2Frames.errorName(errorCode));
    }

    @Override
    public void windowUpdate(int streamId, int increment) {
        frames.add("WINDOW_UPDATE " + streamId + " " + increment);
    }
}

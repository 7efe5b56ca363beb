package dev.httppool.spring;

/**
 * The core's credential masking, {@link dev.httppool.Redaction}, under its old name for the metrics code that still
 * calls it here; new code calls the core directly.
 */
public final class Redaction {

    private Redaction() {
    }

    /** {@link dev.httppool.Redaction#redact(String)}. */
    public static String redact(String text) {
        return dev.httppool.Redaction.redact(text);
    }
}

package io.myelin.api.http;

import java.util.Map;

import io.helidon.http.Status;

/**
 * A failure to report to a client or a remote server as a Matrix error body
 * {@code {"errcode": ..., "error": ...}}. The server's single error handler turns it into the response;
 * {@link #detail()} goes only to the log.
 */
public class MatrixException extends RuntimeException {

    private final Status status;
    private final ErrorCode code;
    private final String detail;
    private final Map<String, Object> extra;

    /**
     * Creates an error.
     *
     * @param status  the HTTP status
     * @param code    the Matrix error code
     * @param message the message for the client, free of internals
     * @param detail  more for the log, or null
     * @param extra   extra fields for the body (for example {@code retry_after_ms}), may be empty
     */
    public MatrixException(Status status, ErrorCode code, String message, String detail, Map<String, Object> extra) {
        super(message);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.extra = Map.copyOf(extra);
    }

    /**
     * Creates an error with no detail or extra fields.
     *
     * @param status  the HTTP status
     * @param code    the Matrix error code
     * @param message the message for the client
     */
    public MatrixException(Status status, ErrorCode code, String message) {
        this(status, code, message, null, Map.of());
    }

    /** @param message for the client @return a 400 {@code M_BAD_JSON} */
    public static MatrixException badJson(String message) {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_BAD_JSON, message);
    }

    /** @param message for the client @return a 400 {@code M_NOT_JSON} */
    public static MatrixException notJson(String message) {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_NOT_JSON, message);
    }

    /** @param message for the client @return a 403 {@code M_FORBIDDEN} */
    public static MatrixException forbidden(String message) {
        return new MatrixException(Status.FORBIDDEN_403, ErrorCode.M_FORBIDDEN, message);
    }

    /** @param message for the client @return a 404 {@code M_NOT_FOUND} */
    public static MatrixException notFound(String message) {
        return new MatrixException(Status.NOT_FOUND_404, ErrorCode.M_NOT_FOUND, message);
    }

    /** @param message for the client @return a 413 {@code M_TOO_LARGE} */
    public static MatrixException tooLarge(String message) {
        return new MatrixException(Status.REQUEST_ENTITY_TOO_LARGE_413, ErrorCode.M_TOO_LARGE, message);
    }

    /** @param message for the client @return a 400 {@code M_INVALID_PARAM} */
    public static MatrixException invalidParam(String message) {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_PARAM, message);
    }

    /** @param message for the client @return a 400 {@code M_MISSING_PARAM} */
    public static MatrixException missingParam(String message) {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_MISSING_PARAM, message);
    }

    /**
     * The HTTP status.
     *
     * @return the status
     */
    public Status status() {
        return status;
    }

    /**
     * The Matrix error code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * Detail for the log only.
     *
     * @return the detail, or null
     */
    public String detail() {
        return detail;
    }

    /**
     * Extra fields for the error body.
     *
     * @return the fields
     */
    public Map<String, Object> extra() {
        return extra;
    }
}

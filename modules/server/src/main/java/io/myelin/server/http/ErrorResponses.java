package io.myelin.server.http;

import java.nio.charset.StandardCharsets;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;

import jakarta.json.JsonObjectBuilder;

/**
 * The one place where failures become Matrix error bodies. A {@link MatrixException} is answered as it
 * says; anything unexpected is a 500 {@code M_UNKNOWN} whose body says nothing internal, with the stack
 * trace in the log. Failures Helidon meets before routing (an oversized or malformed request) get the
 * same body shape through direct handlers.
 */
public final class ErrorResponses {

    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    /**
     * Installs the error handlers on a listener's routing.
     *
     * @param routing the routing
     */
    public static void install(HttpRouting.Builder routing) {
        routing.error(MatrixException.class, ErrorResponses::matrix);
        routing.error(HttpException.class, ErrorResponses::http);
        routing.error(InterruptedException.class, ErrorResponses::interrupted);
        routing.error(Exception.class, ErrorResponses::unexpected);
    }

    /**
     * Direct handlers for the failures Helidon answers itself, before any route runs.
     *
     * @return the handlers
     */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = (request, event, status, headers, message) -> {
            Status effective = event == DirectHandler.EventType.PAYLOAD_TOO_LARGE
                    ? Status.REQUEST_ENTITY_TOO_LARGE_413 : status;
            ErrorCode code = codeFor(effective);
            String text = switch (code) {
                case M_TOO_LARGE -> "Request body too large";
                case M_UNKNOWN -> effective.code() >= 500 ? "Internal server error" : "Bad request";
                default -> "Request not understood";
            };
            byte[] body = body(code, text).build().toString().getBytes(StandardCharsets.UTF_8);
            return DirectHandler.TransportResponse.builder()
                    .status(effective)
                    .headers(headers)
                    .header(HeaderValues.CONTENT_TYPE_JSON)
                    .entity(body)
                    .build();
        };
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    private static void matrix(ServerRequest req, ServerResponse res, MatrixException e) {
        if (e.detail() != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> req.prologue().method().text() + " " + req.path().path()
                    + " -> " + e.code() + ": " + e.detail());
        }
        send(res, e);
    }

    /**
     * Sends a Matrix error as its body.
     *
     * @param res the response
     * @param e   the error
     */
    static void send(ServerResponse res, MatrixException e) {
        JsonObjectBuilder body = body(e.code(), e.getMessage());
        e.extra().forEach((k, v) -> body.add(k, Json.toJson(v)));
        send(res, e.status(), body);
    }

    private static void http(ServerRequest req, ServerResponse res, HttpException e) {
        Status status = e.status();
        if (status.code() >= 500) {
            unexpected(req, res, e);
            return;
        }
        ErrorCode code = codeFor(status);
        send(res, status, body(code, code == ErrorCode.M_TOO_LARGE ? "Request body too large" : "Bad request"));
    }

    // Helidon interrupts the handlers of a listener that is stopping; a long poll waiting then is no fault. The
    // interrupt is not restored: the handler's thread ends with this answer, which tells the client to retry.
    private static void interrupted(ServerRequest req, ServerResponse res, InterruptedException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "Interrupted: " + req.prologue().method().text() + " "
                + req.path().path());
        send(res, Status.SERVICE_UNAVAILABLE_503, body(ErrorCode.M_UNKNOWN, "The server is stopping"));
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        LOG.log(System.Logger.Level.ERROR, "Unexpected failure of " + req.prologue().method().text() + " "
                + req.path().path(), e);
        send(res, Status.INTERNAL_SERVER_ERROR_500, body(ErrorCode.M_UNKNOWN, "Internal server error"));
    }

    private static ErrorCode codeFor(Status status) {
        return switch (status.code()) {
            case 404, 405 -> ErrorCode.M_UNRECOGNIZED;
            case 413 -> ErrorCode.M_TOO_LARGE;
            case 403 -> ErrorCode.M_FORBIDDEN;
            default -> ErrorCode.M_UNKNOWN;
        };
    }

    private static JsonObjectBuilder body(ErrorCode code, String message) {
        return Json.object().add("errcode", code.name()).add("error", message);
    }

    private static void send(ServerResponse res, Status status, JsonObjectBuilder body) {
        if (res.isSent()) {
            return;
        }
        Json.send(res, status, body.build());
    }
}

package io.myelin.api.roomserver;

import java.util.List;

/**
 * The outcomes of an input request.
 *
 * @param outcomes one per event, in order; empty for an asynchronous request
 */
public record InputResponse(List<InputOutcome> outcomes) {
}

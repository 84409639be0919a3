package io.myelin.api.keys;

import java.util.List;
import java.util.Map;

/**
 * A device's key counts.
 *
 * @param oneTimeKeyCounts        unclaimed one-time keys by algorithm, for example {@code signed_curve25519}
 * @param unusedFallbackKeyTypes  algorithms of fallback keys not yet used by a claim
 */
public record OneTimeKeyCounts(Map<String, Integer> oneTimeKeyCounts, List<String> unusedFallbackKeyTypes) {
}

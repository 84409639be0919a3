package io.myelin.api.roomserver;

import java.util.List;

/**
 * Memberships.
 *
 * @param memberships the memberships
 */
public record MembershipsResponse(List<Membership> memberships) {
}

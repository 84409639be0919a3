package io.myelin.api.users;

import java.util.List;

/**
 * Account data entries.
 *
 * @param entries the entries, in no particular order
 */
public record AccountDataResponse(List<AccountDataEntry> entries) {
}

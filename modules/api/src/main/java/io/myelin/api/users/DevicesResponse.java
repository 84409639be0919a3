package io.myelin.api.users;

import java.util.List;
import java.util.Map;

/**
 * Devices by user.
 *
 * @param devices each known user's devices
 */
public record DevicesResponse(Map<String, List<DeviceInfo>> devices) {
}

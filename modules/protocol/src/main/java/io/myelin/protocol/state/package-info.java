/**
 * State resolution: the original algorithm of room version 1, v2 (versions 2 to 11) and v2.1 (version
 * 12), behind {@link io.myelin.protocol.state.StateResolver}, over events supplied by an {@link
 * io.myelin.protocol.state.EventSource}; and {@link io.myelin.protocol.state.ResolveStateTool}, the core of
 * {@code myelin resolve-state}.
 */
package io.myelin.protocol.state;

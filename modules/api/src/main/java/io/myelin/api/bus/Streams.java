package io.myelin.api.bus;

/**
 * The stream names of DESIGN.md §5. Providers prefix them with {@code bus.prefix}.
 */
public final class Streams {

    /** Events to add to rooms, one subject per room. */
    public static final String INPUT_ROOM_EVENT = "InputRoomEvent";
    /** What the roomserver decided: new events, state changes, invites, redactions. */
    public static final String OUTPUT_ROOM_EVENT = "OutputRoomEvent";
    /** Typing notifications. */
    public static final String OUTPUT_TYPING_EVENT = "OutputTypingEvent";
    /** Read receipts. */
    public static final String OUTPUT_RECEIPT_EVENT = "OutputReceiptEvent";
    /** Send-to-device messages. */
    public static final String OUTPUT_SEND_TO_DEVICE_EVENT = "OutputSendToDeviceEvent";
    /** Device key changes. */
    public static final String OUTPUT_KEY_CHANGE_EVENT = "OutputKeyChangeEvent";
    /** Account data changes. */
    public static final String OUTPUT_CLIENT_DATA = "OutputClientData";
    /** Presence changes. */
    public static final String OUTPUT_PRESENCE_EVENT = "OutputPresenceEvent";
    /** Device list updates from remote servers. */
    public static final String INPUT_DEVICE_LIST_UPDATE = "InputDeviceListUpdate";
    /** Cross-signing key updates from remote servers. */
    public static final String INPUT_SIGNING_KEY_UPDATE = "InputSigningKeyUpdate";

    private Streams() {
    }
}

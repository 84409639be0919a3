/**
 * The media repository.
 */
module io.myelin.media {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.media.MediaComponent;
}

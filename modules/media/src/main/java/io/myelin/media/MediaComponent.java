package io.myelin.media;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * The media repository.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class MediaComponent implements Component {

    private static final System.Logger LOG = System.getLogger(MediaComponent.class.getName());

    @Override
    public String name() {
        return "media";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "media: started, no endpoints yet");
    }
}

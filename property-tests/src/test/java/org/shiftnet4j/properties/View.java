package org.shiftnet4j.properties;

/**
 * How a kernel sees its tensor: the whole allocation, or a view into a larger parent (as in channel concatenation
 * or a batch split). The parent's extra channels or images sit on both sides of the view, so a kernel that ignores
 * strideW/strideC/origin reads poison or overwrites a sentinel and the property notices.
 */
enum View {
    WHOLE(0, 0, 0, 0),
    /** Channels [3, 3+C) of a parent with C+5 channels: an NHWC pixel stride that is not C and a misaligned origin. */
    CHANNEL_SLICE(0, 0, 3, 2),
    /** Image [1, 1+N) of a parent with N+2 images. */
    BATCH_SLICE(1, 1, 0, 0);

    final int imagesBefore, imagesAfter, channelsBefore, channelsAfter;

    View(int imagesBefore, int imagesAfter, int channelsBefore, int channelsAfter) {
        this.imagesBefore = imagesBefore;
        this.imagesAfter = imagesAfter;
        this.channelsBefore = channelsBefore;
        this.channelsAfter = channelsAfter;
    }

    Shape parentOf(Shape view) {
        return new Shape(view.n() + imagesBefore + imagesAfter, view.c() + channelsBefore + channelsAfter,
                view.h(), view.w());
    }
}

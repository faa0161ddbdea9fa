package org.shiftnet4j.graph;

/** An activation of a {@link Graph}: one image's channels × height × width (the batch is chosen at run time). */
public record Value(int id, int channels, int height, int width) {
    public long elementsPerImage() {
        return (long) channels * height * width;
    }

    public String shape() {
        return channels + "×" + height + "×" + width;
    }
}

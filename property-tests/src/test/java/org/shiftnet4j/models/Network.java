package org.shiftnet4j.models;

import org.shiftnet4j.graph.Graph;

/**
 * A small configuration of one of the model builders, printed as it would be asked for, e.g.
 * {@code shiftresnet14 e=1.5, 3×9×9 → 7 classes}. {@code width} is the ShiftResNet expansion or the ResNet
 * reduction; ShiftNets ignore it.
 */
record Network(Kind kind, int depth, double width, boolean blockwise, int classes, int inChannels, int imageSize) {

    enum Kind { SHIFT_RESNET, RESNET, SHIFTNET_B, SHIFTNET_C }

    Graph build() {
        return switch (kind) {
            case SHIFT_RESNET -> ShiftResNet.shiftResNet(depth, width, classes, inChannels, imageSize);
            case RESNET -> ShiftResNet.resNet(depth, classes, inChannels, imageSize, width, blockwise);
            case SHIFTNET_B -> ShiftNet.build(ShiftNet.B, classes, inChannels, imageSize);
            case SHIFTNET_C -> ShiftNet.build(ShiftNet.C, classes, inChannels, imageSize);
        };
    }

    /** Input values per image (C·H·W). */
    int inputSize() {
        return inChannels * imageSize * imageSize;
    }

    @Override
    public String toString() {
        String name = switch (kind) {
            case SHIFT_RESNET -> "shiftresnet" + depth + " e=" + plain(width);
            case RESNET -> "resnet" + depth + (width == 1 ? "" : (blockwise ? " block" : " net") + "-r"
                    + plain(width));
            case SHIFTNET_B -> "shiftnet-b";
            case SHIFTNET_C -> "shiftnet-c";
        };
        return name + ", " + inChannels + "×" + imageSize + "×" + imageSize + " → " + classes + " classes";
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

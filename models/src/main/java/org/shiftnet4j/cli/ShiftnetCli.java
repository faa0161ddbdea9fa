package org.shiftnet4j.cli;

public final class ShiftnetCli {
    public static void main(String[] args) {
        System.out.println("shiftnet4j");
    }
}

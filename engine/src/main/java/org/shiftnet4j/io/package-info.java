/**
 * Weight file formats: safetensors (read by memory mapping, write F32) and NumPy {@code .npy} (float arrays).
 *
 * <p>Every reader validates the whole header before it touches tensor data, and every malformed input raises a
 * {@link org.shiftnet4j.io.WeightFileException} that names the file, the tensor and the problem; a hostile file
 * can neither crash the JVM nor make a reader address memory outside the file.
 */
package org.shiftnet4j.io;

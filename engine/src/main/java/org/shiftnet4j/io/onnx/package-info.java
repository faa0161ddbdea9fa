/**
 * ONNX model files read and written at the protobuf wire level (protobuf-java's {@code CodedInputStream} and
 * {@code CodedOutputStream}, no generated code), as plain records: {@link org.shiftnet4j.io.onnx.OnnxModel},
 * {@link org.shiftnet4j.io.onnx.OnnxGraph}, {@link org.shiftnet4j.io.onnx.OnnxNode},
 * {@link org.shiftnet4j.io.onnx.OnnxAttribute}, {@link org.shiftnet4j.io.onnx.OnnxTensor},
 * {@link org.shiftnet4j.io.onnx.OnnxValueInfo}.
 *
 * <p>The reader is a security boundary: any byte sequence either parses or raises an
 * {@link org.shiftnet4j.io.onnx.OnnxFormatException} naming the problem and where it is; it never allocates
 * from a size the input cannot back, and bounds nesting.
 *
 * <p>On top of the records, {@link org.shiftnet4j.io.onnx.OnnxImporter} turns a model into an engine graph and
 * weights (recognising shifts written as one-hot depthwise Convs or as Pad + Slice + Concat), and
 * {@link org.shiftnet4j.io.onnx.OnnxExporter} writes an engine graph back as opset 17.
 */
package org.shiftnet4j.io.onnx;

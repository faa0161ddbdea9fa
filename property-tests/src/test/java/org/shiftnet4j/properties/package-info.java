/**
 * The jqwik property suite for the engine's foundation: tensors, shift tables and the shift, depthwise and
 * pointwise ops over both kernel families.
 *
 * <ol>
 *   <li>{@link org.shiftnet4j.properties.ShiftIsOneHotDepthwiseTest}: a shift equals the depthwise convolution with
 *       its table's one-hot kernels, exactly.</li>
 *   <li>{@link org.shiftnet4j.properties.LayoutEquivalenceTest}: NCHW and NHWC give the same results.</li>
 *   <li>{@link org.shiftnet4j.properties.VectorMatchesScalarTest}: every Vector API kernel matches the scalar
 *       reference and a double-precision oracle.</li>
 *   <li>{@link org.shiftnet4j.properties.ShiftAdjointTest}: the transposed shift is the adjoint; identity and
 *       double negation.</li>
 *   <li>{@link org.shiftnet4j.properties.VectorWidthTest}: each surefire pass runs at the vector width it claims.</li>
 * </ol>
 * {@link org.shiftnet4j.properties.ShiftTableTest} pins the policies' channel-to-direction rules.
 *
 * <p>Each case is a small record (shape, table or geometry, {@link org.shiftnet4j.properties.Placement}, seed)
 * whose {@code toString} is the counterexample; tensors and weights are built from the seed inside the property,
 * so the printed case reproduces a failure. Quick local run:
 * {@code ./mvnw -pl property-tests -am test -Djqwik.tries.default=100 -Dtest=VectorMatchesScalarTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
package org.shiftnet4j.properties;

/**
 * JMH benchmarks and load drivers. Build with {@code ./mvnw -pl bench -am package -DskipTests} and run
 * {@code java -jar bench/target/benchmarks.jar}; docs/benchmarks.md records figures and machines.
 */
package io.myelin.bench;

package io.myelin.storage.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.function.Function;

import io.helidon.common.mapper.Mapper;
import io.helidon.common.mapper.spi.MapperProvider;

/**
 * Converts between the number types JDBC drivers return, for {@code row.column("n").getLong()} and
 * friends.
 *
 * <p>SQLite hands back an {@code Integer} or a {@code Long} depending on the value's size and PostgreSQL
 * a {@code Long} for {@code count(*)}; Helidon's own mappers convert neither, so the same read would
 * work on one database and fail on the other. Narrowing conversions fail rather than wrap around.
 * SQLite has no boolean type, so a number also reads as a boolean (zero is false).
 */
final class NumberMappers implements MapperProvider {

    private static final Map<Class<?>, Function<Number, Object>> TARGETS = Map.of(
            Long.class, n -> n instanceof BigDecimal || n instanceof BigInteger || n instanceof Double
                    || n instanceof Float ? exactLong(n) : n.longValue(),
            Integer.class, n -> Math.toIntExact(exactLong(n)),
            Short.class, n -> (short) Math.toIntExact(exactLong(n)),
            Double.class, Number::doubleValue,
            Float.class, Number::floatValue,
            BigDecimal.class, n -> n instanceof BigDecimal d ? d : new BigDecimal(n.toString()),
            BigInteger.class, n -> BigInteger.valueOf(exactLong(n)),
            Boolean.class, n -> exactLong(n) != 0);

    @Override
    public ProviderResponse mapper(Class<?> source, Class<?> target, String qualifier) {
        Function<Number, Object> convert = TARGETS.get(target);
        if (convert == null || !Number.class.isAssignableFrom(source) || source == target) {
            return ProviderResponse.unsupported();
        }
        Mapper<Object, Object> mapper = value -> convert.apply((Number) value);
        return new ProviderResponse(Support.SUPPORTED, mapper);
    }

    private static long exactLong(Number n) {
        return switch (n) {
            case BigDecimal d -> d.longValueExact();
            case BigInteger i -> i.longValueExact();
            case Double d when d != Math.rint(d) -> throw new ArithmeticException("not a whole number: " + d);
            case Float f when f != Math.rint(f) -> throw new ArithmeticException("not a whole number: " + f);
            default -> n.longValue();
        };
    }
}

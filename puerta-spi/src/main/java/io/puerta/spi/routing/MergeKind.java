package io.puerta.spi.routing;

/**
 * How the replies of a split request are combined. In every kind but {@link #CUSTOM}, the first error reply of any
 * part (in part order) becomes the reply.
 */
public enum MergeKind {
    /** Array replies whose elements are placed by {@link SplitPart#positions()} (MGET). */
    ARRAY_BY_POSITION,
    /** Integer replies summed (DEL, UNLINK, EXISTS, TOUCH). */
    INTEGER_SUM,
    /** Status replies: {@code +OK} when every part answered {@code +OK} (MSET). */
    ALL_OK,
    /**
     * The router's own {@link ReplyMerger} combines the replies (SCAN cursors, KEYS, INFO). Error replies are passed
     * to it like any other, so it decides what an error of one part means.
     */
    CUSTOM
}

package dev.kelp.csource;

import java.util.List;

/**
 * One entity a hunk touches. {@code commentOnly} when none of the changed lines inside it holds
 * code (comments, blank lines). {@code users} are the functions that mention it (for
 * non-function entities and header functions), {@code via} naming the identifier found.
 */
public record Touch(String file, CEntity entity, Change change, boolean commentOnly, List<Use> users) {

    public enum Change { MODIFIED, ADDED, DELETED }

    /** A function in {@code unit} whose code mentions {@code via}, an identifier the touched entity defines. */
    public record Use(String unit, String function, String via) {
    }
}
